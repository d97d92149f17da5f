//! The search result types: `PaperSearchConnection` and `PaperSearchEdge`.

use async_graphql::{Context, Object};

use crate::error::GqlResult;
use crate::graphql::connection::PageInfo;
use crate::graphql::context::db;
use crate::graphql::papers::Paper;
use crate::services::papers::search::{self, Hit, Results};

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

    /// How many papers match the query.
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

    /// How well the paper matches; higher is better. Comparable within one query only.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// The title, HTML-escaped, with matching words wrapped in `<mark>…</mark>`.
    async fn highlighted_title(&self) -> &str {
        &self.0.highlighted_title
    }

    /// A passage of the abstract around the first match, HTML-escaped, matches wrapped in
    /// `<mark>…</mark>`.
    async fn snippet(&self) -> &str {
        &self.0.snippet
    }
}
