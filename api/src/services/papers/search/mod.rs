//! Search over papers in three modes:
//!
//! - `Lexical`: the full-text engine's ranking of the query's words (`lexical`), every word
//!   matching; what a site without an embedding model offers.
//! - `Semantic`: the papers nearest in meaning to the query, by the cosine of their vectors
//!   (`discovery`), at most [`DEPTH`].
//! - `Hybrid`: both rankings fused (`fusion`), so that a paraphrase finds its paper and a query
//!   of exact words still ranks their paper high; a paper whose title is the query comes first.
//!
//! Highlighting (`highlight`) marks the query's words in every mode.

mod fusion;
pub mod highlight;
mod lexical;

use std::collections::HashMap;

use entity::paper;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::ids::PaperId;
use crate::services::discovery::Discovery;
use crate::services::pagination::{PageArgs, Positions};
use crate::services::papers;

pub use fusion::{DEPTH, RRF_K};
pub use highlight::{highlight, snippet};

/// The longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// The most words of a query that are searched for.
pub const MAX_QUERY_WORDS: usize = 32;

/// How a query finds papers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// By its words.
    Lexical,
    /// By its meaning.
    Semantic,
    /// By both.
    Hybrid,
}

impl Mode {
    /// The modes this server offers: all three with a model, words only without.
    pub fn available(discovery: &Discovery) -> Vec<Mode> {
        if discovery.embedder().is_some() {
            vec![Mode::Lexical, Mode::Semantic, Mode::Hybrid]
        } else {
            vec![Mode::Lexical]
        }
    }

    /// The mode of a search that names none: hybrid with a model, lexical without.
    pub fn default_for(discovery: &Discovery) -> Mode {
        if discovery.embedder().is_some() {
            Mode::Hybrid
        } else {
            Mode::Lexical
        }
    }

    fn scope_prefix(self) -> &'static str {
        match self {
            // As before modes existed, so that cursors kept by clients stay valid.
            Mode::Lexical => "search",
            Mode::Semantic => "search-semantic",
            Mode::Hybrid => "search-hybrid",
        }
    }
}

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub cursor: String,
    pub paper: paper::Model,
    pub score: f64,
    pub highlighted_title: String,
    pub snippet: String,
}

/// A page of results, best first.
#[derive(Debug, Clone)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// The words searched for (empty when the query had none: no results).
    words: Vec<String>,
    /// How many papers the query finds, when the page told (lexical pages tell unless empty).
    total: Option<u64>,
}

/// The words of a query: runs of letters and digits, lowercased.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_QUERY_WORDS)
        .collect()
}

/// A paper on the page: its position in the ranking, its score, and whether it matched the
/// query's words (else it was found by meaning alone).
type Placed = (u64, PaperId, f64, bool);

/// Cursors are positions in the ranking of one query's words in one mode.
fn scope(mode: Mode, words: &[String]) -> String {
    let digest = Sha256::digest(words.join(" ").as_bytes());
    format!("{}:{}", mode.scope_prefix(), hex::encode(&digest[..6]))
}

/// Searches in `mode` (by default [`Mode::default_for`]). An empty query (or only spaces) is
/// refused, and so is one over [`MAX_QUERY_CHARS`] and a mode the server does not offer; a
/// query with no words (only punctuation) finds nothing.
pub async fn search(
    db: &DatabaseConnection,
    discovery: &Discovery,
    query: &str,
    mode: Option<Mode>,
    args: &PageArgs,
) -> Result<Results, AppError> {
    if query.trim().is_empty() {
        return Err(AppError::bad_input(
            "query",
            "a search query cannot be empty",
        ));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            "query",
            format!("a search query is at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mode = mode.unwrap_or_else(|| Mode::default_for(discovery));
    if !Mode::available(discovery).contains(&mode) {
        return Err(AppError::bad_input(
            "mode",
            "search by meaning needs an embedding model, and this server has none: use LEXICAL",
        ));
    }
    let words = words(query);
    let scope = scope(mode, &words);
    let positions = Positions::of(args, &scope)?;
    if words.is_empty() || positions.limit == 0 {
        return Ok(Results {
            hits: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
            total: words.is_empty().then_some(0),
            words,
        });
    }
    // The page's papers with their positions and scores, and whether each matched the words.
    let (page, more, total): (Vec<Placed>, bool, Option<u64>) = match mode {
        Mode::Lexical => {
            let (mut rows, total) = lexical::page(db, &words, &positions).await?;
            let limit = usize::try_from(positions.limit).unwrap_or(usize::MAX);
            let more = rows.len() > limit;
            rows.truncate(limit);
            let page = rows
                .into_iter()
                .zip(positions.offset..)
                .map(|(row, at)| (at, row.id, row.score, true))
                .collect();
            (page, more, total)
        }
        Mode::Semantic | Mode::Hybrid => {
            let ranking = fusion::ranking(db, discovery, query, &words, mode).await?;
            let page = positions
                .slice(&ranking)
                .into_iter()
                .map(|(at, hit)| (at, hit.id, hit.score, hit.lexical))
                .collect();
            let total = u64::try_from(ranking.len()).unwrap_or(u64::MAX);
            (page, positions.more_in(ranking.len()), Some(total))
        }
    };
    let ids: Vec<PaperId> = page.iter().map(|p| p.1).collect();
    let mut found: HashMap<PaperId, paper::Model> = papers::find_by_ids(db, &ids).await?;
    let hits = page
        .into_iter()
        .filter_map(|(at, id, score, matched)| {
            let paper = found.remove(&id)?;
            Some(Hit {
                cursor: Positions::cursor(&scope, at),
                highlighted_title: highlight(&paper.title, &words),
                // A paper found by meaning alone shows its abstract from the start.
                snippet: snippet(&paper.r#abstract, &words, matched),
                score,
                paper,
            })
        })
        .collect();
    let (has_next_page, has_previous_page) = positions.flags(more);
    Ok(Results {
        hits,
        has_next_page,
        has_previous_page,
        words,
        total,
    })
}

/// How many papers a query finds (as `search` reads it): known from the page unless the page
/// was an empty lexical one.
pub async fn count(db: &DatabaseConnection, results: &Results) -> Result<u64, AppError> {
    match results.total {
        Some(total) => Ok(total),
        None => lexical::count(db, &results.words).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_operators_and_punctuation() {
        assert_eq!(
            words("C++ \"unbalanced AND OR NOT - : *"),
            ["c", "unbalanced", "and", "or", "not"]
        );
        assert!(words(&"!?.;:-".repeat(100)).is_empty());
        assert_eq!(words("Überraschung 🚀 naïve"), ["überraschung", "naïve"]);
    }
}
