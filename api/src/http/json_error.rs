//! How the plain HTTP endpoints (the REST surface, the feeds) refuse a request: a JSON body
//! `{"error", "code", "parameter"}` with the status the error calls for, the message also in
//! `X-Error-Message` (as the Hugging Face Hub sends it). Internal causes stay in the log.

use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, ErrorCode, INTERNAL_MESSAGE};

/// Why a REST request was refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person (also in the `X-Error-Message` header).
    pub error: String,
    /// The error's code, as GraphQL's `extensions.code`: `BAD_USER_INPUT`, `NOT_FOUND`,
    /// `UNAUTHENTICATED`, `FORBIDDEN` or `INTERNAL_SERVER_ERROR`.
    pub code: String,
    /// The query parameter at fault, for `BAD_USER_INPUT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

pub fn json_error(err: &AppError) -> Response {
    let code = err.code();
    let (status, message) = match code {
        ErrorCode::BadUserInput => (StatusCode::BAD_REQUEST, err.to_string()),
        ErrorCode::NotFound => (StatusCode::NOT_FOUND, err.to_string()),
        ErrorCode::Unauthenticated => (StatusCode::UNAUTHORIZED, err.to_string()),
        ErrorCode::Forbidden => (StatusCode::FORBIDDEN, err.to_string()),
        _ => {
            tracing::error!(cause = %err, "a request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                INTERNAL_MESSAGE.to_owned(),
            )
        }
    };
    let parameter = match err {
        AppError::BadUserInput { field, .. } => Some(field.clone()),
        _ => None,
    };
    let body = ErrorBody {
        error: message.clone(),
        code: code.as_str().to_owned(),
        parameter,
    };
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&message) {
        response.headers_mut().insert("x-error-message", value);
    }
    response
}
