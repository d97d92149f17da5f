//! A paper's comments over REST: `GET /api/papers/{arxivId}/comments`, the thread as JSON in
//! the shape of the other REST answers (see `render::comments`), cursor-paged.
//!
//! - `limit`: top-level comments per page, 1 to 100 (20 when absent);
//! - `cursor`: the `nextCursor` of the previous page;
//! - `sort`: `oldest` (the default, as on the site), `newest` or `top`;
//! - `parent`: a comment's ID, to page through its replies (oldest first) instead.
//!
//! Each comment carries its first replies; tombstones keep their place with no author or body.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::error::AppError;
use crate::http::hf::{number, respond};
use crate::ids::{CommentId, decode_as};
use crate::render::comments::{ThreadOf, ThreadPage};
use crate::services::discussion::{self, CommentOrder};
use crate::services::papers;
use crate::state::AppState;

/// Comments per page when `limit` is absent.
const DEFAULT_LIMIT: u64 = 20;
/// The largest `limit`.
pub const MAX_LIMIT: u64 = 100;

/// The query parameters of `/api/papers/{arxivId}/comments`.
#[derive(Deserialize)]
pub struct CommentParams {
    limit: Option<String>,
    cursor: Option<String>,
    sort: Option<String>,
    parent: Option<String>,
}

/// The order named by `sort`.
pub fn comment_order(sort: Option<&str>) -> Result<CommentOrder, AppError> {
    match sort {
        None | Some("oldest") => Ok(CommentOrder::Oldest),
        Some("newest") => Ok(CommentOrder::Newest),
        Some("top") => Ok(CommentOrder::Top),
        Some(_) => Err(AppError::bad_input(
            "sort",
            "sort must be oldest, newest or top",
        )),
    }
}

/// Which list a request pages: the paper's top-level comments, or the replies of one of its
/// comments (an ID of another paper's comment, or of something else, is not found).
pub async fn thread_of(
    state: &AppState,
    paper: &entity::paper::Model,
    parent: Option<&str>,
    order: CommentOrder,
    field: &str,
) -> Result<ThreadOf, AppError> {
    let Some(parent) = parent else {
        return Ok(ThreadOf::Paper(paper.id, order));
    };
    let id: CommentId = decode_as(parent.trim())
        .ok_or_else(|| AppError::bad_input(field, format!("{field} is not a comment ID")))?;
    let found = discussion::find_by_ids(&state.services.db, &[id]).await?;
    match found.get(&id) {
        Some(comment) if comment.paper_id == paper.id => Ok(ThreadOf::Replies(id)),
        _ => Err(AppError::NotFound(format!(
            "no comment {parent} on this paper"
        ))),
    }
}

/// `GET /api/papers/{arxivId}/comments`.
pub async fn comments(
    State(state): State<AppState>,
    Path(arxiv_id): Path<String>,
    Query(params): Query<CommentParams>,
) -> Response {
    let listed = async {
        let limit = number(
            params.limit.as_deref(),
            "limit",
            DEFAULT_LIMIT,
            1,
            MAX_LIMIT,
        )?;
        let order = comment_order(params.sort.as_deref())?;
        let db = &state.services.db;
        let paper = papers::find_by_arxiv_id(db, &arxiv_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no paper {arxiv_id}")))?;
        let of = thread_of(&state, &paper, params.parent.as_deref(), order, "parent").await?;
        let page = ThreadPage::load(db, of, limit, params.cursor, "cursor").await?;
        Ok(page.json())
    };
    respond(&state, listed.await)
}
