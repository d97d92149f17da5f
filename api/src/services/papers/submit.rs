//! Submitting a paper to the daily feed: checked like an import record, listed today, its
//! authors matched to existing ones by exact name.

use chrono::{DateTime, Utc};
use entity::{paper, user};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::Services;
use crate::services::events::Event;
use crate::services::input::HttpUrl;
use crate::services::notifications::followed;
use crate::services::papers::import;
use crate::services::papers::new::{self, NewPaper};
use crate::services::topics;

/// A submitted paper, checked.
pub struct Submission(NewPaper);

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
        let mut new = NewPaper::parse(arxiv_id, title, abstract_text, &authors)?;
        if published_at.is_some_and(|p| p > Utc::now() + chrono::Duration::days(1)) {
            return Err(AppError::bad_input(
                "publishedAt",
                "a publication date is not in the future",
            ));
        }
        new.published_at = published_at;
        new.github_repo = HttpUrl::parse(github_repo, "githubRepo")?;
        new.project_page = HttpUrl::parse(project_page, "projectPage")?;
        Ok(Self(new))
    }

    /// Files the paper under these topics (known arXiv categories, primary first; `BAD_USER_INPUT`
    /// on `topics` otherwise).
    pub fn with_topics(mut self, topics: &[String]) -> Result<Self, AppError> {
        self.0.topics = topics::parse_list(topics, "topics")?;
        self.0.primary_category = self.0.topics.first().cloned();
        Ok(self)
    }
}

/// Lists a submitted paper, counted against the submitter's throttle. Of parallel submissions
/// of one arXiv id one succeeds and the others get `CONFLICT`.
pub async fn submit(
    services: &Services,
    caller: &Caller,
    new: Submission,
) -> Result<paper::Model, AppError> {
    let (db, submitter) = (&services.db, caller.signed_in()?);
    // Reserved before the write, given back when the submission is refused.
    let slot = services
        .throttles
        .submissions_per_user
        .reserve(&submitter.id.to_string())
        .await?;
    let started = crate::services::now();
    let submitted = db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        let row = insert(&txn, submitter, &new).await?;
        txn.commit().await?;
        Ok(row)
    })
    .await;
    match submitted {
        Ok(row) => {
            services
                .publish(&[Event::PaperSubmitted { paper: row.id }])
                .await;
            followed::announce(services, row.id, started).await;
            Ok(row)
        }
        Err(err) => {
            slot.release().await;
            Err(err)
        }
    }
}

async fn insert(
    txn: &DatabaseTransaction,
    submitter: &user::Model,
    Submission(new): &Submission,
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
    let author_ids = import::author_ids_by_name(txn, &new.author_names()).await?;
    let now = crate::services::now();
    new::insert(txn, new, now, Some(submitter.id), &author_ids).await
}
