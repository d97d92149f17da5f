//! Prometheus metrics, `papers_`-prefixed, in the text exposition format at `/metrics` (or on
//! `--metrics-listen`): HTTP requests and their durations, GraphQL operations by type, name and
//! outcome, the database pool, statements, throttle rejections, webhook attempts and mails. One registry per running
//! service (tests run many in one process), built on `prometheus-client`.

use std::collections::HashSet;
use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::{DatabaseConnection, DbBackend};

/// Distinct operation names counted under their own label; later ones count as `other`, so a
/// client sending random names cannot grow the series without bound.
pub const MAX_OPERATION_NAMES: usize = 100;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation_type: &'static str,
    operation_name: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EmbeddingLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MailLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ThrottleLabels {
    throttle: &'static str,
}

/// How a GraphQL operation ended, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationOutcome {
    /// It ran without errors.
    Success,
    /// It ran, and some fields failed.
    FieldErrors,
    /// It was refused before running (parse, validation, limits, transport rules).
    Refused,
    /// It ran out of time.
    Timeout,
}

impl OperationOutcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::FieldErrors => "field_errors",
            Self::Refused => "refused",
            Self::Timeout => "timeout",
        }
    }
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    operations: Family<OperationLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    viewer_cache_live: Gauge,
    viewer_cache_rows: Gauge,
    statements: Counter,
    throttle_rejections: Family<ThrottleLabels, Counter>,
    webhook_attempts: Family<OutcomeLabels, Counter>,
    mails: Family<MailLabels, Counter>,
    embeddings: Family<EmbeddingLabels, Histogram>,
    operation_names: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("papers");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        // 1 ms to about 16 s.
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (headers sent), by route",
            durations.clone(),
        );
        let operations = Family::<OperationLabels, Counter>::default();
        registry.register(
            "graphql_operations",
            "GraphQL operations, by type, name (anonymous ones as `anonymous`, names beyond the \
             first 100 as `other`) and outcome",
            operations.clone(),
        );
        let viewer_cache_live = Gauge::default();
        registry.register(
            "viewer_cache_live",
            "1 while signed-in users' rows are cached (PostgreSQL: the live-event relay listens; a SQLite file: the cache is on), else 0",
            viewer_cache_live.clone(),
        );
        let viewer_cache_rows = Gauge::default();
        registry.register(
            "viewer_cache_rows",
            "Signed-in users' rows cached",
            viewer_cache_rows.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections, idle or in use",
            pool.clone(),
        );
        let statements = Counter::default();
        registry.register("db_statements", "SQL statements run", statements.clone());
        let throttle_rejections = Family::<ThrottleLabels, Counter>::default();
        registry.register(
            "throttle_rejections",
            "Requests refused with RATE_LIMITED, by throttle",
            throttle_rejections.clone(),
        );
        let webhook_attempts = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts, by outcome: delivered (2xx), retry (to be tried again), \
             failed (retries spent), gone (410: the webhook is turned off), dropped (the webhook \
             was off or deleted)",
            webhook_attempts.clone(),
        );
        let mails = Family::<MailLabels, Counter>::default();
        registry.register(
            "mails",
            "Mails handed to the SMTP server, by kind (confirmation, digest) and outcome (sent, \
             failed)",
            mails.clone(),
        );
        // 0.5 ms to about 8 s.
        let embeddings = Family::<EmbeddingLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 15))
        });
        registry.register(
            "embedding_seconds",
            "Time the embedding model ran, by kind: query (one search's text) or papers (a \
             batch of the background job or of `papers embed`); the wait for a thread is not \
             counted",
            embeddings.clone(),
        );
        Self {
            registry,
            requests,
            durations,
            operations,
            pool,
            viewer_cache_live,
            viewer_cache_rows,
            statements,
            throttle_rejections,
            webhook_attempts,
            mails,
            embeddings,
            operation_names: Mutex::new(HashSet::new()),
        }
    }

    /// Counts an answered HTTP request. `route` is one of the service's routes or `unmatched`.
    pub fn http_request(&self, method: &str, route: &'static str, status: u16, seconds: f64) {
        let labels = RequestLabels {
            method: method.to_owned(),
            route,
            status,
        };
        self.requests.get_or_create(&labels).inc();
        self.durations
            .get_or_create(&RouteLabels { route })
            .observe(seconds);
    }

    /// Counts a GraphQL operation.
    pub fn operation(
        &self,
        operation_type: &'static str,
        name: Option<&str>,
        outcome: OperationOutcome,
    ) {
        let name = match name {
            None => "anonymous".to_owned(),
            Some(name) => self.capped_name(name),
        };
        let labels = OperationLabels {
            operation_type,
            operation_name: name,
            outcome: outcome.as_str(),
        };
        self.operations.get_or_create(&labels).inc();
    }

    fn capped_name(&self, name: &str) -> String {
        let Ok(mut names) = self.operation_names.lock() else {
            return "other".to_owned();
        };
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }

    /// Counts one SQL statement.
    pub fn statement(&self) {
        self.statements.inc();
    }

    /// Counts a webhook delivery attempt's outcome.
    pub fn webhook_attempt(&self, outcome: &'static str) {
        self.webhook_attempts
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// Counts a mail handed (or not) to the SMTP server.
    pub fn mail(&self, kind: &'static str, sent: bool) {
        let outcome = if sent { "sent" } else { "failed" };
        self.mails
            .get_or_create(&MailLabels { kind, outcome })
            .inc();
    }

    /// Records one run of the embedding model: `query` or `papers`.
    pub fn embedding(&self, kind: &'static str, seconds: f64) {
        self.embeddings
            .get_or_create(&EmbeddingLabels { kind })
            .observe(seconds);
    }

    /// The counter of one throttle's rejections.
    pub fn throttle(&self, throttle: &'static str) -> Counter {
        self.throttle_rejections
            .get_or_create(&ThrottleLabels { throttle })
            .clone()
    }

    /// The exposition text, with the pool's and the viewer cache's state (whether it is live,
    /// how many rows it holds) as they are now.
    pub fn render(&self, db: &DatabaseConnection, (live, rows): (bool, usize)) -> String {
        self.viewer_cache_live.set(i64::from(live));
        self.viewer_cache_rows
            .set(i64::try_from(rows).unwrap_or(i64::MAX));
        let (size, idle) = match db.get_database_backend() {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        let in_use = i64::from(size).saturating_sub(idle).max(0);
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(idle);
        self.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(in_use);
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            tracing::error!("the metrics failed to encode");
        }
        text
    }
}
