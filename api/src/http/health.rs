//! `/health` (the process answers) and `/ready` (the database answers).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::DatabaseKind;
use crate::db;
use crate::state::AppState;

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `ok` (`/health`), `ready` or `unavailable` (`/ready`).
    pub status: &'static str,
}

/// Whether the process answers.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process answers.", body = Status)))]
pub async fn health() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// Whether the database answers (for load balancers and orchestrators).
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, description = "The database answers.", body = Status),
    (status = 503, description = "The database does not answer.", body = Status),
))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Status>) {
    // A SQLite file that has been deleted still answers through the open connections, but
    // everything written from then on is lost: that database is not ready.
    let file_present = match &state.database_kind {
        DatabaseKind::SqliteFile(path) => path.exists(),
        _ => true,
    };
    if file_present && db::ping(&state.services.db).await {
        (StatusCode::OK, Json(Status { status: "ready" }))
    } else {
        tracing::warn!("readiness check failed: the database does not answer");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Status {
                status: "unavailable",
            }),
        )
    }
}
