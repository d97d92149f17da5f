//! Papers as markdown, for agents and for `huggingface_hub`'s `read_paper`:
//! `GET /papers/{arxivId}.md`, and `GET /papers/{arxivId}` when the client accepts
//! `text/markdown` (the site has no HTML pages of its own: other media types are 406).
//! `text/markdown; charset=utf-8`, with an `ETag` and 304 as the feeds have. New-style ids
//! only, as `/api/papers/{arxivId}` (an old-style id holds a slash).

use axum::extract::{Path, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::http::conditional;
use crate::http::json_error::{ErrorBody, json_error};
use crate::render::paper::PaperPage;
use crate::services::papers;
use crate::state::AppState;

const MARKDOWN: &str = "text/markdown; charset=utf-8";

/// A paper as markdown: title, authors, dates, links, abstract, counts and its top comments
/// quoted. `/papers/{arxivId}.md` always; `/papers/{arxivId}` when `Accept` takes
/// `text/markdown` (or `text/plain`, `*/*`, or is absent).
#[utoipa::path(get, path = "/papers/{arxiv_id}", tag = "papers", operation_id = "paper_markdown",
    params(
        ("arxiv_id" = String, Path,
            description = "The paper's arXiv id, e.g. `2401.00001`, or it with `.md` appended."),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer."),
    ),
    responses(
        (status = 200, description = "The paper as markdown.", content_type = "text/markdown",
            body = String, headers(("ETag" = String, description = "A hash of the body."))),
        (status = 304, description = "Unchanged since the `ETag` named."),
        (status = 404, description = "No such paper.", body = ErrorBody),
        (status = 406, description = "The client accepts no form of markdown.",
            content_type = "text/plain", body = String),
    ))]
pub async fn paper(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let arxiv_id = match path.strip_suffix(".md") {
        Some(id) => id,
        None if accepts_markdown(&headers) => path.as_str(),
        None => {
            let message = "this page is served as text/markdown only";
            return (StatusCode::NOT_ACCEPTABLE, message).into_response();
        }
    };
    let page = async {
        let db = &state.services.db;
        let paper = papers::find_by_arxiv_id(db, arxiv_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no paper {arxiv_id}")))?;
        PaperPage::load(db, paper).await
    };
    match page.await {
        Ok(page) => conditional::answer(
            &headers,
            MARKDOWN,
            page.markdown(),
            None,
            state.settings.cache_max_age,
        ),
        Err(err) => json_error(&err),
    }
}

/// Whether the `Accept` header takes markdown: absent, or naming `text/markdown`, `text/plain`,
/// `text/*` or `*/*` with a quality above zero.
fn accepts_markdown(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let refused = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .any(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0));
        !refused
            && matches!(
                media.as_str(),
                "text/markdown" | "text/plain" | "text/*" | "*/*"
            )
    })
}
