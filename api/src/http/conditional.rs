//! Answers that readers poll (the feeds, the markdown pages): an `ETag` (a hash of the body),
//! `Last-Modified` where the resource knows when it changed, `Cache-Control` for
//! `--cache-max-age`, and `304 Not Modified` without a body for a conditional GET that still
//! matches.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// `body` as `content_type`, or 304 when the request's conditions still hold it.
pub fn answer(
    headers: &HeaderMap,
    content_type: &'static str,
    body: String,
    modified: Option<DateTime<Utc>>,
    max_age: u64,
) -> Response {
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..12])
    );
    // Second precision, as HTTP dates carry.
    let modified = modified.map(|at| DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at));
    let mut response = if still_fresh(headers, &etag, modified) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(CONTENT_TYPE, content_type)], body).into_response()
    };
    let cache = if max_age == 0 {
        "no-store".to_owned()
    } else {
        format!("public, max-age={max_age}")
    };
    let last_modified = modified.map(|at| at.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    let response_headers = response.headers_mut();
    for (name, value) in [
        (ETAG, Some(etag)),
        (LAST_MODIFIED, last_modified),
        (CACHE_CONTROL, Some(cache)),
    ] {
        if let Some(Ok(value)) = value.map(|v| HeaderValue::from_str(&v)) {
            response_headers.insert(name, value);
        }
    }
    response
}

/// Whether a conditional GET still holds the current body: `If-None-Match` naming its ETag (or
/// `*`), or, without that header, `If-Modified-Since` at or after its last change.
fn still_fresh(headers: &HeaderMap, etag: &str, modified: Option<DateTime<Utc>>) -> bool {
    if let Some(tags) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return tags
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == etag || tag == "*");
    }
    let Some(modified) = modified else {
        return false;
    };
    headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(&v.replace("GMT", "+0000")).ok())
        .is_some_and(|since| since >= modified)
}
