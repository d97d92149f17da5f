//! The full-text ranking, on each database's own engine (SQLite FTS5 with bm25, PostgreSQL
//! `tsvector` with `ts_rank`), title above authors above abstract.
//!
//! User text never reaches the engine raw: it is cut into words (letters and digits only), each
//! word quoted or turned into a plain lexeme, so quotes, operators and odd characters can never
//! make a query fail.

use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};

use crate::error::AppError;
use crate::ids::PaperId;
use crate::services::pagination::Positions;

/// A paper of the ranking.
#[derive(Debug, FromQueryResult)]
pub struct Ranked {
    pub id: PaperId,
    pub score: f64,
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

/// A page of the ranking of a query's words (every word matching, the last maybe as a prefix)
/// and how many papers match in all, when the page tells.
pub async fn page(
    db: &DatabaseConnection,
    words: &[String],
    positions: &Positions,
) -> Result<(Vec<Ranked>, Option<u64>), AppError> {
    // Whole words first; the page carries the number of whole matches, which decides whether
    // the last word is to be read as a prefix (only a page past the end needs counting apart).
    let (limit, offset) = (positions.limit + 1, positions.offset);
    let mut last_word = LastWord::Whole;
    let mut rows = ranked(db, words, last_word, limit, offset).await?;
    let whole_matches = match rows.first() {
        Some(row) => row.total,
        None if offset > 0 => count_matches(db, words, last_word).await?,
        None => 0,
    };
    if whole_matches < PREFIX_BELOW {
        last_word = LastWord::Prefix;
        rows = ranked(db, words, last_word, limit, offset).await?;
    }
    let total = rows
        .first()
        .map(|row| u64::try_from(row.total).unwrap_or(0));
    Ok((rows, total))
}

/// The best `depth` papers of the ranking, best first.
pub async fn best(
    db: &DatabaseConnection,
    words: &[String],
    depth: u64,
) -> Result<Vec<Ranked>, AppError> {
    let positions = Positions::of(
        &crate::services::pagination::PageArgs::first(depth),
        "lexical",
    )?;
    let (mut rows, _) = page(db, words, &positions).await?;
    rows.truncate(usize::try_from(depth).unwrap_or(usize::MAX));
    Ok(rows)
}

/// How many papers match a query's words.
pub async fn count(db: &DatabaseConnection, words: &[String]) -> Result<u64, AppError> {
    let mut n = count_matches(db, words, LastWord::Whole).await?;
    if n < PREFIX_BELOW {
        n = count_matches(db, words, LastWord::Prefix).await?;
    }
    Ok(u64::try_from(n).unwrap_or(0))
}
