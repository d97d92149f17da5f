//! Services: the only code that touches sea-orm, one module per domain holding its reads and
//! its writes. Each function authorises, validates, runs its SQL (in a transaction where it
//! writes) and returns domain values or an `AppError`.

pub mod accounts;
pub mod claims;
pub mod collections;
pub mod digest;
pub mod discovery;
pub mod discussion;
pub mod events;
pub mod follows;
pub mod input;
pub mod jobs;
pub mod moderation;
pub mod notifications;
pub mod pagination;
pub mod papers;
pub mod recommendations;
pub mod seed;
pub mod throttle;
pub mod tokens;
pub mod topics;
pub mod votes;
pub mod webhooks;
pub mod workers;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use accounts::passwords::Hasher;
use accounts::viewers::Viewers;
use digest::mail::Mailer;
use discovery::Discovery;
use events::{Event, Events};
use throttle::Throttles;

/// What the services share beyond the caller: the database, the keys that sign sessions, the
/// password-hashing threads, the throttles, the live events that writes publish once they have
/// committed, the mailer and discovery (the embedding model and its index). Built once at start-up and cheap to clone. A service that needs nothing but
/// the database takes the connection alone.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub jwt: Arc<JwtKeys>,
    pub hasher: Arc<Hasher>,
    pub throttles: Arc<Throttles>,
    pub events: Arc<Events>,
    /// Sends mail; `None` when no SMTP server is configured (mail is off).
    pub mailer: Option<Mailer>,
    /// The embedding model, when one is loaded, and this replica's index of its vectors.
    pub discovery: Arc<Discovery>,
    /// Signed-in users' rows between requests, forgotten on every change (PostgreSQL only).
    pub viewers: Arc<Viewers>,
}

impl Services {
    /// Publishes live events of work that has committed. A failure to notify is logged, not
    /// returned: the work itself has succeeded.
    pub async fn publish(&self, events: &[Event]) {
        self.events.publish(events).await;
    }
}

/// The current time, to the millisecond: both databases then store and return exactly the
/// same instant (PostgreSQL keeps microseconds, SQLite keeps what it is given), so cursors and
/// comparisons built from a stored time round-trip on either.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(3)
}
