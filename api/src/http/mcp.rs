//! `/mcp`: the MCP server's service (`crate::mcp`) behind the caller's authentication.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ErrorCode;
use crate::http::client::ClientAddress;
use crate::http::json_error::json_error;
use crate::services::accounts;
use crate::state::AppState;

/// The `/mcp` route.
pub fn router(state: AppState) -> Router {
    let body_limit = usize::try_from(state.settings.body_limit).unwrap_or(usize::MAX);
    Router::new()
        .nest_service("/mcp", crate::mcp::service(state.clone(), body_limit))
        .layer(axum::middleware::from_fn_with_state(state, authenticate))
}

/// Resolves the caller from `Authorization` and hands it to the tools in the request's
/// extensions (the SDK passes the request's parts along); a bad header is 401.
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ClientAddress>()
        .map(|client| client.0);
    let authorization = request
        .headers()
        .get(AUTHORIZATION)
        .map(|v| v.as_bytes().to_vec());
    match accounts::caller(&state.services, authorization.as_deref(), address).await {
        Ok(caller) => {
            request.extensions_mut().insert(Arc::new(caller));
            next.run(request).await
        }
        Err(err) => {
            let mut response = json_error(&err);
            if err.code() == ErrorCode::Unauthenticated {
                *response.status_mut() = StatusCode::UNAUTHORIZED;
                response
                    .headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    }
}
