//! Importing papers from JSON (the format of the demo data set): parsed and checked whole before
//! anything is written, then written in one transaction, skipping papers already present.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{author, paper, paper_author};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::services::input;
use crate::services::papers::arxiv::ArxivId;
use crate::services::papers::{submit, trending};

/// Longest accepted title, in characters.
pub const MAX_TITLE_CHARS: usize = 1_000;
/// Longest accepted abstract, in characters.
pub const MAX_ABSTRACT_CHARS: usize = 20_000;
/// Most authors a paper may list.
pub const MAX_AUTHORS: usize = 5_000;
/// Longest accepted author name, in characters.
pub const MAX_AUTHOR_NAME_CHARS: usize = 300;

/// A paper record as it appears in an import file.
#[derive(Debug, Deserialize)]
struct RawRecord {
    arxiv_id: String,
    title: String,
    authors: Vec<String>,
    #[serde(rename = "abstract")]
    abstract_text: String,
    #[serde(default)]
    published_on: Option<String>,
    #[serde(default)]
    upvotes: Option<i64>,
    #[serde(default)]
    github_repo: Option<String>,
}

/// A checked paper, ready to insert.
#[derive(Debug, Clone)]
pub struct NewPaper {
    pub arxiv_id: ArxivId,
    pub title: String,
    pub abstract_text: String,
    pub authors: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub source_upvotes: Option<i32>,
    pub github_repo: Option<String>,
}

/// Why an import file was refused: the record's index (from 0) and the reason, or a reason
/// for the whole file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not a JSON array of papers: {0}")]
    NotJson(String),
    #[error("record {index}: {reason}")]
    BadRecord { index: usize, reason: String },
    #[error(transparent)]
    Storage(#[from] AppError),
}

/// How many papers an import added and how many it left as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub skipped: usize,
}

/// Parses and checks a whole file; the first bad record refuses it.
pub fn parse_file(json: &str) -> Result<Vec<NewPaper>, ImportError> {
    let values: Vec<serde_json::Value> =
        serde_json::from_str(json).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let mut seen = HashSet::new();
    let mut papers = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let bad = |reason: String| ImportError::BadRecord { index, reason };
        let raw: RawRecord = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        let paper = check_record(raw).map_err(bad)?;
        if !seen.insert(paper.arxiv_id.clone()) {
            return Err(bad(format!(
                "duplicate arxiv_id {} in this file",
                paper.arxiv_id
            )));
        }
        papers.push(paper);
    }
    Ok(papers)
}

fn check_record(raw: RawRecord) -> Result<NewPaper, String> {
    let arxiv_id = ArxivId::parse(&raw.arxiv_id)
        .ok_or_else(|| format!("arxiv_id {:?} is not an arXiv identifier", raw.arxiv_id))?;
    let (title, abstract_text, authors) =
        submit::parse_fields(&raw.title, &raw.abstract_text, &raw.authors)
            .map_err(|e| e.to_string())?;
    let published_at = match raw.published_on.as_deref() {
        None => None,
        Some(date) => Some(
            NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| format!("published_on {date:?} is not a YYYY-MM-DD date"))?
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc())
                .ok_or("published_on is out of range")?,
        ),
    };
    let source_upvotes = match raw.upvotes {
        None => None,
        Some(n) => Some(
            i32::try_from(n)
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("upvotes {n} must be a non-negative count"))?,
        ),
    };
    let github_repo = input::http_url(raw.github_repo, "github_repo").map_err(|e| e.to_string())?;
    Ok(NewPaper {
        arxiv_id,
        title,
        abstract_text,
        authors,
        published_at,
        source_upvotes,
        github_repo,
    })
}

/// Inserts the papers not yet present, all in one transaction. `submitted_at(i)` says when the
/// i-th paper of the list entered the feed.
pub async fn import(
    db: &DatabaseConnection,
    papers: &[NewPaper],
    submitted_at: impl Fn(usize) -> DateTime<Utc>,
) -> Result<ImportReport, AppError> {
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
        .enumerate()
        .filter(|(_, p)| !present.contains(p.arxiv_id.as_str()))
        .collect();
    let names: Vec<&str> = fresh
        .iter()
        .flat_map(|(_, p)| p.authors.iter().map(String::as_str))
        .collect();
    let author_ids = author_ids_by_name(&txn, &names).await?;
    let now = crate::services::now();
    for (index, new) in &fresh {
        let submitted = submitted_at(*index);
        let inserted = paper::ActiveModel {
            arxiv_id: Set(new.arxiv_id.to_string()),
            title: Set(new.title.clone()),
            r#abstract: Set(new.abstract_text.clone()),
            published_at: Set(new.published_at),
            submitted_at: Set(submitted),
            submitted_by: Set(None),
            github_repo: Set(new.github_repo.clone()),
            project_page: Set(None),
            upvote_count: Set(0),
            comment_count: Set(0),
            trending_score: Set(trending::score(0, submitted, now)),
            source_upvotes: Set(new.source_upvotes),
            author_names: Set(new.authors.join(", ")),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let links: Vec<paper_author::ActiveModel> = new
            .authors
            .iter()
            .enumerate()
            .filter_map(|(position, name)| {
                Some(paper_author::ActiveModel {
                    paper_id: Set(inserted.id),
                    position: Set(i32::try_from(position).ok()?),
                    author_id: Set(*author_ids.get(name.as_str())?),
                })
            })
            .collect();
        paper_author::Entity::insert_many(links).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(ImportReport {
        inserted: fresh.len(),
        skipped: papers.len() - fresh.len(),
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
) -> Result<HashMap<String, i64>, AppError> {
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
) -> Result<HashMap<String, i64>, AppError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_parses() {
        let papers = parse_file(crate::services::papers::demo::DEMO_PAPERS_JSON);
        assert!(matches!(papers, Ok(ref p) if p.len() == 39));
    }
}
