//! The following feed: the papers that reached a reader through what they follow — written by a
//! followed author (or by an author identity a followed user claimed), submitted by a followed
//! user, filed under a followed topic, or added to a followed collection they may see — newest
//! first by the moment each reached the feed (its submission; for a collection, when it was
//! added; the latest when several), one entry per paper however many reasons.
//!
//! A page is two statements whatever its size: the page of papers (every reason's rows gathered,
//! grouped per paper, cut at the cursor) and the reasons of the page's papers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::paper;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult};

use crate::db;
use crate::error::AppError;
use crate::ids::{AuthorId, CollectionId, PaperId, TopicId, UserId};
use crate::services::follows::Target;
use crate::services::pagination::{Page, PageArgs, decode_cursor, encode_cursor};

/// The scope of the feed's cursors.
const SCOPE: &str = "following-feed";

/// Every reason a paper reaches user `$1`'s feed, as `(paper_id, moment, kind, target)`.
/// `kind` is 1 a followed user (through a claimed author identity or a submission), 2 a followed
/// author, 3 a followed collection, 4 a followed topic. `{papers}` narrows each branch to some
/// papers (the reasons of one page), or to none.
const REASONS: &str = "\
    SELECT pa.paper_id AS paper_id, p.submitted_at AS moment, 2 AS kind, f.author_id AS target \
      FROM follows f JOIN paper_authors pa ON pa.author_id = f.author_id \
      JOIN papers p ON p.id = pa.paper_id \
      WHERE f.user_id = $1{papers:pa.paper_id} \
    UNION ALL \
    SELECT pa.paper_id, p.submitted_at, 1, f.followed_user_id \
      FROM follows f JOIN authors a ON a.user_id = f.followed_user_id \
      JOIN paper_authors pa ON pa.author_id = a.id JOIN papers p ON p.id = pa.paper_id \
      WHERE f.user_id = $1{papers:pa.paper_id} \
    UNION ALL \
    SELECT p.id, p.submitted_at, 1, f.followed_user_id \
      FROM follows f JOIN papers p ON p.submitted_by = f.followed_user_id \
      WHERE f.user_id = $1{papers:p.id} \
    UNION ALL \
    SELECT pt.paper_id, p.submitted_at, 4, f.topic_id \
      FROM follows f JOIN paper_topics pt ON pt.topic_id = f.topic_id \
      JOIN papers p ON p.id = pt.paper_id \
      WHERE f.user_id = $1{papers:pt.paper_id} \
    UNION ALL \
    SELECT ci.paper_id, ci.added_at, 3, f.collection_id \
      FROM follows f JOIN collections c ON c.id = f.collection_id \
      JOIN collection_items ci ON ci.collection_id = c.id \
      WHERE f.user_id = $1 AND (c.is_private = FALSE OR c.owner_id = $1){papers:ci.paper_id}";

/// [`REASONS`] with each branch narrowed by `narrow(column)` (an empty string: not narrowed).
fn reasons(narrow: impl Fn(&str) -> String) -> String {
    let mut sql = String::with_capacity(REASONS.len() + 256);
    let mut rest = REASONS;
    while let Some(start) = rest.find("{papers:") {
        sql.push_str(&rest[..start]);
        let after = &rest[start + "{papers:".len()..];
        let end = after.find('}').unwrap_or(after.len());
        sql.push_str(&narrow(&after[..end]));
        rest = after.get(end + 1..).unwrap_or("");
    }
    sql.push_str(rest);
    sql
}

/// The kind number [`REASONS`] gives a followed topic.
pub const TOPIC: i32 = 4;

/// The latest `limit` reasons that bring papers to `user`'s feed, as `(paper, kind)` (see
/// [`REASONS`] for the kinds), newest first.
pub async fn latest_reasons(
    db: &DatabaseConnection,
    user: UserId,
    limit: u64,
) -> Result<Vec<(PaperId, i32)>, AppError> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT paper_id, kind FROM ({}) AS reasons ORDER BY moment DESC, paper_id DESC LIMIT {limit}",
        reasons(|_| String::new()),
    );
    let rows = db
        .query_all_raw(db::statement(backend, &sql, [user.into()]))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "paper_id")?, row.try_get("", "kind")?)))
        .collect()
}

/// A paper in the feed and the moment it reached it.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub paper: paper::Model,
    pub moment: DateTime<Utc>,
}

/// A page of `user`'s following feed (forward pages: `first`/`after`).
pub async fn page(
    db: &DatabaseConnection,
    user: UserId,
    args: &PageArgs,
) -> Result<Page<FeedItem>, AppError> {
    let before = match &args.cursor {
        None => None,
        Some(cursor) => {
            let field = args.cursor_field();
            let (key, id) = decode_cursor(cursor, SCOPE, field)?;
            let moment = key
                .parse::<i64>()
                .ok()
                .and_then(DateTime::<Utc>::from_timestamp_micros)
                .ok_or_else(|| {
                    AppError::bad_input(
                        field,
                        format!("{field} is not a valid cursor for this list"),
                    )
                })?;
            Some(Bound::Key(moment, id))
        }
    };
    let items = select(db, user, before, None, args.size + 1).await?;
    Ok(Page::from_rows(args, items, |item| {
        encode_cursor(
            SCOPE,
            &item.moment.timestamp_micros().to_string(),
            item.paper.id.into(),
        )
    }))
}

/// Where a stretch of the feed ends (exclusive).
enum Bound {
    /// Before this moment and paper, in the feed's order (a cursor).
    Key(DateTime<Utc>, i64),
    /// Before this moment.
    Moment(DateTime<Utc>),
}

/// What reached `user`'s feed from `from` (inclusive) up to `before`, newest first, at most
/// `limit` papers.
async fn select(
    db: &DatabaseConnection,
    user: UserId,
    before: Option<Bound>,
    from: Option<DateTime<Utc>>,
    limit: u64,
) -> Result<Vec<FeedItem>, AppError> {
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = vec![user.into()];
    let mut having: Vec<String> = Vec::new();
    match before {
        Some(Bound::Key(moment, id)) => {
            values.push(moment.into());
            values.push(id.into());
            having.push("(MAX(moment) < $2 OR (MAX(moment) = $2 AND paper_id < $3))".into());
        }
        Some(Bound::Moment(moment)) => {
            values.push(moment.into());
            having.push(format!("MAX(moment) < ${}", values.len()));
        }
        None => {}
    }
    if let Some(from) = from {
        values.push(from.into());
        having.push(format!("MAX(moment) >= ${}", values.len()));
    }
    let having = if having.is_empty() {
        String::new()
    } else {
        format!(" HAVING {}", having.join(" AND "))
    };
    let sql = format!(
        "SELECT papers.*, feed.moment AS feed_moment FROM \
           (SELECT paper_id, MAX(moment) AS moment FROM ({reasons}) AS reasons \
            GROUP BY paper_id{having} ORDER BY moment DESC, paper_id DESC LIMIT {limit}) AS feed \
         JOIN papers ON papers.id = feed.paper_id \
         ORDER BY feed.moment DESC, feed.paper_id DESC",
        reasons = reasons(|_| String::new()),
    );
    let rows = db
        .query_all_raw(db::statement(backend, &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(FeedItem {
                paper: paper::Model::from_query_result(row, "")?,
                moment: row.try_get::<DateTime<Utc>>("", "feed_moment")?,
            })
        })
        .collect()
}

/// What reached `user`'s feed within `[from, before)`, newest first, at most `limit` papers
/// (a digest's period).
pub async fn within(
    db: &DatabaseConnection,
    user: UserId,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<FeedItem>, AppError> {
    select(db, user, Some(Bound::Moment(before)), Some(from), limit).await
}

/// Why each of `papers` is in `user`'s feed, each reason once, users before authors before
/// collections before topics: one statement.
pub async fn reasons_of(
    db: &DatabaseConnection,
    user: UserId,
    papers: &[PaperId],
) -> Result<HashMap<PaperId, Vec<Target>>, AppError> {
    if papers.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let list = (0..papers.len())
        .map(|n| format!("${}", n + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT DISTINCT paper_id, kind, target FROM ({}) AS reasons ORDER BY paper_id, kind, target",
        reasons(|column| format!(" AND {column} IN ({list})")),
    );
    let mut values: Vec<sea_orm::Value> = vec![user.into()];
    values.extend(papers.iter().map(|p| sea_orm::Value::from(*p)));
    let rows = db
        .query_all_raw(db::statement(backend, &sql, values))
        .await?;
    let mut of: HashMap<PaperId, Vec<Target>> = HashMap::new();
    for row in rows {
        let paper: PaperId = row.try_get("", "paper_id")?;
        let target: i64 = row.try_get("", "target")?;
        let kind: i32 = row.try_get("", "kind")?;
        let reason = match kind {
            1 => Target::User(UserId(target)),
            2 => Target::Author(AuthorId(target)),
            3 => Target::Collection(CollectionId(target)),
            _ => Target::Topic(TopicId(target)),
        };
        of.entry(paper).or_default().push(reason);
    }
    Ok(of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_branch_is_narrowed() {
        let narrowed = reasons(|column| format!(" AND {column} IN ($2)"));
        assert_eq!(narrowed.matches(" IN ($2)").count(), 5);
        assert!(!narrowed.contains('{'));
        let plain = reasons(|_| String::new());
        assert!(!plain.contains('{') && !plain.contains("IN ("));
    }
}
