//! A paper's comments over REST: `GET /api/papers/{arxivId}/comments`, the thread as JSON in
//! the shape of the other REST answers (see `render::comments`), cursor-paged.
//!
//! - `limit`: top-level comments per page, 1 to 100 (20 when absent);
//! - `cursor`: the `nextCursor` of the previous page;
//! - `sort`: `oldest` (the default, as on the site), `newest` or `top`;
//! - `parent`: a comment's ID, to page through its replies (oldest first) instead.
//!
//! Each comment carries its first replies; tombstones keep their place with no author or body.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::http::hf::{number, respond};
use crate::http::json_error::ErrorBody;
use crate::http::params::Params;
use crate::render::comments::{CommentPage, ThreadOf, ThreadPage};
use crate::services::papers;
use crate::state::AppState;

/// Comments per page when `limit` is absent.
const DEFAULT_LIMIT: u64 = 20;
/// The largest `limit`.
pub const MAX_LIMIT: u64 = 100;

/// The query parameters of `/api/papers/{arxivId}/comments`, read as text and checked by the
/// handler so that a bad one is a 400 naming it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentParams {
    /// Comments per page (20 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `nextCursor` of the previous page (of the same `sort` and `parent`).
    cursor: Option<String>,
    /// `oldest` (the default), `newest` or `top`.
    #[param(value_type = Option<CommentSort>)]
    sort: Option<String>,
    /// A comment's ID: page through its replies instead.
    parent: Option<String>,
}

/// The orders of a paper's top-level comments.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // Described in the document; the handler reads the text.
pub enum CommentSort {
    Oldest,
    Newest,
    Top,
}

/// A paper's comments: a page of top-level comments, each with its first replies, or with
/// `parent` a page of one comment's replies. Tombstones keep their place without author or
/// body.
#[utoipa::path(get, path = "/api/papers/{arxiv_id}/comments", tag = "papers",
    operation_id = "paper_comments",
    params(
        ("arxiv_id" = String, Path, description = "The paper's arXiv id, e.g. `2401.00001`."),
        CommentParams,
    ),
    responses(
        (status = 200, description = "A page of the thread.", body = CommentPage),
        (status = 400, description = "A bad parameter, named in `parameter`.", body = ErrorBody),
        (status = 404, description = "No such paper, or no such comment on it.", body = ErrorBody),
    ))]
pub async fn comments(
    State(state): State<AppState>,
    Path(arxiv_id): Path<String>,
    Params(params): Params<CommentParams>,
) -> Response {
    let listed = async {
        let limit = number(
            params.limit.as_deref(),
            "limit",
            DEFAULT_LIMIT,
            1,
            MAX_LIMIT,
        )?;
        let order = ThreadOf::order(params.sort.as_deref())?;
        let db = &state.services.db;
        let paper = papers::find_by_arxiv_id(db, &arxiv_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no paper {arxiv_id}")))?;
        let parent = params.parent.as_deref();
        let of = ThreadOf::parse(db, &paper, parent, order, "parent").await?;
        let cursor = params.cursor.filter(|c| !c.is_empty());
        let page = ThreadPage::load(db, of, limit, cursor, "cursor").await?;
        Ok(page.json())
    };
    respond(&state, listed.await)
}
