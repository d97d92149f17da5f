//! The similar-papers list of a paper: `SimilarPaperConnection` and `SimilarPaperEdge`.

use async_graphql::Object;

use crate::graphql::connection::PageInfo;
use crate::graphql::papers::Paper;
use crate::services::papers::similar::{Similar, SimilarPage};

pub struct SimilarPaperConnection(pub SimilarPage);

/// A page of the papers most similar to one paper, most similar first.
#[Object]
impl SimilarPaperConnection {
    /// The similar papers of this page, each with its cursor and score.
    async fn edges(&self) -> Vec<SimilarPaperEdge<'_>> {
        self.0.items.iter().map(SimilarPaperEdge).collect()
    }

    /// The papers of this page, without the rest of the edge.
    async fn nodes(&self) -> Vec<Paper> {
        self.0
            .items
            .iter()
            .map(|item| Paper::from(item.paper.clone()))
            .collect()
    }

    /// Where this page lies in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.0.has_previous_page,
            has_next_page: self.0.has_next_page,
            start_cursor: self.0.items.first().map(|s| s.cursor.clone()),
            end_cursor: self.0.items.last().map(|s| s.cursor.clone()),
        }
    }

    /// How many similar papers are listed in all (at most 100).
    async fn total_count(&self) -> i64 {
        i64::try_from(self.0.total).unwrap_or(i64::MAX)
    }
}

pub struct SimilarPaperEdge<'a>(&'a Similar);

/// A similar paper.
#[Object]
impl SimilarPaperEdge<'_> {
    /// An opaque cursor: pass it as `after` to page on from this paper.
    async fn cursor(&self) -> &str {
        &self.0.cursor
    }

    /// The similar paper.
    async fn node(&self) -> Paper {
        Paper::from(self.0.paper.clone())
    }

    /// How similar it is; higher is more similar. With an embedding model, the cosine of the
    /// two papers' vectors (up to 1); without, the full-text engine's score of their shared
    /// words. Comparable within one list only.
    async fn score(&self) -> f64 {
        self.0.score
    }
}
