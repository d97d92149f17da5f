//! The application state, built once at start-up and shared by the HTTP layer and the schema.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::{DatabaseKind, Settings};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Where the SQLite file lives, for readiness (a deleted file is not a ready database).
    pub database_kind: DatabaseKind,
}
