//! Services: the only code that touches sea-orm. Each function authorises, validates, runs its
//! SQL (in a transaction where it writes) and returns domain values or an `AppError`.

pub mod accounts;
pub mod api_tokens;
pub mod arxiv;
pub mod claims;
pub mod collections;
pub mod comments;
pub mod curation;
pub mod dates;
pub mod demo;
pub mod discussion;
pub mod import;
pub mod markdown;
pub mod pagination;
pub mod papers;
pub mod passwords;
pub mod search;
pub mod seed;
pub mod submissions;
pub mod throttle;
pub mod trending;
pub mod upvotes;
pub mod users;
pub mod votes;

/// The current time, to the millisecond: both databases then store and return exactly the
/// same instant (PostgreSQL keeps microseconds, SQLite keeps what it is given), so cursors and
/// comparisons built from a stored time round-trip on either.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(3)
}
