//! The formats an import file may be in, told apart by content, each parsed and checked whole
//! into the records to import (see the module above for what each holds).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::{ImportError, ImportRecord};
use crate::error::AppError;
use crate::services::input::HttpUrl;
use crate::services::papers::new::NewPaper;
use crate::services::topics;

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
    /// arXiv categories, primary first; unknown ones are left out.
    #[serde(default)]
    categories: Vec<String>,
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
            // Every category the entry lists (`<category term="…"/>`), the primary one first.
            let categories = entry.categories().iter().map(|c| c.term());
            paper.topics = topics::known_among(
                paper
                    .primary_category
                    .as_deref()
                    .into_iter()
                    .chain(categories),
            );
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
    // The Hub lists no categories today; an item that carries arXiv's keeps the known ones.
    let categories = field("categories").and_then(|v| v.as_array());
    new.topics = topics::known_among(categories.into_iter().flatten().filter_map(|v| v.as_str()));
    new.primary_category = new.topics.first().cloned();
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
    new.topics = topics::known_among(raw.categories.iter().map(String::as_str));
    new.primary_category = new.topics.first().cloned();
    new.published_at = published_at;
    new.source_upvotes = source_upvotes;
    Ok(new)
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
