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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{author, paper};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::ids::{AuthorId, PaperId};
use crate::services::input::HttpUrl;
use crate::services::papers::new::{self, NewPaper};

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

/// Parses and checks a whole file; the first bad record refuses it.
pub fn parse_file(text: &str) -> Result<Vec<ImportRecord>, ImportError> {
    let records = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        parse_arxiv_atom(text)?
    } else {
        parse_json(text)?
    };
    let mut seen = HashSet::new();
    for (index, record) in records.iter().enumerate() {
        if !seen.insert(record.paper.arxiv_id.clone()) {
            return Err(ImportError::BadRecord {
                index,
                reason: format!("duplicate arxiv_id {} in this file", record.paper.arxiv_id),
            });
        }
    }
    Ok(records)
}

/// Text as arXiv wraps it, on one line: runs of whitespace (line breaks, indentation) become one
/// space.
fn unwrap_lines(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entries of an arXiv API response.
fn parse_arxiv_atom(xml: &str) -> Result<Vec<ImportRecord>, ImportError> {
    let feed = atom_syndication::Feed::read_from(xml.as_bytes())
        .map_err(|e| ImportError::NotAtom(e.to_string()))?;
    feed.entries()
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let bad = |reason: String| ImportError::BadRecord { index, reason };
            // `http://arxiv.org/abs/1706.03762v7`: the id after `/abs/` (the version is dropped
            // when the id is parsed).
            let id = entry
                .id()
                .split_once("/abs/")
                .map(|(_, id)| id)
                .ok_or_else(|| bad(format!("id: {:?} is not an arXiv abstract URL", entry.id())))?;
            let title = unwrap_lines(entry.title().as_str());
            let summary = unwrap_lines(entry.summary().map(|s| s.as_str()).unwrap_or_default());
            let authors: Vec<String> = entry
                .authors()
                .iter()
                .map(|a| unwrap_lines(a.name()))
                .collect();
            let mut paper = NewPaper::parse(id, &title, &summary, &authors)
                .map_err(|e| bad(in_file_terms(e)))?;
            paper.published_at = entry.published().map(|t| t.with_timezone(&Utc));
            // arXiv's own elements: `<arxiv:primary_category term="…"/>`, `<arxiv:comment>`.
            let arxiv = entry.extensions().get("arxiv");
            let first = |name: &str| arxiv.and_then(|e| e.get(name)).and_then(|v| v.first());
            paper.primary_category = first("primary_category")
                .and_then(|e| e.attrs.get("term"))
                .map(|term| unwrap_lines(term))
                .filter(|term| !term.is_empty() && term.len() <= 64);
            paper.arxiv_comment = first("comment")
                .and_then(|e| e.value.as_deref())
                .map(unwrap_lines)
                .filter(|comment| !comment.is_empty())
                .map(|comment| comment.chars().take(1_000).collect());
            Ok(ImportRecord {
                paper,
                submitted_at: None,
            })
        })
        .collect()
}

/// The records of a JSON file, in either JSON format.
fn parse_json(json: &str) -> Result<Vec<ImportRecord>, ImportError> {
    let values: Vec<serde_json::Value> =
        serde_json::from_str(json).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let mut records = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let bad = |reason: String| ImportError::BadRecord { index, reason };
        let record = if value.get("arxiv_id").is_some() {
            let raw: RawRecord = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
            ImportRecord {
                paper: check_record(raw).map_err(bad)?,
                submitted_at: None,
            }
        } else {
            check_hub_record(&value).map_err(bad)?
        };
        records.push(record);
    }
    Ok(records)
}

/// A Hugging Face daily-papers item, nested or flat.
fn check_hub_record(value: &serde_json::Value) -> Result<ImportRecord, String> {
    let paper = value.get("paper").filter(|p| p.is_object());
    // A field of the nested paper, else of the item.
    let field = |name: &str| {
        paper
            .and_then(|p| p.get(name))
            .filter(|v| !v.is_null())
            .or_else(|| value.get(name).filter(|v| !v.is_null()))
    };
    let text = |name: &str| -> Result<String, String> {
        field(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| format!("{name}: missing, or not text"))
    };
    let optional_text = |name: &str| field(name).and_then(|v| v.as_str()).map(str::to_owned);
    let time = |name: &str| -> Result<Option<DateTime<Utc>>, String> {
        optional_text(name)
            .map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| format!("{name} {t:?} is not an ISO-8601 time"))
            })
            .transpose()
    };
    let id = text("id")?;
    // The title is the item's on the Hub (the nested paper has one too).
    let title = value
        .get("title")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .map_or_else(|| text("title"), Ok)?;
    let summary = text("summary")?;
    let authors: Vec<String> = field("authors")
        .and_then(|v| v.as_array())
        .ok_or("authors: missing, or not a list")?
        .iter()
        .map(|a| {
            a.get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned)
                .ok_or_else(|| "authors: an author without a name".to_owned())
        })
        .collect::<Result<_, _>>()?;
    let mut new = NewPaper::parse(&id, &title, &summary, &authors).map_err(in_file_terms)?;
    // Nested items carry the paper's arXiv date inside; at their top level `publishedAt` is
    // when the item was listed.
    new.published_at = match paper {
        Some(p) => p
            .get("publishedAt")
            .and_then(|v| v.as_str())
            .map(|t| {
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| format!("publishedAt {t:?} is not an ISO-8601 time"))
            })
            .transpose()?,
        None => time("publishedAt")?,
    };
    new.github_repo =
        HttpUrl::parse(optional_text("githubRepo"), "githubRepo").map_err(in_file_terms)?;
    new.project_page =
        HttpUrl::parse(optional_text("projectPage"), "projectPage").map_err(in_file_terms)?;
    new.source_upvotes = match field("upvotes").map(|v| v.as_i64()) {
        None => None,
        Some(n) => Some(
            n.and_then(|n| i32::try_from(n).ok())
                .filter(|n| *n >= 0)
                .ok_or("upvotes must be a non-negative count")?,
        ),
    };
    Ok(ImportRecord {
        paper: new,
        submitted_at: time("submittedOnDailyAt")?,
    })
}

/// A refusal as the file's author reads it: the field by its key in the file.
fn in_file_terms(error: AppError) -> String {
    match error {
        AppError::BadUserInput { field, message } => {
            let key = if field == "arxivId" {
                "arxiv_id"
            } else {
                &field
            };
            format!("{key}: {message}")
        }
        other => other.to_string(),
    }
}

fn check_record(raw: RawRecord) -> Result<NewPaper, String> {
    let mut new = NewPaper::parse(&raw.arxiv_id, &raw.title, &raw.abstract_text, &raw.authors)
        .map_err(in_file_terms)?;
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
    new.github_repo = HttpUrl::parse(raw.github_repo, "github_repo").map_err(in_file_terms)?;
    new.published_at = published_at;
    new.source_upvotes = source_upvotes;
    Ok(new)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_parses() {
        let records = parse_file(crate::services::papers::demo::DEMO_PAPERS_JSON);
        assert!(
            matches!(records, Ok(ref r) if r.len() == 39 && r.iter().all(|r| r.submitted_at.is_none()))
        );
    }
}
