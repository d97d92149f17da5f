//! "More like this" through the full-text engine, for servers without an embedding model: a
//! paper's most distinctive words (frequent in it, rare in the collection) are searched for, any
//! of them matching, and the papers that share the most of them, weighted by their rarity, rank
//! first.
//!
//! The words are chosen here in three steps, all in one statement each: the paper's words
//! (stop words left out, title words counting thrice) give [`CANDIDATES`] candidates; the engine
//! counts each candidate's documents, up to [`DF_CAP`] (rarer than that is what matters); the
//! [`TERMS`] with the highest frequency times inverse document frequency are searched for.
//! SQLite ranks the matches by bm25 (which weighs rarity itself); PostgreSQL's `ts_rank` does
//! not, so there each match scores the sum of its terms' inverse document frequencies.

use std::collections::HashMap;

use entity::paper;
use sea_orm::{
    DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QuerySelect, Statement, Value,
};

use crate::error::AppError;
use crate::ids::PaperId;

/// Words of the paper whose document frequency is asked.
const CANDIDATES: usize = 24;
/// Words searched for.
const TERMS: usize = 10;
/// Documents counted per word at most.
const DF_CAP: i64 = 1000;
/// How much more a word of the title counts than one of the abstract.
const TITLE_WEIGHT: u32 = 3;

/// English words too common to tell papers apart, and the boilerplate of abstracts.
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "among", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "his", "how", "however", "into", "is", "it", "its", "itself", "just", "more", "most", "much",
    "must", "new", "nor", "not", "novel", "now", "of", "off", "on", "once", "one", "only", "or",
    "other", "our", "ours", "out", "over", "own", "paper", "propose", "proposed", "same", "she",
    "should", "show", "shows", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "then", "there", "these", "they", "this", "those", "through", "thus", "to", "too",
    "two", "under", "until", "up", "upon", "use", "used", "uses", "using", "very", "via", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "within", "without", "would", "yet", "you", "your",
];

/// The paper's candidate words with their weighted frequency, most frequent first.
fn candidates(title: &str, r#abstract: &str) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for (text, weight) in [(title, TITLE_WEIGHT), (r#abstract, 1)] {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let word = word.to_lowercase();
            let useful = word.chars().count() >= 3
                && word.chars().any(char::is_alphabetic)
                && !STOP_WORDS.contains(&word.as_str());
            if useful {
                *counts.entry(word).or_default() += weight;
            }
        }
    }
    let mut counted: Vec<(String, u32)> = counts.into_iter().collect();
    // Ties go to the longer (usually the more specific) word, then alphabetically.
    counted.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0.len().cmp(&a.0.len()))
            .then(a.0.cmp(&b.0))
    });
    counted.truncate(CANDIDATES);
    counted
}

/// One word as the engine's query syntax reads it, in the title and abstract only.
fn term(backend: DbBackend, word: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{word}:AC"),
        _ => format!("{{title abstract}} : \"{word}\""),
    }
}

/// A statement with `?` placeholders written for the backend (`$n` on PostgreSQL).
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut n = 0;
            sql.split('?')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_owned()
                    } else {
                        n += 1;
                        format!("${n}{part}")
                    }
                })
                .collect()
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[derive(FromQueryResult)]
struct Frequency {
    word: String,
    df: i64,
}

/// The number of papers, and how many papers hold each word (up to [`DF_CAP`]).
async fn frequencies(
    db: &DatabaseConnection,
    words: &[String],
) -> Result<(i64, HashMap<String, i64>), AppError> {
    let backend = db.get_database_backend();
    let counted = match backend {
        DbBackend::Postgres => {
            "SELECT CAST(? AS TEXT) AS word, (SELECT count(*) FROM (SELECT 1 FROM papers \
             WHERE search_vector @@ to_tsquery('english', ?) LIMIT ?) s) AS df"
        }
        _ => {
            "SELECT ? AS word, (SELECT count(*) FROM (SELECT 1 FROM paper_search \
             WHERE paper_search MATCH ? LIMIT ?)) AS df"
        }
    };
    let mut parts = vec!["SELECT '' AS word, (SELECT count(*) FROM papers) AS df".to_owned()];
    let mut values: Vec<Value> = Vec::new();
    for word in words {
        parts.push(counted.to_owned());
        values.extend([
            word.clone().into(),
            term(backend, word).into(),
            DF_CAP.into(),
        ]);
    }
    let rows = Frequency::find_by_statement(statement(backend, &parts.join(" UNION ALL "), values))
        .all(db)
        .await?;
    let mut total = 0;
    let mut dfs = HashMap::new();
    for row in rows {
        if row.word.is_empty() {
            total = row.df;
        } else {
            dfs.insert(row.word, row.df);
        }
    }
    Ok((total, dfs))
}

#[derive(FromQueryResult)]
struct Match {
    id: PaperId,
    score: f64,
}

/// The papers most like `paper`, best first, at most `limit`, itself left out.
pub async fn ranking(
    db: &DatabaseConnection,
    paper: PaperId,
    limit: usize,
) -> Result<Vec<(PaperId, f64)>, AppError> {
    let text: Option<(String, String)> = paper::Entity::find_by_id(paper)
        .select_only()
        .columns([paper::Column::Title, paper::Column::Abstract])
        .into_tuple()
        .one(db)
        .await?;
    let Some((title, r#abstract)) = text else {
        return Ok(Vec::new());
    };
    let candidates = candidates(&title, &r#abstract);
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<String> = candidates.iter().map(|(w, _)| w.clone()).collect();
    let (total, dfs) = frequencies(db, &words).await?;
    // A word no other paper holds finds nothing; one in every paper tells nothing.
    let mut weighted: Vec<(String, f64)> = candidates
        .into_iter()
        .filter_map(|(word, tf)| {
            let df = *dfs.get(&word)?;
            // Counts below 2^52: exact in an f64.
            #[allow(clippy::cast_precision_loss)]
            let idf = ((total as f64 + 1.0) / (df as f64 + 1.0)).ln();
            (df >= 2 && idf > 0.0).then(|| (word, f64::from(tf) * idf))
        })
        .collect();
    weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    weighted.truncate(TERMS);
    if weighted.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let found = match backend {
        DbBackend::Postgres => {
            let any: Vec<String> = weighted.iter().map(|(w, _)| term(backend, w)).collect();
            let mut values: Vec<Value> = Vec::new();
            let mut sum = Vec::new();
            for (word, _) in &weighted {
                let df = dfs.get(word).copied().unwrap_or(1);
                #[allow(clippy::cast_precision_loss)]
                let idf = ((total as f64 + 1.0) / (df as f64 + 1.0)).ln();
                sum.push("(CASE WHEN search_vector @@ to_tsquery('english', ?) THEN ? ELSE 0 END)");
                values.extend([term(backend, word).into(), idf.into()]);
            }
            let sql = format!(
                "SELECT id, CAST({} AS FLOAT8) AS score FROM papers \
                 WHERE search_vector @@ to_tsquery('english', ?) AND id <> ? \
                 ORDER BY score DESC, id DESC LIMIT ?",
                sum.join(" + ")
            );
            values.extend([any.join(" | ").into(), paper.into(), limit.into()]);
            statement(backend, &sql, values)
        }
        _ => {
            let any: Vec<String> = weighted.iter().map(|(w, _)| format!("\"{w}\"")).collect();
            let query = format!("{{title abstract}} : ({})", any.join(" OR "));
            statement(
                backend,
                "SELECT rowid AS id, -bm25(paper_search, 10.0, 5.0, 1.0) AS score \
                 FROM paper_search WHERE paper_search MATCH ? AND rowid <> ? \
                 ORDER BY score DESC, id DESC LIMIT ?",
                vec![query.into(), paper.into(), limit.into()],
            )
        }
    };
    let rows = Match::find_by_statement(found).all(db).await?;
    Ok(rows.into_iter().map(|m| (m.id, m.score)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_leave_out_stop_words_and_favour_the_title() {
        let found = candidates(
            "Speech alignment",
            "We propose a method for the alignment of speech and text, using 2 models.",
        );
        let words: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(&words[..2], ["alignment", "speech"]);
        assert!(!words.contains(&"the") && !words.contains(&"propose"));
        assert!(!words.iter().any(|w| w.chars().all(char::is_numeric)));
    }

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        let s = statement(DbBackend::Postgres, "a ? b ? c", vec![1.into(), 2.into()]);
        assert_eq!(s.sql, "a $1 b $2 c");
    }
}
