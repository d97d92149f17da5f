//! Search: its modes, its results (`PaperSearchConnection`, `PaperSearchEdge`) and what this
//! server offers (`SearchCapabilities`).

use async_graphql::{Context, Enum, Object};

use crate::error::GqlResult;
use crate::graphql::connection::PageInfo;
use crate::graphql::context::{db, services};
use crate::graphql::papers::Paper;
use crate::services::discovery::store;
use crate::services::papers::search::{self, Hit, Mode, Results};

/// How `searchPapers` finds papers.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SearchMode")]
pub enum SearchModeArg {
    /// By the query's words, through the full-text engine: every word must match (the last
    /// also as a prefix), title matches above author matches above abstract matches.
    Lexical,
    /// By the query's meaning: the papers whose vectors (of title and abstract, under the
    /// server's embedding model) are nearest to the query's, at most 100. Needs a model.
    Semantic,
    /// Both rankings fused by reciprocal rank fusion (each paper scores `1/(60 + rank)` in each
    /// list, each list read 100 deep); a paper whose title is the query comes first. Needs a
    /// model; the default when the server has one.
    Hybrid,
}

impl From<SearchModeArg> for Mode {
    fn from(mode: SearchModeArg) -> Self {
        match mode {
            SearchModeArg::Lexical => Self::Lexical,
            SearchModeArg::Semantic => Self::Semantic,
            SearchModeArg::Hybrid => Self::Hybrid,
        }
    }
}

impl From<Mode> for SearchModeArg {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Lexical => Self::Lexical,
            Mode::Semantic => Self::Semantic,
            Mode::Hybrid => Self::Hybrid,
        }
    }
}

pub struct SearchCapabilities;

/// What search this server offers: a client reads it to know whether it may search by meaning
/// and what `searchPapers` does when it names no mode.
#[Object]
impl SearchCapabilities {
    /// The modes `searchPapers` accepts: `LEXICAL` always, `SEMANTIC` and `HYBRID` with an
    /// embedding model.
    async fn modes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SearchModeArg>> {
        let discovery = &services(ctx)?.discovery;
        Ok(Mode::available(discovery)
            .into_iter()
            .map(SearchModeArg::from)
            .collect())
    }

    /// The mode of a search that names none: `HYBRID` with a model, `LEXICAL` without.
    async fn default_mode(&self, ctx: &Context<'_>) -> async_graphql::Result<SearchModeArg> {
        Ok(Mode::default_for(&services(ctx)?.discovery).into())
    }

    /// The embedding model's name (`all-MiniLM-L6-v2`); null without one.
    async fn embedding_model(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let discovery = &services(ctx)?.discovery;
        Ok(discovery.embedder().map(|e| e.name().to_owned()))
    }

    /// The length of the model's vectors; null without a model.
    async fn dimensions(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let discovery = &services(ctx)?.discovery;
        Ok(discovery
            .embedder()
            .map(|e| i32::try_from(e.dimensions()).unwrap_or(i32::MAX)))
    }

    /// How many papers have their vector under the model, and so can be found by meaning (0
    /// without a model). New papers get theirs in the background, shortly after they arrive.
    async fn embedded_papers(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let services = services(ctx)?;
        let Some(embedder) = services.discovery.embedder() else {
            return Ok(0);
        };
        let n = store::count(&services.db, embedder.identity())
            .await
            .gql()?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }

    /// How many papers there are.
    async fn total_papers(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let n = store::count_papers(&services(ctx)?.db).await.gql()?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}

pub struct PaperSearchConnection(pub Results);

/// A page of search results, best match first.
#[Object]
impl PaperSearchConnection {
    /// The results of this page, each with its cursor, score and highlights.
    async fn edges(&self) -> Vec<PaperSearchEdge<'_>> {
        self.0.hits.iter().map(PaperSearchEdge).collect()
    }

    /// The papers of this page, without the rest of the edge.
    async fn nodes(&self) -> Vec<Paper> {
        self.0
            .hits
            .iter()
            .map(|hit| Paper::from(hit.paper.clone()))
            .collect()
    }

    /// Where this page lies in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.0.has_previous_page,
            has_next_page: self.0.has_next_page,
            start_cursor: self.0.hits.first().map(|h| h.cursor.clone()),
            end_cursor: self.0.hits.last().map(|h| h.cursor.clone()),
        }
    }

    /// How many papers the query finds (by meaning: at most 100).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let n = search::count(&db(ctx)?, &self.0).await.gql()?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

pub struct PaperSearchEdge<'a>(&'a Hit);

/// A search result.
#[Object]
impl PaperSearchEdge<'_> {
    /// An opaque cursor: pass it as `after` or `before` to page from this result.
    async fn cursor(&self) -> &str {
        &self.0.cursor
    }

    /// The paper.
    async fn node(&self) -> Paper {
        Paper::from(self.0.paper.clone())
    }

    /// How well the paper matches; higher is better. Comparable within one query only: the
    /// full-text engine's score (`LEXICAL`), the cosine of the vectors (`SEMANTIC`) or the sum of
    /// reciprocal ranks (`HYBRID`).
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// The title, HTML-escaped, with matching words wrapped in `<mark>…</mark>`.
    async fn highlighted_title(&self) -> &str {
        &self.0.highlighted_title
    }

    /// A passage of the abstract around the first match (from its start for a paper found by
    /// meaning alone), HTML-escaped, matching words wrapped in `<mark>…</mark>`.
    async fn snippet(&self) -> &str {
        &self.0.snippet
    }
}
