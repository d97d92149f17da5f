//! The `Paper` type and its author list.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::paper;

use crate::graphql::author::Author;
use crate::graphql::connection::connection;
use crate::graphql::context::loaders;
use crate::graphql::ids::{self, NodeType};
use crate::services::papers::PaperAuthorEntry;

pub struct Paper(pub paper::Model);

connection!(
    PaperConnection,
    PaperEdge,
    Paper,
    "A page of papers, as a Relay connection.",
    "A paper in a page of papers."
);

/// An arXiv preprint listed on the site.
#[Object]
impl Paper {
    /// The paper's opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Paper, self.0.id)
    }

    /// The arXiv identifier without version, e.g. `2309.00916`.
    async fn arxiv_id(&self) -> &str {
        &self.0.arxiv_id
    }

    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The abstract, as plain text.
    #[graphql(name = "abstract")]
    async fn abstract_text(&self) -> &str {
        &self.0.r#abstract
    }

    /// The authors in the order the paper lists them.
    async fn authors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PaperAuthor>> {
        let entries = loaders(ctx)?.authors_of_paper.load_one(self.0.id).await?;
        Ok(entries
            .unwrap_or_default()
            .into_iter()
            .map(PaperAuthor)
            .collect())
    }

    /// How many authors the paper lists.
    async fn author_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let entries = loaders(ctx)?.authors_of_paper.load_one(self.0.id).await?;
        Ok(i32::try_from(entries.map_or(0, |e| e.len())).unwrap_or(i32::MAX))
    }

    /// When arXiv published the paper (midnight UTC of its date); null when unknown.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When the paper entered the daily feed.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.submitted_at)
    }

    /// Upvotes cast on this site.
    async fn upvote_count(&self) -> i32 {
        self.0.upvote_count
    }

    /// Comments on the paper, deleted ones not counted.
    async fn comment_count(&self) -> i32 {
        self.0.comment_count
    }

    /// The paper's abstract page on arXiv.
    async fn arxiv_url(&self) -> String {
        format!("https://arxiv.org/abs/{}", self.0.arxiv_id)
    }

    /// The paper's PDF on arXiv.
    async fn pdf_url(&self) -> String {
        format!("https://arxiv.org/pdf/{}", self.0.arxiv_id)
    }

    /// The paper's code repository, when known.
    async fn github_repo(&self) -> Option<&str> {
        self.0.github_repo.as_deref()
    }

    /// The paper's project page, when known.
    async fn project_page(&self) -> Option<&str> {
        self.0.project_page.as_deref()
    }

    /// The time-decayed rank of the paper: `ln(2 + upvotes) / (hours since submission + 2)^1.8`.
    async fn trending_score(&self) -> f64 {
        self.0.trending_score
    }
}

pub struct PaperAuthor(pub PaperAuthorEntry);

/// One entry of a paper's author list.
#[Object]
impl PaperAuthor {
    /// The entry's place in the list, from 0 for the first author.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// The author's name as listed on this paper.
    async fn name(&self) -> &str {
        &self.0.author.name
    }

    /// The author identity.
    async fn author(&self) -> Author {
        Author(self.0.author.clone())
    }
}
