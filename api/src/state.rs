//! The application state, built once at start-up and shared by the HTTP layer and the schema.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use sea_orm::DatabaseConnection;

use crate::config::{DatabaseKind, Settings};
use crate::metrics::Metrics;
use crate::services::Services;

#[derive(Clone)]
pub struct AppState {
    /// What the services share: the database, the session keys, the hashing threads, the
    /// throttles, the live events and the mailer.
    pub services: Services,
    /// The same pool for background jobs and workers: their statements are not counted in
    /// `statements` (requests' own count), only in the metrics.
    pub background: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Where the SQLite file lives, for readiness (a deleted file is not a ready database).
    pub database_kind: DatabaseKind,
    /// SQL statements run since start-up: how the tests prove a page costs the same number of
    /// statements whatever its size.
    pub statements: Arc<AtomicU64>,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
}
