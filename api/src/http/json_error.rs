//! How the plain HTTP endpoints (the REST surface, the feeds) refuse a request: a JSON body
//! `{"error", "code", "parameter"}` with the status the error calls for, the message also in
//! `X-Error-Message` (as the Hugging Face Hub sends it). Internal causes stay in the log.

use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::{AppError, ErrorCode, INTERNAL_MESSAGE};

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
    let mut body = json!({ "error": message, "code": code.as_str() });
    if let AppError::BadUserInput { field, .. } = err {
        body["parameter"] = Value::String(field.clone());
    }
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&message) {
        response.headers_mut().insert("x-error-message", value);
    }
    response
}
