//! The answers of the GraphQL endpoint: how an operation ended, its status and JSON body, and
//! every error with its `extensions.code`.

use async_graphql::ServerError;
use axum::http::header::{ALLOW, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::{ErrorCode, INTERNAL_MESSAGE};
use crate::graphql::engine;
use crate::http::negotiate::ResponseFormat;

/// How one operation ended.
pub(super) enum Outcome {
    /// It ran (perhaps with field errors); the response is as the executor made it.
    Executed(async_graphql::Response),
    /// It was refused before running: a parse or validation failure.
    Refused(Vec<ServerError>, ErrorCode),
    /// A mutation arrived over GET.
    MutationOverGet,
    /// It ran out of time.
    TimedOut,
    /// A mutation from a read-only API token.
    ReadOnly,
}

impl From<engine::Refused> for Outcome {
    fn from(refused: engine::Refused) -> Self {
        Outcome::Refused(refused.errors, refused.code)
    }
}

/// The body of an executed operation, serialized straight from the executor's values (no
/// intermediate JSON tree: a feed page is large).
#[derive(serde::Serialize)]
struct ExecutedBody<'a> {
    data: &'a async_graphql::Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Value>,
}

/// The status and JSON body of an outcome (the status as for `application/json`).
pub(super) fn outcome_body(outcome: Outcome) -> (StatusCode, Vec<u8>) {
    let to_bytes = |value: &Value| serde_json::to_vec(value).unwrap_or_default();
    match outcome {
        Outcome::Executed(response) => encode(
            StatusCode::OK,
            &ExecutedBody {
                data: &response.data,
                errors: response.errors.into_iter().map(executed_error).collect(),
            },
        ),
        Outcome::Refused(errors, code) => {
            let errors: Vec<Value> = errors.into_iter().map(|e| refused_error(e, code)).collect();
            (
                StatusCode::BAD_REQUEST,
                to_bytes(&json!({ "errors": errors })),
            )
        }
        Outcome::MutationOverGet => (
            StatusCode::METHOD_NOT_ALLOWED,
            to_bytes(&error_body(
                "mutations must be sent with POST",
                ErrorCode::GraphqlValidationFailed,
            )),
        ),
        Outcome::ReadOnly => (
            StatusCode::FORBIDDEN,
            to_bytes(&error_body(
                "this API token may only read",
                ErrorCode::Forbidden,
            )),
        ),
        Outcome::TimedOut => (
            StatusCode::GATEWAY_TIMEOUT,
            to_bytes(&error_body("the request took too long", ErrorCode::Timeout)),
        ),
    }
}

/// A body as JSON with its status; a body that fails to serialise becomes a logged `500` with
/// a generic error, never an empty `200`.
pub(super) fn encode(status: StatusCode, body: &impl serde::Serialize) -> (StatusCode, Vec<u8>) {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, bytes),
        Err(err) => {
            tracing::error!(cause = %err, "a response failed to serialise");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::to_vec(&error_body(
                    INTERNAL_MESSAGE,
                    ErrorCode::InternalServerError,
                ))
                .unwrap_or_default(),
            )
        }
    }
}

/// Responds to a single operation. Refusals are 400 under `application/graphql-response+json`
/// and 200 under `application/json`, as the GraphQL-over-HTTP spec asks.
pub(super) fn respond(format: ResponseFormat, outcome: Outcome) -> Response {
    let mutation_over_get = matches!(outcome, Outcome::MutationOverGet);
    let (status, body) = outcome_body(outcome);
    let status = match (status, format) {
        (StatusCode::BAD_REQUEST, ResponseFormat::Json) => StatusCode::OK,
        (status, _) => status,
    };
    let mut response = bytes_response(status, format, body);
    if mutation_over_get {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// An error from execution. One that carries a code was made by `AppError::into_gql`. Every
/// argument value was checked against its type before execution (`graphql::engine`), so
/// anything else is a failure of ours: logged, never shown.
pub(super) fn executed_error(mut error: ServerError) -> Value {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if !has_code {
        tracing::error!(cause = %error.message, "uncoded error replaced by a generic one");
        error.message = INTERNAL_MESSAGE.to_owned();
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", ErrorCode::InternalServerError.as_str());
    }
    serde_json::to_value(&error)
        .unwrap_or_else(|_| error_body(INTERNAL_MESSAGE, ErrorCode::InternalServerError))
}

pub(super) fn refused_error(mut error: ServerError, code: ErrorCode) -> Value {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if !has_code {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
    serde_json::to_value(&error).unwrap_or(Value::Null)
}

pub(super) fn error_body(message: &str, code: ErrorCode) -> Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
}

pub(super) fn plain_error(
    status: StatusCode,
    format: ResponseFormat,
    message: &str,
    code: ErrorCode,
) -> Response {
    json_response(status, format, &error_body(message, code))
}

/// A JSON body (or `variables` parameter) nested deeper than the limit: refused unparsed.
pub(super) fn too_deep(format: ResponseFormat, what: &str, limit: usize) -> Response {
    plain_error(
        StatusCode::BAD_REQUEST,
        format,
        &format!("{what} nests deeper than {limit} levels"),
        ErrorCode::GraphqlParseFailed,
    )
}

pub(super) fn not_acceptable() -> Response {
    json_response(
        StatusCode::NOT_ACCEPTABLE,
        ResponseFormat::Json,
        &error_body(
            "responses are application/graphql-response+json or application/json",
            ErrorCode::BadUserInput,
        ),
    )
}

pub(super) fn json_response(status: StatusCode, format: ResponseFormat, body: &Value) -> Response {
    bytes_response(status, format, serde_json::to_vec(body).unwrap_or_default())
}

pub(super) fn bytes_response(
    status: StatusCode,
    format: ResponseFormat,
    bytes: Vec<u8>,
) -> Response {
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    /// A value whose serialisation fails.
    struct Unserialisable;

    impl serde::Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot"))
        }
    }

    #[test]
    fn a_body_that_fails_to_serialise_is_an_internal_error_not_an_empty_200() {
        let (status, body) = encode(StatusCode::OK, &Unserialisable);
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let body: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "INTERNAL_SERVER_ERROR"
        );
    }
}
