//! `GET /llms.txt`: a short plain description of the site for AI agents (the llms.txt
//! convention), pointing at every machine surface and its limits.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// A short plain description of the site for AI agents (the llms.txt convention), pointing at
/// every surface and its limits.
#[utoipa::path(get, path = "/llms.txt", tag = "agents", responses(
    (status = 200, description = "The description.", content_type = "text/plain", body = String),
))]
pub async fn llms_txt(State(state): State<AppState>) -> Response {
    let base = state
        .settings
        .public_url
        .as_deref()
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let body = TEXT.replace("{base}", &base);
    (
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

const TEXT: &str = "\
# Papers

> A community site of research papers (arXiv preprints): listed day by day, ranked by the
> community's upvotes, searched by words and by meaning, discussed in comment threads and
> gathered into collections.

Everything is public to read without an account. Writing (upvotes, comments, collections) takes
an account's API token with the `write` scope, sent as `Authorization: Bearer papers_...`.

## For agents

- [MCP server]({base}/mcp): the Model Context Protocol over Streamable HTTP. Tools:
  search_papers, daily_papers, get_paper, similar_papers, get_comments, get_collection; with a
  WRITE token also upvote_paper, add_comment, add_to_collection.
- [A paper as markdown]({base}/papers/2401.00001.md): `GET /papers/{arxivId}.md` (or
  `GET /papers/{arxivId}` with `Accept: text/markdown`): title, authors, dates, links, abstract,
  counts and the top comments.
- [GraphQL API]({base}/graphql): the whole site (POST or GET; the schema by introspection).
- [OpenAPI document]({base}/openapi.json): the REST routes below, described.

## REST

- `GET /api/daily_papers?date=YYYY-MM-DD|week=YYYY-Www|month=YYYY-MM&sort=trending|publishedAt&limit=&p=`
  (the shape of the Hugging Face Hub's papers API)
- `GET /api/papers/{arxivId}`, `GET /api/papers/search?q=&limit=`
- `GET /api/papers/{arxivId}/comments?limit=&cursor=&sort=oldest|newest|top&parent=`
- `GET /feeds/daily.atom`, `GET /feeds/daily.rss`

## Limits

- Lists: at most 100 items a page; search queries at most 1000 characters.
- Writes are throttled per account (`RATE_LIMITED` in GraphQL and in MCP tool errors).
- GraphQL queries are bounded in depth and cost; see the error's `extensions.code`.
";
