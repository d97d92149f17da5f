//! The HTTP side of the metrics: every request counted and timed, and the `/metrics` page.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::Metrics;
use crate::state::AppState;

/// The routes counted by name, as the router declares them (one series per route whatever
/// the ids in the path); any other path counts as `unmatched`, so scanners probing random paths
/// cannot grow the series.
pub const ROUTES: &[&str] = &[
    "/graphql",
    "/graphql/ws",
    "/mcp",
    "/api/daily_papers",
    "/api/papers/search",
    "/api/papers/{arxiv_id}",
    "/api/papers/{arxiv_id}/comments",
    "/api/me/export",
    "/papers/{arxiv_id}",
    "/feeds/daily.atom",
    "/feeds/daily.rss",
    "/digest/confirm",
    "/digest/unsubscribe",
    "/llms.txt",
    "/openapi.json",
    "/health",
    "/ready",
    "/metrics",
];

/// The declared route the request matched, from `ROUTES`.
fn route(request: &Request) -> &'static str {
    let matched = request.extensions().get::<MatchedPath>();
    // `nest_service` reports the nested service's own pattern.
    let path = matched.map_or("", |path| path.as_str());
    let path = if path.starts_with("/mcp") {
        "/mcp"
    } else {
        path
    };
    ROUTES
        .iter()
        .find(|route| **route == path)
        .copied()
        .unwrap_or("unmatched")
}

/// Counts and times a request (to when its headers are ready).
pub async fn record(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = route(&request);
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    metrics.http_request(&method, route, response.status().as_u16(), seconds);
    response
}

/// The process's metrics (requests, GraphQL operations, the database pool, throttles) in the
/// OpenMetrics text exposition, which Prometheus scrapes. On the API's port unless
/// `--metrics-listen` gives it one of its own.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "The metrics.",
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String),
))]
pub async fn scrape(State(state): State<AppState>) -> Response {
    let text = state
        .metrics
        .render(&state.services.db, state.services.viewers.state());
    let mut response = text.into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}
