//! The GraphQL-over-HTTP handler, written for our transport rules rather than the stock
//! service: JSON only on POST (415 otherwise), queries only on GET (a mutation → 405 with
//! `Allow: POST`), capped batches, `Accept` negotiation, persisted queries, caching headers, and
//! every error leaving with an `extensions.code`. GraphQL itself (document limits, checks,
//! execution, response order) is the engine's (`graphql::engine`).

use std::time::Duration;

use async_graphql::ServerError;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use std::net::IpAddr;
use std::sync::Arc;

use crate::auth::Caller;
use crate::error::{ErrorCode, INTERNAL_MESSAGE};
use crate::graphql::Engine;
use crate::graphql::engine::brackets;
use crate::http::client::ClientAddress;
use crate::http::negotiate::{self, ResponseFormat};
use crate::services::accounts;
use crate::state::AppState;

mod caching;
mod operation;
mod params;
pub mod persisted;
mod respond;
pub mod ws;

pub use caching::headers as cache_headers;
use operation::Request;
use params::{is_json_content_type, params_from_json, params_from_query};
use persisted::PersistedQueries;
use respond::{
    Outcome, bytes_response, error_body, json_response, not_acceptable, outcome_body, plain_error,
    respond, too_deep,
};

/// What the GraphQL handler needs, built once.
#[derive(Clone)]
pub struct GraphqlState {
    pub engine: Engine,
    pub app: AppState,
    pub max_batch: usize,
    /// Deepest bracket nesting of a JSON body, checked before parsing.
    pub max_nesting: usize,
    /// Automatic persisted queries, by hash.
    pub persisted: Arc<PersistedQueries>,
    /// The WebSocket endpoint's bounds.
    pub ws: ws::WsLimits,
    /// `max-age` of anonymous GET answers; zero: not cached.
    pub cache_max_age: Duration,
}

pub async fn post(
    State(state): State<GraphqlState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = client.map(|Extension(ClientAddress(ip))| ip);
    let Some(format) = negotiate::response_format(&headers) else {
        return not_acceptable();
    };
    if !is_json_content_type(&headers) {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format,
            "requests must be sent as application/json",
            ErrorCode::BadUserInput,
        );
    }
    let caller = match authenticate(&state, &headers, client).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    if brackets::json(&body, state.max_nesting).is_none() {
        return too_deep(format, "the request body", state.max_nesting);
    }
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(_) => {
            return plain_error(
                StatusCode::BAD_REQUEST,
                format,
                "the request body is not valid JSON",
                ErrorCode::GraphqlParseFailed,
            );
        }
    };
    match body {
        Value::Array(batch) => run_batch(&state, &caller, format, batch).await,
        single => match params_from_json(single) {
            Ok(params) => {
                let request = Request::new(&state, &caller, false);
                respond(format, request.run(params).await)
            }
            Err(message) => plain_error(
                StatusCode::BAD_REQUEST,
                format,
                &message,
                ErrorCode::BadUserInput,
            ),
        },
    }
}

pub async fn get(
    State(state): State<GraphqlState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let client = client.map(|Extension(ClientAddress(ip))| ip);
    let pairs: Vec<(String, String)> = raw
        .as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if param("query").is_none() && negotiate::wants_html(&headers) {
        return Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql/ws")
                .finish(),
        )
        .into_response();
    }
    let Some(format) = negotiate::response_format(&headers) else {
        return not_acceptable();
    };
    let caller = match authenticate(&state, &headers, client).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let (variables, extensions) = (param("variables"), param("extensions"));
    for (name, json) in [("`variables`", &variables), ("`extensions`", &extensions)] {
        if json
            .as_deref()
            .is_some_and(|v| brackets::json(v.as_bytes(), state.max_nesting).is_none())
        {
            return too_deep(format, name, state.max_nesting);
        }
    }
    let params = params_from_query(
        param("query"),
        param("operationName"),
        variables,
        extensions,
    );
    match params {
        Ok(params) => {
            let outcome = Request::new(&state, &caller, true).run(params).await;
            let shareable = caching::shareable(&outcome, &headers);
            let mut response = respond(format, outcome);
            if shareable {
                caching::share(&mut response, state.cache_max_age);
            }
            response
        }
        Err(message) => plain_error(
            StatusCode::BAD_REQUEST,
            format,
            &message,
            ErrorCode::BadUserInput,
        ),
    }
}

/// The caller of the request, or the 401 response for a bad `Authorization` header.
async fn authenticate(
    state: &GraphqlState,
    headers: &HeaderMap,
    client: Option<IpAddr>,
) -> Result<Caller, Response> {
    let authorization = headers.get(AUTHORIZATION).map(HeaderValue::as_bytes);
    match accounts::caller(&state.app.services, authorization, client).await {
        Ok(caller) => Ok(caller),
        Err(err) => {
            let code = err.code();
            let message = match code {
                ErrorCode::Unauthenticated => err.to_string(),
                _ => {
                    tracing::error!(cause = %err, "authentication failed");
                    INTERNAL_MESSAGE.to_owned()
                }
            };
            let status = match code {
                ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let mut response =
                json_response(status, ResponseFormat::Json, &error_body(&message, code));
            if status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer"),
                );
            }
            Err(response)
        }
    }
}

async fn run_batch(
    state: &GraphqlState,
    caller: &Caller,
    format: ResponseFormat,
    batch: Vec<Value>,
) -> Response {
    if batch.is_empty() || batch.len() > state.max_batch {
        let message = if state.max_batch == 0 {
            "batched requests are not accepted".to_owned()
        } else {
            format!("a batch must hold 1 to {} operations", state.max_batch)
        };
        return plain_error(
            StatusCode::BAD_REQUEST,
            format,
            &message,
            ErrorCode::GraphqlValidationFailed,
        );
    }
    // The operations of a batch spend one cost budget between them.
    let request = Request::new(state, caller, false);
    let mut bodies: Vec<Vec<u8>> = Vec::with_capacity(batch.len());
    for item in batch {
        let outcome = match params_from_json(item) {
            Ok(params) => request.run(params).await,
            Err(message) => Outcome::Refused(
                vec![ServerError::new(message, None)],
                ErrorCode::BadUserInput,
            ),
        };
        bodies.push(outcome_body(outcome).1);
    }
    let mut array = b"[".to_vec();
    array.extend(bodies.join(&b","[..]));
    array.push(b']');
    bytes_response(StatusCode::OK, format, array)
}
