//! The delivery worker: every replica runs one. It claims due deliveries in small batches (on
//! PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two replicas never take the same one), pushes
//! their next attempt a lease ahead (a worker that dies mid-attempt leaves the delivery to be
//! tried again after it: at least once), sends them, and records the outcome:
//!
//! - 2xx: `DELIVERED`.
//! - 410 Gone: `FAILED`, and the webhook is turned off (its owner may turn it on again).
//! - anything else (other statuses, redirects, which are not followed, timeouts, refused or
//!   unreachable addresses): tried again after the next delay of the schedule, with jitter;
//!   `FAILED` once the schedule is spent.

use std::time::Duration;

use entity::{webhook, webhook_delivery};
use rand::Rng;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db;
use crate::error::AppError;
use crate::services::webhooks::{address, signature};

/// Longest wait for an endpoint's answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is held before another worker may try it.
const LEASE: Duration = Duration::from_secs(60);
/// Deliveries claimed at once.
const BATCH: u64 = 16;
/// How often an idle worker looks for due deliveries.
const POLL: Duration = Duration::from_secs(1);

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Delivered,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Delivered => "DELIVERED",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "DELIVERED" => Self::Delivered,
            "FAILED" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// How deliveries are made.
#[derive(Clone)]
pub struct Policy {
    /// The waits before the second, third, … attempt; one attempt more than delays in all.
    pub retry_delays: Vec<Duration>,
    /// Whether private addresses may be targets (development and tests only).
    pub allow_private: bool,
    /// Where attempts are counted.
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
}

impl Policy {
    /// The policy the settings describe, counted in `metrics`.
    pub fn from_settings(
        settings: &crate::config::Settings,
        metrics: std::sync::Arc<crate::metrics::Metrics>,
    ) -> Self {
        Self {
            metrics,
            retry_delays: settings
                .webhook_retry_delays
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            allow_private: settings.webhook_allow_private(),
        }
    }
}

/// Delivers until the process ends.
pub async fn run(db: DatabaseConnection, policy: Policy) {
    loop {
        match deliver_due(&db, &policy).await {
            Ok(0) => tokio::time::sleep(POLL).await,
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "webhook delivery failed to run");
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// Sends one batch of due deliveries; returns how many were tried.
pub async fn deliver_due(db: &DatabaseConnection, policy: &Policy) -> Result<usize, AppError> {
    let claimed = claim(db).await?;
    let count = claimed.len();
    let attempts = claimed
        .into_iter()
        .map(|(delivery, hook)| attempt(db, policy, delivery, hook));
    for result in futures_util::future::join_all(attempts).await {
        result?;
    }
    Ok(count)
}

fn due(now: chrono::DateTime<chrono::Utc>) -> sea_orm::Select<webhook_delivery::Entity> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(Status::Pending.as_str()))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
}

/// Takes a batch of due deliveries with their webhooks, leasing them.
async fn claim(
    db: &DatabaseConnection,
) -> Result<Vec<(webhook_delivery::Model, Option<webhook::Model>)>, AppError> {
    let now = crate::services::now();
    // A plain read first, so that an idle worker never takes SQLite's write lock.
    if due(now).one(db).await?.is_none() {
        return Ok(Vec::new());
    }
    let txn = db::begin_write(db).await?;
    let mut select = due(now)
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(BATCH);
    if db.get_database_backend() == DbBackend::Postgres {
        select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = select.all(&txn).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let lease = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let ids: Vec<_> = rows.iter().map(|d| d.id).collect();
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(lease))
        .filter(webhook_delivery::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    let mut hook_ids: Vec<_> = rows.iter().map(|d| d.webhook_id).collect();
    hook_ids.sort_unstable();
    hook_ids.dedup();
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(hook_ids))
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .map(|d| {
            let hook = hooks.iter().find(|h| h.id == d.webhook_id).cloned();
            (d, hook)
        })
        .collect())
}

/// What one attempt came to.
enum Outcome {
    Delivered(u16),
    Gone,
    Retry {
        status: Option<u16>,
        error: String,
    },
    /// Not attempted and not to be: the webhook is off or gone.
    Dropped(&'static str),
}

async fn attempt(
    db: &DatabaseConnection,
    policy: &Policy,
    delivery: webhook_delivery::Model,
    hook: Option<webhook::Model>,
) -> Result<(), AppError> {
    let outcome = match &hook {
        None => Outcome::Dropped("the webhook was deleted"),
        Some(hook) if !hook.is_active => Outcome::Dropped("the webhook is turned off"),
        Some(hook) => match send(policy, hook, &delivery).await {
            Ok(status) if (200..300).contains(&status) => Outcome::Delivered(status),
            Ok(410) => Outcome::Gone,
            Ok(status) => Outcome::Retry {
                status: Some(status),
                error: format!("the endpoint answered {status}"),
            },
            Err(error) => Outcome::Retry {
                status: None,
                error,
            },
        },
    };
    record(db, policy, &delivery, outcome).await
}

/// Writes an attempt's outcome, only while the delivery is still pending.
async fn record(
    db: &DatabaseConnection,
    policy: &Policy,
    delivery: &webhook_delivery::Model,
    outcome: Outcome,
) -> Result<(), AppError> {
    use webhook_delivery::Column as C;
    let now = crate::services::now();
    let attempts = delivery.attempts + 1;
    let txn = db::begin_write(db).await?;
    policy.metrics.webhook_attempt(match &outcome {
        Outcome::Delivered(_) => "delivered",
        Outcome::Gone => "gone",
        Outcome::Dropped(_) => "dropped",
        Outcome::Retry { .. }
            if usize::try_from(delivery.attempts)
                .is_ok_and(|done| done < policy.retry_delays.len()) =>
        {
            "retry"
        }
        Outcome::Retry { .. } => "failed",
    });
    let mut update = webhook_delivery::Entity::update_many()
        .filter(C::Id.eq(delivery.id))
        .filter(C::Status.eq(Status::Pending.as_str()));
    let none_at: Option<chrono::DateTime<chrono::Utc>> = None;
    match outcome {
        Outcome::Delivered(status) => {
            update = update
                .col_expr(C::Status, Expr::value(Status::Delivered.as_str()))
                .col_expr(C::Attempts, Expr::value(attempts))
                .col_expr(C::ResponseStatus, Expr::value(i32::from(status)))
                .col_expr(C::LastError, Expr::value(Option::<String>::None))
                .col_expr(C::DeliveredAt, Expr::value(now))
                .col_expr(C::NextAttemptAt, Expr::value(none_at));
        }
        Outcome::Gone => {
            update = update
                .col_expr(C::Status, Expr::value(Status::Failed.as_str()))
                .col_expr(C::Attempts, Expr::value(attempts))
                .col_expr(C::ResponseStatus, Expr::value(410))
                .col_expr(
                    C::LastError,
                    Expr::value("the endpoint answered 410 Gone: the webhook was turned off"),
                )
                .col_expr(C::NextAttemptAt, Expr::value(none_at));
            webhook::Entity::update_many()
                .col_expr(webhook::Column::IsActive, Expr::value(false))
                .filter(webhook::Column::Id.eq(delivery.webhook_id))
                .exec(&txn)
                .await?;
        }
        Outcome::Retry { status, error } => {
            let next = usize::try_from(delivery.attempts)
                .ok()
                .and_then(|done| policy.retry_delays.get(done))
                .map(|delay| now + jittered(*delay));
            let status_now = if next.is_some() {
                Status::Pending
            } else {
                Status::Failed
            };
            update = update
                .col_expr(C::Status, Expr::value(status_now.as_str()))
                .col_expr(C::Attempts, Expr::value(attempts))
                .col_expr(C::ResponseStatus, Expr::value(status.map(i32::from)))
                .col_expr(C::LastError, Expr::value(error))
                .col_expr(C::NextAttemptAt, Expr::value(next));
        }
        Outcome::Dropped(reason) => {
            update = update
                .col_expr(C::Status, Expr::value(Status::Failed.as_str()))
                .col_expr(C::LastError, Expr::value(reason))
                .col_expr(C::NextAttemptAt, Expr::value(none_at));
        }
    }
    update.exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// A delay of the schedule, moved by up to a fifth either way so that retries of many
/// deliveries that failed together spread out.
fn jittered(delay: Duration) -> chrono::Duration {
    let factor = rand::rng().random_range(0.8..=1.2);
    chrono::Duration::from_std(delay.mul_f64(factor)).unwrap_or_else(|_| chrono::Duration::days(1))
}

/// One signed POST; the endpoint's status, or why there was none. The host is resolved and
/// its addresses checked here, and the request connects to exactly those addresses.
async fn send(
    policy: &Policy,
    hook: &webhook::Model,
    delivery: &webhook_delivery::Model,
) -> Result<u16, String> {
    let url = address::parse(&hook.url).map_err(|e| e.to_string())?;
    let addrs = address::resolve(&url, policy.allow_private)
        .await
        .map_err(|e| format!("refused: {e}"))?;
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .no_proxy()
        .user_agent(concat!("Papers-Webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(url::Host::Domain(host)) = url.host() {
        client = client.resolve_to_addrs(host, &addrs);
    }
    let client = client
        .build()
        .map_err(|_| "cannot make an HTTP client".to_owned())?;
    let timestamp = chrono::Utc::now().timestamp();
    let signed = signature::sign(
        &hook.secret,
        &delivery.message_id,
        timestamp,
        &delivery.payload,
    );
    let answer = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &delivery.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signed)
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|err| {
            if err.is_timeout() {
                format!("no answer within {} s", TIMEOUT.as_secs())
            } else if err.is_connect() {
                "cannot connect to the endpoint".to_owned()
            } else {
                "the request failed".to_owned()
            }
        })?;
    Ok(answer.status().as_u16())
}
