//! `/health` (the process answers) and `/ready` (the database answers).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::config::DatabaseKind;
use crate::db;
use crate::state::AppState;

pub async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    // A SQLite file that has been deleted still answers through the open connections, but
    // everything written from then on is lost: that database is not ready.
    let file_present = match &state.database_kind {
        DatabaseKind::SqliteFile(path) => path.exists(),
        _ => true,
    };
    if file_present && db::ping(&state.services.db).await {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        tracing::warn!("readiness check failed: the database does not answer");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable" })),
        )
    }
}
