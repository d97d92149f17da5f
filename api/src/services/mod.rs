//! Services: the only code that touches sea-orm, one module per domain holding its reads and
//! its writes. Each function authorises, validates, runs its SQL (in a transaction where it
//! writes) and returns domain values or an `AppError`.

pub mod accounts;
pub mod claims;
pub mod collections;
pub mod digest;
pub mod discussion;
pub mod events;
pub mod input;
pub mod jobs;
pub mod moderation;
pub mod notifications;
pub mod pagination;
pub mod papers;
pub mod seed;
pub mod throttle;
pub mod tokens;
pub mod votes;
pub mod webhooks;

/// The current time, to the millisecond: both databases then store and return exactly the
/// same instant (PostgreSQL keeps microseconds, SQLite keeps what it is given), so cursors and
/// comparisons built from a stored time round-trip on either.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(3)
}
