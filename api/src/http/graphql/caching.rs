//! HTTP caching of the GraphQL endpoint. An anonymous GET query that ran without errors is the
//! same for everyone for a while (the feed, a paper page), so it is answered `Cache-Control:
//! public, max-age=N` and a CDN or browser in front can serve it; with a viewer, any error, or
//! over POST, the answer is `private, no-store`. Every answer varies on `Accept` (the response's
//! media type) and `Authorization` (the viewer).

use std::time::Duration;

use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::graphql::respond::Outcome;

const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-store");
const VARY_ON: HeaderValue = HeaderValue::from_static("Accept, Authorization");

/// Whether a GET answer may be cached by anyone: no `Authorization` header, and the operation ran
/// without errors.
pub(super) fn shareable(outcome: &Outcome, headers: &HeaderMap) -> bool {
    !headers.contains_key(AUTHORIZATION)
        && matches!(outcome, Outcome::Executed(response) if response.errors.is_empty())
}

/// Marks an answer cacheable by anyone for `max_age` (nothing when zero).
pub(super) fn share(response: &mut Response, max_age: Duration) {
    if max_age.is_zero() {
        return;
    }
    let value = format!("public, max-age={}", max_age.as_secs());
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(CACHE_CONTROL, value);
    }
}

/// Every answer of the endpoint: `private, no-store` unless the handler shared it, and `Vary`.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, PRIVATE);
    }
    headers.insert(VARY, VARY_ON);
    response
}
