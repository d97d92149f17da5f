//! Typed configuration: every setting is a flag and an environment variable (flag winning),
//! parsed and checked once at start-up. A bad value ends start-up with exit code 2 and one line
//! naming the setting; nothing else in the code reads the environment.

mod database;
mod secret;
mod values;

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

pub use database::DatabaseKind;
pub use secret::{
    JwtSecret, MIN_JWT_SECRET_BYTES, random_secret, read_secret_beside, replace_secret_beside,
};
pub use values::{parse_proxy, parse_public_url};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `sqlite://FILE?mode=rwc`, `sqlite::memory:` or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://papers.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "PAPERS_LISTEN",
        default_value = "127.0.0.1:8000",
        global = true
    )]
    pub listen: SocketAddr,

    /// Secret that signs access tokens (at least 32 bytes). Without it, one is generated on the
    /// first run and kept in a file beside the SQLite database.
    #[arg(long, env = "PAPERS_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// Log format; levels come from `RUST_LOG`.
    #[arg(long, env = "PAPERS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Do not load the demo papers into an empty database.
    #[arg(long, env = "PAPERS_NO_DEMO", global = true)]
    pub no_demo: bool,

    /// `off` disables every throttle (for load tests and benchmarks).
    #[arg(long, env = "PAPERS_RATE_LIMITS", value_enum, default_value_t = Switch::On, global = true)]
    pub rate_limits: Switch,

    /// Failed sign-ins per account in 15 minutes before `RATE_LIMITED`.
    #[arg(long, env = "PAPERS_THROTTLE_LOGIN_ACCOUNT", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_login_account: u64,

    /// Failed sign-ins per client address in 15 minutes.
    #[arg(long, env = "PAPERS_THROTTLE_LOGIN_ADDRESS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_login_address: u64,

    /// Sign-ups per client address in an hour.
    #[arg(long, env = "PAPERS_THROTTLE_REGISTER", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_register: u64,

    /// Comments per user in a minute.
    #[arg(long, env = "PAPERS_THROTTLE_COMMENTS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_comments: u64,

    /// Paper submissions per user in a day.
    #[arg(long, env = "PAPERS_THROTTLE_SUBMISSIONS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_submissions: u64,

    /// Digest subscriptions (each mails a confirmation) per email address in an hour.
    #[arg(long, env = "PAPERS_THROTTLE_DIGEST_ADDRESS", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_digest_address: u64,

    /// Digest subscriptions per client address in an hour.
    #[arg(long, env = "PAPERS_THROTTLE_DIGEST_CLIENT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_digest_client: u64,

    /// Comment reports per user in an hour.
    #[arg(long, env = "PAPERS_THROTTLE_REPORTS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_reports: u64,

    /// Follows and unfollows per user in an hour.
    #[arg(long, env = "PAPERS_THROTTLE_FOLLOWS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub throttle_follows: u64,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "PAPERS_BODY_LIMIT", default_value_t = 262_144,
          value_parser = clap::value_parser!(u64).range(1024..=16_777_216), global = true)]
    pub body_limit: u64,

    /// Longest a request may run, in seconds.
    #[arg(long, env = "PAPERS_REQUEST_TIMEOUT", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub request_timeout: u64,

    /// Most connections served at once; one more is answered 503 and closed.
    #[arg(long, env = "PAPERS_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub max_connections: u64,

    /// Seconds a client has to send a request's headers (on a new connection, its first
    /// request; on HTTP/1.1 also each next request of a kept-alive connection).
    #[arg(long, env = "PAPERS_HEADER_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300), global = true)]
    pub header_timeout: u64,

    /// Seconds a connection with no request in flight and no traffic stays open.
    #[arg(long, env = "PAPERS_IDLE_TIMEOUT", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub idle_timeout: u64,

    /// Most operations in one batched request (0 refuses batches).
    #[arg(long, env = "PAPERS_MAX_BATCH", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=100), global = true)]
    pub max_batch: u64,

    /// Deepest nesting of brackets (`{`, `[`, `(`) in a GraphQL document, and of arrays and
    /// objects in a JSON request body; measured before parsing.
    #[arg(long, env = "PAPERS_MAX_NESTING", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(4..=128), global = true)]
    pub max_nesting: u64,

    /// Deepest selection nesting a query may have.
    #[arg(long, env = "PAPERS_MAX_DEPTH", default_value_t = 12,
          value_parser = clap::value_parser!(u64).range(2..=100), global = true)]
    pub max_depth: u64,

    /// The cost budget of one request (a batch shares it): each field costs 1 plus what it
    /// selects, a connection costs its page size times what each item selects.
    #[arg(long, env = "PAPERS_MAX_COMPLEXITY", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(10..=1_000_000), global = true)]
    pub max_complexity: u64,

    /// Most fields a query may select in all, `__typename` included.
    #[arg(long, env = "PAPERS_MAX_FIELDS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(10..=100_000), global = true)]
    pub max_fields: u64,

    /// Most aliases a query may use.
    #[arg(long, env = "PAPERS_MAX_ALIASES", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=10_000), global = true)]
    pub max_aliases: u64,

    /// Most directives a query may use.
    #[arg(long, env = "PAPERS_MAX_DIRECTIVES", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=10_000), global = true)]
    pub max_directives: u64,

    /// How often the trending scores of recent papers and collections are recomputed, in seconds.
    #[arg(long, env = "PAPERS_TRENDING_REFRESH_SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=86_400), global = true)]
    pub trending_refresh_secs: u64,

    /// How long loaders wait for more keys after the executor's pass that asked, in
    /// microseconds (0: each pass of sibling fields is one batch).
    #[arg(long, env = "PAPERS_LOADER_DELAY_US", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=100_000), global = true)]
    pub loader_delay_us: u64,

    /// How long a signed-in user's row may be kept between requests, in seconds (every change to
    /// the account forgets it at once; on SQLite any commit to the file). 0 reads it on every
    /// request, e.g. behind a pooler that does not pass `LISTEN` through.
    #[arg(long, env = "PAPERS_VIEWER_CACHE_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=3600), global = true)]
    pub viewer_cache_secs: u64,

    /// Largest database connection pool.
    #[arg(long, env = "PAPERS_DB_POOL_SIZE", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub db_pool_size: u32,

    /// How long a request waits for a database connection before failing, in milliseconds.
    #[arg(long, env = "PAPERS_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 3000,
          value_parser = clap::value_parser!(u64).range(100..=60_000), global = true)]
    pub db_acquire_timeout_ms: u64,

    /// Most automatic persisted queries kept (least recently used go first).
    #[arg(long, env = "PAPERS_APQ_CACHE_ENTRIES", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000), global = true)]
    pub apq_cache_entries: u64,

    /// Most bytes of query text the persisted queries hold in all.
    #[arg(long, env = "PAPERS_APQ_CACHE_BYTES", default_value_t = 8 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=1_073_741_824), global = true)]
    pub apq_cache_bytes: u64,

    /// `max-age` of the `Cache-Control: public` answer to anonymous GET queries, in seconds; 0
    /// answers them `no-store` like everything else.
    #[arg(long, env = "PAPERS_CACHE_MAX_AGE", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(0..=86_400), global = true)]
    pub cache_max_age: u64,

    /// Proxies (addresses or CIDR networks, comma-separated) whose `X-Forwarded-For` names the
    /// client: set it to the load balancer's addresses when replicas sit behind one, so that
    /// per-address throttles count clients, not the balancer. From any other peer the header
    /// is ignored.
    #[arg(long, env = "PAPERS_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = parse_proxy, global = true)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// The site's public address (`https://papers.example.org`): feed entries link to its
    /// paper pages (`/papers/ARXIV_ID`) instead of arXiv's.
    #[arg(long, env = "PAPERS_PUBLIC_URL", value_parser = parse_public_url, global = true)]
    pub public_url: Option<String>,

    /// Seconds a WebSocket client has to send `connection_init` before it is closed (4408).
    #[arg(long, env = "PAPERS_WS_INIT_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub ws_init_timeout: u64,

    /// Most WebSocket connections open at once in this process; one more is answered `503`.
    #[arg(long, env = "PAPERS_WS_MAX_CONNECTIONS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000), global = true)]
    pub ws_max_connections: u64,

    /// Most operations running at once on one WebSocket connection.
    #[arg(long, env = "PAPERS_WS_MAX_SUBSCRIPTIONS", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(1..=10_000), global = true)]
    pub ws_max_subscriptions: u64,

    /// Seconds to wait before each retry of a webhook delivery that failed (with a fifth of
    /// jitter either way); once they are spent the delivery is `FAILED`.
    #[arg(long, env = "PAPERS_WEBHOOK_RETRY_DELAYS", value_delimiter = ',',
          default_value = "5,300,1800,7200,18000,36000,86400",
          value_parser = clap::value_parser!(u64).range(0..=604_800), global = true)]
    pub webhook_retry_delays: Vec<u64>,

    /// `on` lets webhooks target loopback, private and link-local addresses (development and
    /// tests only: on a public server it lets users reach its internal network).
    #[arg(long, env = "PAPERS_WEBHOOK_ALLOW_PRIVATE", value_enum, default_value_t = Switch::Off, global = true)]
    pub webhook_allow_private: Switch,

    /// The SMTP server that sends the digest: `smtp://host:25` (plain, or STARTTLS when the
    /// server offers it), `smtp://host:587?tls=required`, `smtps://user:pass@host:465`. Without
    /// it no mail is sent (subscribing still works).
    #[arg(long, env = "PAPERS_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// The digest's sender address.
    #[arg(
        long,
        env = "PAPERS_MAIL_FROM",
        default_value = "Papers <papers@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// The hour (UTC, 0–23) at which `serve` sends the daily digest of the day before, and on
    /// Mondays the weekly digest of the week before; one replica sends each.
    #[arg(long, env = "PAPERS_DIGEST_HOUR", default_value_t = 7,
          value_parser = clap::value_parser!(u8).range(0..=23), global = true)]
    pub digest_hour: u8,

    /// Serve `/metrics` on this address instead of the API's (keeps it off a public port).
    #[arg(long, env = "PAPERS_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// A sentence-embedding model (a folder in the layout of its Hugging Face repository:
    /// `config.json`, `tokenizer.json`, `model.safetensors`, `1_Pooling/config.json`), for search
    /// by meaning and similar papers by their vectors; `papers model download` fetches one.
    /// Without it search is by words only.
    #[arg(
        long,
        env = "PAPERS_EMBEDDING_MODEL",
        value_name = "DIR",
        global = true
    )]
    pub embedding_model: Option<std::path::PathBuf>,
}

/// A configuration error: the setting it concerns and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("invalid {setting}: {reason}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub reason: String,
}

impl Settings {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout)
    }

    pub fn db_acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.db_acquire_timeout_ms)
    }

    /// Whether webhooks may target private addresses.
    pub fn webhook_allow_private(&self) -> bool {
        self.webhook_allow_private == Switch::On
    }

    pub fn rate_limits_enabled(&self) -> bool {
        self.rate_limits == Switch::On
    }

    /// Checks the settings that clap cannot check alone.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.database_kind()?;
        if let Some(secret) = &self.jwt_secret {
            secret::check_length(secret, "--jwt-secret (PAPERS_JWT_SECRET)")?;
        }
        Ok(())
    }
}

/// Settings as a command line gives them, for the tests of this module's parts.
#[cfg(test)]
pub(crate) fn parse(args: &[&str]) -> Settings {
    #[derive(clap::Parser)]
    struct Line {
        #[command(flatten)]
        settings: Settings,
    }
    let args = std::iter::once("papers").chain(args.iter().copied());
    <Line as clap::Parser>::parse_from(args).settings
}
