//! Full-text search over papers, on each database's own engine (SQLite FTS5, PostgreSQL
//! `tsvector`), ranked title above authors above abstract.
//!
//! User text never reaches the engine raw: it is cut into words (letters and digits only), each
//! word quoted or turned into a plain lexeme, so quotes, operators and odd characters can never
//! make a query fail. Highlighting is done here rather than by the engines, so that both answer
//! alike and everything but the `<mark>` tags is HTML-escaped.

use std::collections::HashMap;

use entity::paper;
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::ids::PaperId;
use crate::services::input::escape_html as escape;
use crate::services::pagination::{Direction, PageArgs, decode_cursor, encode_cursor};
use crate::services::papers;

/// The longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// The most words of a query that are searched for.
pub const MAX_QUERY_WORDS: usize = 32;
/// How many words a snippet shows around the first match.
const SNIPPET_WORDS: usize = 30;

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
    /// How many papers match, when the page told (it does unless it was empty).
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

/// Cursors are offsets, tied to the words they were made for.
fn scope(words: &[String]) -> String {
    let digest = Sha256::digest(words.join(" ").as_bytes());
    format!("search:{}", hex::encode(&digest[..6]))
}

#[derive(Debug, FromQueryResult)]
struct Ranked {
    id: PaperId,
    score: f64,
    /// How many papers match in all (the same on every row).
    total: i64,
}

/// How the last word of a query matches. Every other word matches whole (as the engine stems
/// it); the last one may be a word still being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LastWord {
    Whole,
    Prefix,
}

/// When fewer papers than this match with every word whole, the last word is read as a prefix
/// too (search as you type). A common whole word is not expanded: expanding it costs the most
/// (every indexed word that starts with it) and adds least (its whole matches already fill a
/// page). The rule depends only on the words, so every page of one query reads them alike.
const PREFIX_BELOW: i64 = 20;

/// A full-text query in which every word must match, each written by `term` (told whether it is
/// the last), joined by `and`.
fn match_all(words: &[String], and: &str, term: impl Fn(&str, bool) -> String) -> String {
    let last = words.len().saturating_sub(1);
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| term(w, i == last))
        .collect();
    terms.join(and)
}

/// The ranking query (a page of ids and scores, each row with the number of matches) and its
/// count query, in the database's dialect.
fn statements(
    backend: DbBackend,
    words: &[String],
    last_word: LastWord,
    limit: u64,
    offset: u64,
) -> (Statement, Statement) {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let prefix = |last: bool| last && last_word == LastWord::Prefix;
    match backend {
        DbBackend::Postgres => {
            let query = match_all(words, " & ", |w, last| {
                if prefix(last) {
                    format!("{w}:*")
                } else {
                    w.to_owned()
                }
            });
            let ranked = Statement::from_sql_and_values(
                backend,
                "SELECT id, ts_rank(search_vector, q)::float8 AS score, count(*) OVER () AS total \
                 FROM papers, to_tsquery('english', $1) q WHERE search_vector @@ q \
                 ORDER BY score DESC, id DESC LIMIT $2 OFFSET $3",
                [query.clone().into(), limit.into(), offset.into()],
            );
            let count = Statement::from_sql_and_values(
                backend,
                "SELECT COUNT(*) AS n FROM papers WHERE search_vector @@ to_tsquery('english', $1)",
                [query.into()],
            );
            (ranked, count)
        }
        _ => {
            let query = match_all(words, " ", |w, last| {
                if prefix(last) {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            });
            // bm25 is lower for better matches; the weights rank title, authors, abstract. FTS5
            // allows bm25 only in a plain query, so the matches are gathered before counting.
            let ranked = Statement::from_sql_and_values(
                backend,
                "WITH matches AS MATERIALIZED ( \
                   SELECT rowid AS id, -bm25(paper_search, 10.0, 5.0, 1.0) AS score \
                   FROM paper_search WHERE paper_search MATCH ?) \
                 SELECT id, score, count(*) OVER () AS total FROM matches \
                 ORDER BY score DESC, id DESC LIMIT ? OFFSET ?",
                [query.clone().into(), limit.into(), offset.into()],
            );
            let count = Statement::from_sql_and_values(
                backend,
                "SELECT COUNT(*) AS n FROM paper_search WHERE paper_search MATCH ?",
                [query.into()],
            );
            (ranked, count)
        }
    }
}

/// A page of ranked matches.
async fn ranked(
    db: &DatabaseConnection,
    words: &[String],
    last_word: LastWord,
    limit: u64,
    offset: u64,
) -> Result<Vec<Ranked>, AppError> {
    let (ranked, _) = statements(db.get_database_backend(), words, last_word, limit, offset);
    Ok(Ranked::find_by_statement(ranked).all(db).await?)
}

/// How many papers match.
async fn count_matches(
    db: &DatabaseConnection,
    words: &[String],
    last_word: LastWord,
) -> Result<i64, AppError> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let (_, count) = statements(db.get_database_backend(), words, last_word, 0, 0);
    Ok(Count::find_by_statement(count)
        .one(db)
        .await?
        .map_or(0, |c| c.n))
}

/// Searches; a query with no words finds nothing, one over [`MAX_QUERY_CHARS`] is refused.
pub async fn search(
    db: &DatabaseConnection,
    query: &str,
    args: &PageArgs,
) -> Result<Results, AppError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            "query",
            format!("a search query is at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let words = words(query);
    let scope = scope(&words);
    let start = match &args.cursor {
        None => 0,
        Some(cursor) => {
            let (_, offset) = decode_cursor(cursor, &scope, args.cursor_field())?;
            u64::try_from(offset)
                .map_err(|_| AppError::bad_input(args.cursor_field(), "not a valid cursor"))?
        }
    };
    // An offset cursor points at a result; a page runs forward from just after it, or back from
    // just before it.
    let (offset, limit) = match (args.direction, &args.cursor) {
        (Direction::Forward, None) => (0, args.size),
        (Direction::Forward, Some(_)) => (start + 1, args.size),
        (Direction::Backward, None) => (0, 0),
        (Direction::Backward, Some(_)) => (start.saturating_sub(args.size), start.min(args.size)),
    };
    if words.is_empty() || limit == 0 {
        return Ok(Results {
            hits: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
            total: words.is_empty().then_some(0),
            words,
        });
    }
    // Whole words first; the page carries the number of whole matches, which decides whether
    // the last word is to be read as a prefix (only a page past the end needs counting apart).
    let mut last_word = LastWord::Whole;
    let mut rows = ranked(db, &words, last_word, limit + 1, offset).await?;
    let whole_matches = match rows.first() {
        Some(row) => row.total,
        None if offset > 0 => count_matches(db, &words, last_word).await?,
        None => 0,
    };
    if whole_matches < PREFIX_BELOW {
        last_word = LastWord::Prefix;
        rows = ranked(db, &words, last_word, limit + 1, offset).await?;
    }
    let total = rows
        .first()
        .map(|row| u64::try_from(row.total).unwrap_or(0));
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let mut found: HashMap<PaperId, paper::Model> = papers::find_by_ids(db, &ids).await?;
    let hits = rows
        .into_iter()
        .zip(offset..)
        .filter_map(|(row, position)| {
            let paper = found.remove(&row.id)?;
            Some(Hit {
                cursor: encode_cursor(&scope, "", i64::try_from(position).unwrap_or(i64::MAX)),
                highlighted_title: highlight(&paper.title, &words),
                snippet: snippet(&paper.r#abstract, &words),
                score: row.score,
                paper,
            })
        })
        .collect();
    let (has_next_page, has_previous_page) = match args.direction {
        Direction::Forward => (more, offset > 0),
        Direction::Backward => (true, offset > 0),
    };
    Ok(Results {
        hits,
        has_next_page,
        has_previous_page,
        words,
        total,
    })
}

/// How many papers match a query (as `search` reads it): known from the page unless the page was
/// empty.
pub async fn count(db: &DatabaseConnection, results: &Results) -> Result<u64, AppError> {
    if let Some(total) = results.total {
        return Ok(total);
    }
    let mut n = count_matches(db, &results.words, LastWord::Whole).await?;
    if n < PREFIX_BELOW {
        n = count_matches(db, &results.words, LastWord::Prefix).await?;
    }
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Whether a word of the text matches a query word: equal, or starting with it (so that
/// `train` marks `training`).
fn matches(word: &str, query_words: &[String]) -> bool {
    let word = word.to_lowercase();
    query_words.iter().any(|q| word.starts_with(q.as_str()))
}

/// Splits text into alternating runs of word and non-word characters.
fn runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut in_word: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric();
        if in_word.is_some_and(|w| w != word) {
            runs.push((in_word.unwrap_or(false), &text[start..i]));
            start = i;
        }
        in_word = Some(word);
    }
    if start < text.len() {
        runs.push((in_word.unwrap_or(false), &text[start..]));
    }
    runs
}

/// The text, HTML-escaped, with matching words wrapped in `<mark>…</mark>`.
pub fn highlight(text: &str, query_words: &[String]) -> String {
    runs(text)
        .into_iter()
        .map(|(is_word, run)| {
            if is_word && matches(run, query_words) {
                format!("<mark>{}</mark>", escape(run))
            } else {
                escape(run)
            }
        })
        .collect()
}

/// About [`SNIPPET_WORDS`] words of the text around its first match, highlighted, with `…`
/// where it is cut.
pub fn snippet(text: &str, query_words: &[String]) -> String {
    let runs = runs(text);
    let word_runs: Vec<usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, (w, _))| *w)
        .map(|(i, _)| i)
        .collect();
    let first_match = word_runs
        .iter()
        .position(|&i| matches(runs[i].1, query_words))
        .unwrap_or(0);
    let from_word = first_match.saturating_sub(SNIPPET_WORDS / 3);
    let to_word = (from_word + SNIPPET_WORDS).min(word_runs.len());
    if word_runs.is_empty() {
        return escape(text);
    }
    let from = word_runs[from_word];
    let to = word_runs[to_word.saturating_sub(1)];
    let body: String = runs[from..=to]
        .iter()
        .map(|&(is_word, run)| {
            if is_word && matches(run, query_words) {
                format!("<mark>{}</mark>", escape(run))
            } else {
                escape(run)
            }
        })
        .collect();
    let lead = if from_word > 0 { "…" } else { "" };
    let tail = if to_word < word_runs.len() { "…" } else { "" };
    format!("{lead}{body}{tail}")
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

    #[test]
    fn highlighting_escapes_everything_but_the_marks() {
        let words = words("train");
        assert_eq!(
            highlight("Training <b>models</b> & trains", &words),
            "<mark>Training</mark> &lt;b&gt;models&lt;/b&gt; &amp; <mark>trains</mark>"
        );
        let long = (0..100)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let snip = snippet(&format!("{long} training {long}"), &words);
        assert!(
            snip.starts_with('…') && snip.ends_with('…') && snip.contains("<mark>training</mark>"),
            "{snip}"
        );
    }
}
