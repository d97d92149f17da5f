//! The HTTP side of the metrics: every request counted and timed, and the `/metrics` page.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::Metrics;
use crate::state::AppState;

/// The routes counted by name; any other path counts as `unmatched`, so scanners probing random
/// paths cannot grow the series.
const ROUTES: &[&str] = &[
    "/graphql",
    "/graphql/ws",
    "/api/daily_papers",
    "/api/papers/search",
    "/api/me/export",
    "/feeds/daily.atom",
    "/feeds/daily.rss",
    "/digest/confirm",
    "/digest/unsubscribe",
    "/health",
    "/ready",
    "/metrics",
];

fn route(path: &str) -> &'static str {
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
    let route = route(request.uri().path());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    metrics.http_request(&method, route, response.status().as_u16(), seconds);
    response
}

/// `GET /metrics`: the OpenMetrics text exposition, which Prometheus scrapes.
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
