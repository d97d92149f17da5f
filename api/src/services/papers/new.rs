//! A new paper, parsed once: the fields a submission and an import record both carry, checked
//! by the same rules, and written by one function whichever way the paper arrives.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{paper, paper_author};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::error::AppError;
use crate::ids::{AuthorId, UserId};
use crate::services::input::{HttpUrl, Text};
use crate::services::papers::arxiv::ArxivId;
use crate::services::papers::trending;

/// Longest accepted title, in characters.
pub const MAX_TITLE_CHARS: usize = 1_000;
/// Longest accepted abstract, in characters.
pub const MAX_ABSTRACT_CHARS: usize = 20_000;
/// Most authors a paper may list.
pub const MAX_AUTHORS: usize = 5_000;
/// Longest accepted author name, in characters.
pub const MAX_AUTHOR_NAME_CHARS: usize = 300;

/// A paper's title.
pub type Title = Text<MAX_TITLE_CHARS>;
/// A paper's abstract.
pub type Abstract = Text<MAX_ABSTRACT_CHARS>;
/// An author's name as a paper lists it.
pub type AuthorName = Text<MAX_AUTHOR_NAME_CHARS>;

/// A checked paper, ready to insert.
#[derive(Debug, Clone)]
pub struct NewPaper {
    pub arxiv_id: ArxivId,
    pub title: Title,
    pub abstract_text: Abstract,
    pub authors: Vec<AuthorName>,
    pub published_at: Option<DateTime<Utc>>,
    pub github_repo: Option<HttpUrl>,
    pub project_page: Option<HttpUrl>,
    /// Upvotes the paper had where it was imported from (shown apart from this site's).
    pub source_upvotes: Option<i32>,
    /// The primary arXiv category, from an arXiv import.
    pub primary_category: Option<String>,
    /// The authors' comment on arXiv, from an arXiv import.
    pub arxiv_comment: Option<String>,
    /// The topics (arXiv categories) the paper is filed under, known ones only, primary first.
    pub topics: Vec<String>,
}

impl NewPaper {
    /// The fields every new paper has, checked (errors name them as the GraphQL API does).
    pub fn parse(
        arxiv_id: &str,
        title: &str,
        abstract_text: &str,
        authors: &[String],
    ) -> Result<Self, AppError> {
        let arxiv_id = ArxivId::parse(arxiv_id).ok_or_else(|| {
            AppError::bad_input(
                "arxivId",
                format!("{arxiv_id:?} is not an arXiv identifier"),
            )
        })?;
        let title = Title::parse(title, "title")?;
        let abstract_text = Abstract::parse(abstract_text, "abstract")?;
        if authors.is_empty() || authors.len() > MAX_AUTHORS {
            return Err(AppError::bad_input(
                "authors",
                format!("authors lists 1 to {MAX_AUTHORS} names"),
            ));
        }
        let authors = authors
            .iter()
            .map(|name| AuthorName::parse(name, "authors"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            arxiv_id,
            title,
            abstract_text,
            authors,
            published_at: None,
            github_repo: None,
            project_page: None,
            source_upvotes: None,
            primary_category: None,
            arxiv_comment: None,
            topics: Vec::new(),
        })
    }

    /// The author names, in the paper's order.
    pub fn author_names(&self) -> Vec<&str> {
        self.authors.iter().map(Text::as_str).collect()
    }
}

/// Inserts the paper and its author links in the caller's transaction, with the webhook
/// deliveries that announce it; `author_ids` holds an
/// id for each author name (see `import::author_ids_by_name`).
pub(super) async fn insert<C: ConnectionTrait>(
    txn: &C,
    new: &NewPaper,
    submitted_at: DateTime<Utc>,
    submitted_by: Option<UserId>,
    author_ids: &HashMap<String, AuthorId>,
) -> Result<paper::Model, AppError> {
    let now = crate::services::now();
    let row = paper::ActiveModel {
        arxiv_id: Set(new.arxiv_id.to_string()),
        title: Set(new.title.as_str().to_owned()),
        r#abstract: Set(new.abstract_text.as_str().to_owned()),
        published_at: Set(new.published_at),
        submitted_at: Set(submitted_at),
        submitted_by: Set(submitted_by),
        github_repo: Set(new.github_repo.clone().map(String::from)),
        project_page: Set(new.project_page.clone().map(String::from)),
        upvote_count: Set(0),
        comment_count: Set(0),
        trending_score: Set(trending::score(0, submitted_at, now)),
        source_upvotes: Set(new.source_upvotes),
        primary_category: Set(new.primary_category.clone()),
        arxiv_comment: Set(new.arxiv_comment.clone()),
        author_names: Set(new.author_names().join(", ")),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let links: Vec<paper_author::ActiveModel> = new
        .authors
        .iter()
        .enumerate()
        .filter_map(|(position, name)| {
            Some(paper_author::ActiveModel {
                paper_id: Set(row.id),
                position: Set(i32::try_from(position).ok()?),
                author_id: Set(*author_ids.get(name.as_str())?),
            })
        })
        .collect();
    if !links.is_empty() {
        paper_author::Entity::insert_many(links).exec(txn).await?;
    }
    crate::services::topics::file(txn, row.id, &new.topics).await?;
    crate::services::notifications::followed::new_paper(txn, row.id, submitted_by, now).await?;
    crate::services::webhooks::outbox::paper_submitted(txn, &row, &new.author_names()).await?;
    Ok(row)
}
