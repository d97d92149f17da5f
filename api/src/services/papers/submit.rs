//! Submitting a paper to the daily feed: checked like an import record, listed today, its
//! authors matched to existing ones by exact name.

use chrono::{DateTime, Utc};
use entity::{paper, paper_author, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::input;
use crate::services::papers::arxiv::ArxivId;
use crate::services::papers::import::{
    self, MAX_ABSTRACT_CHARS, MAX_AUTHOR_NAME_CHARS, MAX_AUTHORS, MAX_TITLE_CHARS,
};
use crate::services::papers::trending;
use crate::services::throttle::Throttles;

/// A submitted paper, checked.
pub struct Submission {
    pub arxiv_id: ArxivId,
    pub title: String,
    pub abstract_text: String,
    pub authors: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub github_repo: Option<String>,
    pub project_page: Option<String>,
}

/// A paper's title, abstract and author names, as submissions and imports both check them.
pub(super) fn parse_fields(
    title: &str,
    abstract_text: &str,
    authors: &[String],
) -> Result<(String, String, Vec<String>), AppError> {
    let title = input::required(title, "title", MAX_TITLE_CHARS)?;
    let abstract_text = input::required(abstract_text, "abstract", MAX_ABSTRACT_CHARS)?;
    let authors: Vec<String> = authors.iter().map(|a| a.trim().to_owned()).collect();
    if authors.is_empty()
        || authors.len() > MAX_AUTHORS
        || authors
            .iter()
            .any(|a| a.is_empty() || a.chars().count() > MAX_AUTHOR_NAME_CHARS)
    {
        return Err(AppError::bad_input(
            "authors",
            format!(
                "authors lists 1 to {MAX_AUTHORS} names of 1 to {MAX_AUTHOR_NAME_CHARS} characters"
            ),
        ));
    }
    Ok((title, abstract_text, authors))
}

impl Submission {
    pub fn parse(
        arxiv_id: &str,
        title: &str,
        abstract_text: &str,
        authors: Vec<String>,
        published_at: Option<DateTime<Utc>>,
        github_repo: Option<String>,
        project_page: Option<String>,
    ) -> Result<Self, AppError> {
        let arxiv_id = ArxivId::parse(arxiv_id)
            .ok_or_else(|| AppError::bad_input("arxivId", "not an arXiv identifier"))?;
        let (title, abstract_text, authors) = parse_fields(title, abstract_text, &authors)?;
        if published_at.is_some_and(|p| p > Utc::now() + chrono::Duration::days(1)) {
            return Err(AppError::bad_input(
                "publishedAt",
                "a publication date is not in the future",
            ));
        }
        Ok(Self {
            arxiv_id,
            title,
            abstract_text,
            authors,
            published_at,
            github_repo: input::http_url(github_repo, "githubRepo")?,
            project_page: input::http_url(project_page, "projectPage")?,
        })
    }
}

/// Lists a submitted paper, counted against the submitter's throttle. Of parallel submissions
/// of one arXiv id one succeeds and the others get `CONFLICT`.
pub async fn submit(
    db: &DatabaseConnection,
    throttles: &Throttles,
    caller: &Caller,
    new: Submission,
) -> Result<paper::Model, AppError> {
    let submitter = caller.signed_in()?;
    // Reserved before the write, given back when the submission is refused.
    let slot = throttles
        .submissions_per_user
        .reserve(&submitter.id.to_string())?;
    let submitted = db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        let row = insert(&txn, submitter, &new).await?;
        txn.commit().await?;
        Ok(row)
    })
    .await;
    if submitted.is_err() {
        slot.release();
    }
    submitted
}

async fn insert(
    txn: &DatabaseTransaction,
    submitter: &user::Model,
    new: &Submission,
) -> Result<paper::Model, AppError> {
    // One paper creation at a time: a parallel submission of the same id is seen here and
    // answered `CONFLICT` (the unique index would catch it too).
    db::lock_for_transaction(txn, db::Lock::PaperCreation).await?;
    if paper::Entity::find()
        .filter(paper::Column::ArxivId.eq(new.arxiv_id.as_str()))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "paper {} is listed already",
            new.arxiv_id
        )));
    }
    let names: Vec<&str> = new.authors.iter().map(String::as_str).collect();
    let author_ids = import::author_ids_by_name(txn, &names).await?;
    let now = crate::services::now();
    let row = paper::ActiveModel {
        arxiv_id: Set(new.arxiv_id.to_string()),
        title: Set(new.title.clone()),
        r#abstract: Set(new.abstract_text.clone()),
        published_at: Set(new.published_at),
        submitted_at: Set(now),
        submitted_by: Set(Some(submitter.id)),
        github_repo: Set(new.github_repo.clone()),
        project_page: Set(new.project_page.clone()),
        upvote_count: Set(0),
        comment_count: Set(0),
        trending_score: Set(trending::score(0, now, now)),
        source_upvotes: Set(None),
        author_names: Set(new.authors.join(", ")),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for (position, name) in new.authors.iter().enumerate() {
        let Some(author_id) = author_ids.get(name.as_str()) else {
            continue;
        };
        paper_author::ActiveModel {
            paper_id: Set(row.id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            author_id: Set(*author_id),
        }
        .insert(txn)
        .await?;
    }
    Ok(row)
}
