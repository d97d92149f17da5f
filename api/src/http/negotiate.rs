//! Content negotiation for GraphQL over HTTP: which media type the response takes, from the
//! request's `Accept` header.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;

/// The response media types the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// `application/json`: the legacy format; GraphQL errors answer with status 200.
    Json,
    /// `application/graphql-response+json`: request errors answer with status 400.
    GraphqlResponse,
}

impl ResponseFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        }
    }
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The best format the client accepts, or `None` when it accepts neither (→ 406). A missing or
/// empty header means `application/json`; at equal quality, a type named exactly beats a
/// wildcard, and `application/graphql-response+json` beats `application/json`.
pub fn response_format(headers: &HeaderMap) -> Option<ResponseFormat> {
    let Some(accept) = headers.get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(ResponseFormat::Json);
    };
    if accept.trim().is_empty() {
        return Some(ResponseFormat::Json);
    }
    // (quality in thousandths, specificity, preference) for each format; best wins.
    let mut best: Option<((u32, u8, u8), ResponseFormat)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if !(0.0..=1.0).contains(&quality) || quality == 0.0 {
            continue;
        }
        let q = (quality * 1000.0) as u32;
        let candidates: &[(ResponseFormat, u8, u8)] = match media.as_str() {
            GRAPHQL_RESPONSE => &[(ResponseFormat::GraphqlResponse, 2, 1)],
            JSON => &[(ResponseFormat::Json, 2, 0)],
            "application/*" | "*/*" => &[(ResponseFormat::Json, 1, 0)],
            _ => &[],
        };
        for &(format, specificity, preference) in candidates {
            let rank = (q, specificity, preference);
            if best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, format));
            }
        }
    }
    best.map(|(_, format)| format)
}

/// Whether a browser asked for a page (GraphiQL) rather than data.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn format(accept: Option<&str>) -> Option<ResponseFormat> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(
                ACCEPT,
                HeaderValue::from_str(accept).unwrap_or(HeaderValue::from_static("")),
            );
        }
        response_format(&headers)
    }

    #[test]
    fn negotiates_like_the_graphql_over_http_spec() {
        assert_eq!(format(None), Some(ResponseFormat::Json));
        assert_eq!(format(Some("*/*")), Some(ResponseFormat::Json));
        assert_eq!(format(Some("application/json")), Some(ResponseFormat::Json));
        assert_eq!(
            format(Some(GRAPHQL_RESPONSE)),
            Some(ResponseFormat::GraphqlResponse)
        );
        assert_eq!(
            format(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(ResponseFormat::GraphqlResponse)
        );
        assert_eq!(
            format(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(ResponseFormat::Json)
        );
        assert_eq!(format(Some("text/plain")), None);
        assert_eq!(format(Some("application/json;q=0")), None);
    }
}
