//! Importing papers: parsed and checked whole before anything is written, then written in one
//! transaction, skipping papers already present. Two JSON formats, told apart by content:
//!
//! - the project's own (the demo data set's): records with `arxiv_id`, `title`, `authors` (names),
//!   `abstract`, `published_on`, `upvotes`, `github_repo`;
//! - the Hugging Face daily-papers format, as the Hub's `/api/daily_papers` and this service's
//!   REST surface answer: items nesting the paper (`{"paper": {"id", "summary", "authors":
//!   [{"name"}], "publishedAt", "upvotes", …}, "title", "submittedOnDailyAt", …}`) or flat papers
//!   (`{"id", "title", "summary", "authors", "publishedAt", "submittedOnDailyAt", …}`).
//!   `submittedOnDailyAt` is when the paper entered the feed; `upvotes` goes to
//!   `source_upvotes` only.
//!
//! And an arXiv API response (Atom with arXiv's extensions), told by its leading `<`: each entry's
//! id (its abstract URL, version dropped), title and abstract with arXiv's line wrapping undone,
//! ordered authors and publication time.

mod formats;

use std::collections::{HashMap, HashSet};

use crate::db;
use crate::error::AppError;
use crate::ids::{AuthorId, PaperId};
use crate::services::papers::new::{self, NewPaper};
use chrono::{DateTime, Utc};
use entity::{author, paper};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub use formats::parse_file;

/// Why an import file was refused: the record's index (from 0) and the reason, or a reason
/// for the whole file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not a JSON array of papers: {0}")]
    NotJson(String),
    #[error("the file is not an Atom feed: {0}")]
    NotAtom(String),
    #[error("record {index}: {reason}")]
    BadRecord { index: usize, reason: String },
    #[error(transparent)]
    Storage(#[from] AppError),
}

/// How many papers an import added and how many it left as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub skipped: usize,
    /// The ids of the papers inserted, in the file's order.
    pub ids: Vec<PaperId>,
}

/// A paper to import, and when it entered the feed where it comes from (if the file says).
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub paper: NewPaper,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Inserts the papers not yet present, all in one transaction. `submitted_at(i)` says when the
/// i-th paper of the list entered the feed.
pub async fn import(
    db: &DatabaseConnection,
    records: &[ImportRecord],
    submitted_at: impl Fn(usize) -> DateTime<Utc>,
) -> Result<ImportReport, AppError> {
    // When the file says when a paper entered the feed, that; else `submitted_at(i)`.
    let submitted_at = |i: usize| records[i].submitted_at.unwrap_or_else(|| submitted_at(i));
    let papers: Vec<&NewPaper> = records.iter().map(|r| &r.paper).collect();
    let txn = db::begin_write(db).await?;
    // Imports (and submissions) run one at a time, so a paper another one is inserting is seen
    // as present rather than inserted twice.
    db::lock_for_transaction(&txn, db::Lock::PaperCreation).await?;
    let ids: Vec<&str> = papers.iter().map(|p| p.arxiv_id.as_str()).collect();
    let mut present = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows = paper::Entity::find()
            .filter(paper::Column::ArxivId.is_in(chunk.iter().copied()))
            .all(&txn)
            .await?;
        present.extend(rows.into_iter().map(|p| p.arxiv_id));
    }
    let fresh: Vec<(usize, &NewPaper)> = papers
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, p)| !present.contains(p.arxiv_id.as_str()))
        .collect();
    let names: Vec<&str> = fresh.iter().flat_map(|(_, p)| p.author_names()).collect();
    let author_ids = author_ids_by_name(&txn, &names).await?;
    let mut ids = Vec::with_capacity(fresh.len());
    for (index, new) in &fresh {
        let row = new::insert(&txn, new, submitted_at(*index), None, &author_ids).await?;
        ids.push(row.id);
    }
    txn.commit().await?;
    Ok(ImportReport {
        inserted: fresh.len(),
        skipped: papers.len() - fresh.len(),
        ids,
    })
}

/// The author id for each name: an existing author with exactly that name (the oldest, if
/// several share it), else a new author row.
///
/// Creating is serialised across transactions ([`db::Lock::PaperCreation`]; SQLite's write
/// transactions are serialised whole) and the missing names are looked up again once the lock
/// is held, so parallel submissions naming one new author create it once.
pub async fn author_ids_by_name<C: ConnectionTrait>(
    txn: &C,
    names: &[&str],
) -> Result<HashMap<String, AuthorId>, AppError> {
    let unique: Vec<&str> = names
        .iter()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut ids = existing_authors(txn, &unique).await?;
    let missing: Vec<&str> = unique
        .iter()
        .copied()
        .filter(|name| !ids.contains_key(*name))
        .collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    db::lock_for_transaction(txn, db::Lock::PaperCreation).await?;
    ids.extend(existing_authors(txn, &missing).await?);
    for name in missing {
        if !ids.contains_key(name) {
            let row = author::ActiveModel {
                name: Set(name.to_owned()),
                user_id: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            ids.insert(row.name, row.id);
        }
    }
    Ok(ids)
}

/// The ids of the authors with these exact names.
async fn existing_authors<C: ConnectionTrait>(
    txn: &C,
    names: &[&str],
) -> Result<HashMap<String, AuthorId>, AppError> {
    let mut ids = HashMap::with_capacity(names.len());
    for chunk in names.chunks(500) {
        let rows = author::Entity::find()
            .filter(author::Column::Name.is_in(chunk.iter().copied()))
            .order_by_desc(author::Column::Id)
            .all(txn)
            .await?;
        // Descending, so the oldest row of a shared name is inserted last and wins.
        for row in rows {
            ids.insert(row.name, row.id);
        }
    }
    Ok(ids)
}
