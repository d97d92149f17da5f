//! The application state, built once at start-up and shared by the HTTP layer and the schema.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::config::{DatabaseKind, Settings};
use crate::metrics::Metrics;
use crate::services::accounts::passwords::Hasher;
use crate::services::digest::mail::Mailer;
use crate::services::events::Events;
use crate::services::throttle::Throttles;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// The same pool for background jobs and workers: their statements are not counted in
    /// `statements` (requests' own count), only in the metrics.
    pub background: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Where the SQLite file lives, for readiness (a deleted file is not a ready database).
    pub database_kind: DatabaseKind,
    /// Signs and checks access tokens.
    pub jwt: Arc<JwtKeys>,
    /// SQL statements run since start-up: how the tests prove a page costs the same number of
    /// statements whatever its size.
    pub statements: Arc<AtomicU64>,
    /// The password-hashing threads (each hash takes 19 MiB and tens of milliseconds of CPU).
    pub hasher: Arc<Hasher>,
    pub throttles: Arc<Throttles>,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// Live events for subscriptions.
    pub events: Arc<Events>,
    /// Sends the digest's mail; `None` when no SMTP server is configured (mail is off).
    pub mailer: Option<Mailer>,
}
