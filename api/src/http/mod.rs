//! The HTTP layer: routes, the GraphQL handler and the layers around them.

pub mod client;
pub mod comments;
pub mod conditional;
pub mod digest;
pub mod export;
pub mod feeds;
pub mod graphql;
pub mod health;
pub mod hf;
pub mod json_error;
pub mod llms;
pub mod mcp;
pub mod metrics;
pub mod negotiate;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod request_id;
pub mod server;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use tower_http::timeout::TimeoutLayer;

use crate::graphql::Engine;
use crate::state::AppState;

/// The router of the whole service, around the GraphQL engine built for it.
pub fn router(state: AppState, engine: Engine) -> Router {
    let settings = state.settings.clone();
    let graphql_state = graphql::GraphqlState {
        engine,
        app: state.clone(),
        max_batch: usize::try_from(settings.max_batch).unwrap_or(usize::MAX),
        max_nesting: usize::try_from(settings.max_nesting).unwrap_or(usize::MAX),
        persisted: Arc::new(graphql::persisted::PersistedQueries::new(
            usize::try_from(settings.apq_cache_entries).unwrap_or(usize::MAX),
            usize::try_from(settings.apq_cache_bytes).unwrap_or(usize::MAX),
        )),
        cache_max_age: std::time::Duration::from_secs(settings.cache_max_age),
        ws: graphql::ws::WsLimits {
            connections: Arc::new(tokio::sync::Semaphore::new(
                usize::try_from(settings.ws_max_connections).unwrap_or(usize::MAX),
            )),
            max_subscriptions: usize::try_from(settings.ws_max_subscriptions).unwrap_or(usize::MAX),
            init_timeout: std::time::Duration::from_secs(settings.ws_init_timeout),
        },
    };
    let body_limit = usize::try_from(settings.body_limit).unwrap_or(usize::MAX);
    // Other methods on /graphql get axum's 405 with an `Allow` header listing GET and POST.
    let graphql = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .layer(axum::middleware::from_fn(graphql::cache_headers))
        .route("/graphql/ws", get(graphql::ws::upgrade))
        .with_state(graphql_state);
    // The REST routes, each with its OpenAPI description.
    let (rest, _) = openapi::rest_routes(settings.metrics_listen.is_none());
    let metrics = state.metrics.clone();
    let mcp = mcp::router(state.clone());
    let rest = rest.with_state(state);
    // The outer timeout also bounds slow uploads; the GraphQL handler answers its own,
    // shorter timeout with a GraphQL error first.
    let outer_timeout = settings.request_timeout() + std::time::Duration::from_secs(5);
    graphql
        .merge(rest)
        .merge(mcp)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            outer_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::record,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(settings.trusted_proxies.clone()),
            client::resolve,
        ))
        .layer(axum::middleware::from_fn(request_id::middleware))
}

/// The router of `--metrics-listen`: `/metrics` alone.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics::scrape))
        .with_state(state)
}
