//! A read-only REST surface in the shape of the Hugging Face Hub's papers API, so that existing
//! integrations (the `huggingface_hub` client's `list_daily_papers`, `paper_info`, `list_papers`,
//! or plain HTTP) work against this site unchanged, with `HfApi(endpoint="http://host:8000")`.
//!
//! - `GET /api/daily_papers` — `date=YYYY-MM-DD` | `week=YYYY-Www` | `month=YYYY-MM` (today
//!   when none), `submitter=USERNAME`, `sort=publishedAt|trending`, `p` (page, from 0),
//!   `limit` (default 50, at most 100);
//! - `GET /api/papers/{arxivId}` — one paper, or 404;
//! - `GET /api/papers/search?q=…&limit=…` — the ranking of `searchPapers`.
//!
//! Each paper is the flat object the client reads (its nested `{"paper": …}` form loses most
//! fields in `PaperInfo`). The handlers call the same services as the GraphQL resolvers: a page
//! costs the page, its authors and their users, whatever its size.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::http::json_error::ErrorBody;
use crate::http::json_error::json_error;
use crate::http::params::Params;
use crate::render::paper::{HubPaper, papers_json};
use crate::services::pagination::PageArgs;
use crate::services::papers::{self, PaperFilter, PaperOrder, Period, search};
use crate::state::AppState;

/// Page size when `limit` is absent.
const DEFAULT_LIMIT: u64 = 50;
/// The largest `limit`.
const MAX_LIMIT: u64 = 100;
/// The deepest row a page may start at (`p * limit`): deeper offsets cost a scan.
const MAX_OFFSET: u64 = 10_000;

/// The query parameters of `/api/daily_papers`. Each is read as text and checked by the
/// handler, so that a bad one is a 400 naming it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DailyParams {
    /// A day, `YYYY-MM-DD` (UTC). At most one of `date`, `week`, `month`; today when none.
    #[param(value_type = Option<String>, format = Date)]
    date: Option<String>,
    /// An ISO week, `YYYY-Www` (e.g. `2025-W09`).
    #[param(pattern = r"^\d{4}-W\d{2}$")]
    week: Option<String>,
    /// A month, `YYYY-MM`.
    #[param(pattern = r"^\d{4}-\d{2}$")]
    month: Option<String>,
    /// Only the papers this user (a username) submitted.
    submitter: Option<String>,
    /// `publishedAt` (latest to enter the feed first, the default) or `trending`.
    #[param(value_type = Option<DailySort>)]
    sort: Option<String>,
    /// The page, from 0 (`p * limit` at most 10000).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 10000)]
    p: Option<String>,
    /// Papers per page (50 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

/// The orders of `/api/daily_papers`.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // Described in the document; the handler reads the text.
pub enum DailySort {
    PublishedAt,
    Trending,
}

/// The query parameters of `/api/papers/search`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to look for (at most 1000 characters); none finds nothing.
    q: Option<String>,
    /// How many papers, best first (50 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

/// A non-negative whole number parameter within `max`.
pub(crate) fn number(
    text: Option<&str>,
    name: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, AppError> {
    let Some(text) = text else {
        return Ok(default);
    };
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            AppError::bad_input(
                name,
                format!("{name} must be a whole number from {min} to {max}"),
            )
        })
}

/// The papers of a day, week or month, in the shape of the Hugging Face Hub's
/// `/api/daily_papers` (what `huggingface_hub`'s `list_daily_papers` reads).
#[utoipa::path(get, path = "/api/daily_papers", tag = "papers", params(DailyParams), responses(
    (status = 200, description = "A page of papers.", body = [HubPaper]),
    (status = 400, description = "A bad parameter, named in `parameter`.", body = ErrorBody),
))]
pub async fn daily_papers(
    State(state): State<AppState>,
    Params(params): Params<DailyParams>,
) -> Response {
    let listed = async {
        let period = Period {
            date: params.date.as_deref(),
            week: params.week.as_deref(),
            month: params.month.as_deref(),
            fields: ["date", "week", "month"],
        };
        let filter = PaperFilter::daily(period, params.submitter.as_deref(), None)?;
        let order = match params.sort.as_deref() {
            None | Some("publishedAt") => PaperOrder::SubmittedAt,
            Some("trending") => PaperOrder::Trending,
            Some(_) => {
                let message = "sort must be publishedAt or trending";
                return Err(AppError::bad_input("sort", message));
            }
        };
        let limit = limit(params.limit.as_deref())?;
        let page = number(params.p.as_deref(), "p", 0, 0, MAX_OFFSET / limit)?;
        let db = &state.services.db;
        let rows = papers::list_by_page_number(db, &filter, order, page, limit).await?;
        papers_json(&state.services.db, rows)
            .await
            .map(Value::Array)
    };
    respond(&state, listed.await)
}

/// One paper, as `huggingface_hub`'s `paper_info` reads it.
#[utoipa::path(get, path = "/api/papers/{arxiv_id}", tag = "papers", operation_id = "paper_info",
    params(("arxiv_id" = String, Path, description = "The paper's arXiv id, e.g. `2401.00001`.")),
    responses(
        (status = 200, description = "The paper.", body = HubPaper),
        (status = 404, description = "No such paper.", body = ErrorBody),
    ))]
pub async fn paper(State(state): State<AppState>, Path(arxiv_id): Path<String>) -> Response {
    let found = async {
        let found = papers::find_by_arxiv_id(&state.services.db, &arxiv_id).await?;
        let paper = found.ok_or_else(|| AppError::NotFound(format!("no paper {arxiv_id}")))?;
        let mut list = papers_json(&state.services.db, vec![paper]).await?;
        Ok(list.pop().unwrap_or(Value::Null))
    };
    respond(&state, found.await)
}

/// Papers matching words, best first (the ranking of GraphQL's `searchPapers` in the server's
/// default mode), as `huggingface_hub`'s `list_papers` reads them.
#[utoipa::path(get, path = "/api/papers/search", tag = "papers", params(SearchParams), responses(
    (status = 200, description = "The best matches.", body = [HubPaper]),
    (status = 400, description = "A bad parameter, named in `parameter`.", body = ErrorBody),
))]
pub async fn search_papers(
    State(state): State<AppState>,
    Params(params): Params<SearchParams>,
) -> Response {
    let found = async {
        let args = PageArgs::first(limit(params.limit.as_deref())?);
        let query = params.q.as_deref().unwrap_or_default();
        // `huggingface_hub`'s `list_papers()` without a query asks without `q`: nothing found,
        // not an error (GraphQL refuses an empty query).
        if query.trim().is_empty() {
            return Ok(Value::Array(Vec::new()));
        }
        // The server's default mode, as `searchCapabilities.defaultMode` tells.
        let services = &state.services;
        let results = search::search(&services.db, &services.discovery, query, None, &args).await?;
        let rows = results.hits.into_iter().map(|hit| hit.paper).collect();
        papers_json(&state.services.db, rows)
            .await
            .map(Value::Array)
    };
    respond(&state, found.await)
}

/// The `limit` parameter: a page size, [`DEFAULT_LIMIT`] when absent.
fn limit(text: Option<&str>) -> Result<u64, AppError> {
    number(text, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
}

/// The answer: JSON, cacheable like an anonymous GraphQL GET; an error as `json_error` says.
pub(crate) fn respond(state: &AppState, result: Result<Value, AppError>) -> Response {
    match result {
        Ok(body) => {
            let mut response = Json(body).into_response();
            let max_age = state.settings.cache_max_age;
            let cache = if max_age == 0 {
                "no-store".to_owned()
            } else {
                format!("public, max-age={max_age}")
            };
            if let Ok(value) = HeaderValue::from_str(&cache) {
                response.headers_mut().insert(CACHE_CONTROL, value);
            }
            response
        }
        Err(err) => json_error(&err),
    }
}
