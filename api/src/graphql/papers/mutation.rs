//! Paper mutations: submitting a paper to the daily feed.

use async_graphql::{Context, InputObject, Object};
use chrono::{DateTime, Utc};

use crate::error::GqlResult;
use crate::graphql::context::{caller, services};
use crate::graphql::papers::Paper;
use crate::services::papers;

/// A paper submitted to the daily feed.
#[derive(InputObject)]
pub struct SubmitPaperInput {
    /// The arXiv identifier (a version suffix is dropped).
    arxiv_id: String,
    /// The title.
    title: String,
    /// The abstract.
    #[graphql(name = "abstract")]
    abstract_text: String,
    /// The author names in order; each is matched to an existing author by exact name.
    authors: Vec<String>,
    /// When arXiv published it.
    published_at: Option<DateTime<Utc>>,
    /// The code repository.
    github_repo: Option<String>,
    /// The project page.
    project_page: Option<String>,
    /// The paper's arXiv categories (topic slugs such as `cs.CL`), primary first; at most 10,
    /// each one arXiv lists (`BAD_USER_INPUT` on `topics` otherwise).
    topics: Option<Vec<String>>,
}

#[derive(Default)]
pub struct PaperMutation;

/// Submitting papers.
#[Object]
impl PaperMutation {
    /// Submits an arXiv paper to today's feed; an already-listed paper is `CONFLICT`.
    async fn submit_paper(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The paper.")] input: SubmitPaperInput,
    ) -> async_graphql::Result<Paper> {
        let new = papers::Submission::parse(
            &input.arxiv_id,
            &input.title,
            &input.abstract_text,
            input.authors,
            input.published_at,
            input.github_repo,
            input.project_page,
        )
        .and_then(|new| new.with_topics(&input.topics.unwrap_or_default()))
        .gql()?;
        let row = papers::submit(services(ctx)?, caller(ctx)?, new).await;
        Ok(Paper::from(row.gql()?))
    }
}
