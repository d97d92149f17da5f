//! The following feed: the papers that reached a reader through what they follow — written by a
//! followed author (or by an author identity a followed user claimed), submitted by a followed
//! user, filed under a followed topic, or added to a followed collection they may see — newest
//! first by the moment each first reached the feed, one entry per paper however many reasons.
//! That moment is the paper's submission when an author, user or topic brought it, and otherwise
//! the first time a followed collection gained it.
//!
//! A page is three statements whatever its size: how far the reader's follows reach, the page of
//! papers, and the reasons of the page's papers. How the page is read depends on that reach. A
//! reader who follows little (a few authors) has few papers in the feed: they are gathered from
//! the follows and sorted. A reader who follows much (20 topics of the machine-learning field,
//! 500 authors) has most of the site in the feed: the papers are walked newest first by the
//! submission index and each is checked against the follows (index lookups), which stops after
//! a page. Each way is fast where the other is slow (PostgreSQL, 100k papers: 400 ms against
//! 1 ms for the heavy reader, 1 ms against 200 ms for the light one; README, "Benchmark").
//! The papers that only a collection brought are read apart, from the followed collections.

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

/// The kinds of reason of the latest `limit` papers of `user`'s feed, as `(paper, kind)` (see
/// [`REASONS`] for the kinds), newest first.
pub async fn latest_reasons(
    db: &DatabaseConnection,
    user: UserId,
    limit: u64,
) -> Result<Vec<(PaperId, i32)>, AppError> {
    let items = select(db, user, None, None, limit).await?;
    let papers: Vec<PaperId> = items.iter().map(|item| item.paper.id).collect();
    let mut reasons = reasons_of(db, user, &papers).await?;
    Ok(papers
        .iter()
        .flat_map(|paper| {
            reasons
                .remove(paper)
                .unwrap_or_default()
                .into_iter()
                .map(move |target| (*paper, kind_of(target)))
        })
        .collect())
}

/// The kind number [`REASONS`] gives a reason's target.
fn kind_of(target: Target) -> i32 {
    match target {
        Target::User(_) => 1,
        Target::Author(_) => 2,
        Target::Collection(_) => 3,
        Target::Topic(_) => TOPIC,
    }
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

/// Whether paper `{p}` (submitted by `{by}`) has a reason other than a collection to be in user
/// `$1`'s feed: each a lookup by index, evaluated per paper (a scalar sub-select with `LIMIT`,
/// which PostgreSQL cannot turn into a hash of every matching paper).
const BROUGHT: &str = "\
    ((SELECT 1 FROM paper_topics pt JOIN follows f ON f.topic_id = pt.topic_id \
       WHERE f.user_id = $1 AND pt.paper_id = {p} LIMIT 1) IS NOT NULL \
     OR (SELECT 1 FROM paper_authors pa JOIN follows f ON f.author_id = pa.author_id \
       WHERE f.user_id = $1 AND pa.paper_id = {p} LIMIT 1) IS NOT NULL \
     OR (SELECT 1 FROM paper_authors pa JOIN authors a ON a.id = pa.author_id \
       JOIN follows f ON f.followed_user_id = a.user_id \
       WHERE f.user_id = $1 AND pa.paper_id = {p} LIMIT 1) IS NOT NULL \
     OR (SELECT 1 FROM follows f WHERE f.user_id = $1 AND f.followed_user_id = {by} \
       LIMIT 1) IS NOT NULL)";

fn brought(paper: &str, submitter: &str) -> String {
    BROUGHT.replace("{p}", paper).replace("{by}", submitter)
}

/// How many papers a reader's follows reach, roughly: the followed topics' papers (their
/// counters) and ten per followed author or user; and the site's papers (its largest id).
const REACH: &str = "SELECT \
    (SELECT COALESCE(SUM(t.paper_count), 0) FROM follows f JOIN topics t ON t.id = f.topic_id \
      WHERE f.user_id = $1) \
    + 10 * (SELECT COUNT(*) FROM follows f WHERE f.user_id = $1 \
      AND (f.author_id IS NOT NULL OR f.followed_user_id IS NOT NULL)) AS reach, \
    (SELECT COALESCE(MAX(id), 0) FROM papers) AS total";

/// Whether to walk the papers (rather than gather them from the follows): when the walk's
/// expected length, `limit · total / reach` papers, is shorter than the `reach` papers the
/// gathering sorts, weighting a walked paper's lookups as 32 gathered rows.
fn walk(reach: i64, total: i64, limit: u64) -> bool {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    reach.saturating_mul(reach) >= total.saturating_mul(limit).saturating_mul(32)
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
    let reach = db
        .query_one_raw(db::statement(backend, REACH, [user.into()]))
        .await?;
    let (reach, total) = match reach {
        Some(row) => (
            row.try_get::<i64>("", "reach")?,
            row.try_get::<i64>("", "total")?,
        ),
        None => (0, 0),
    };
    let mut values: Vec<sea_orm::Value> = vec![user.into()];
    // The conditions on a paper's moment `{m}` and id `{id}`.
    let mut cut: Vec<String> = Vec::new();
    match before {
        Some(Bound::Key(moment, id)) => {
            values.push(moment.into());
            values.push(id.into());
            cut.push("({m} < $2 OR ({m} = $2 AND {id} < $3))".into());
        }
        Some(Bound::Moment(moment)) => {
            values.push(moment.into());
            cut.push(format!("{{m}} < ${}", values.len()));
        }
        None => {}
    }
    if let Some(from) = from {
        values.push(from.into());
        cut.push(format!("{{m}} >= ${}", values.len()));
    }
    let cut = |moment: &str, id: &str| -> String {
        cut.iter()
            .map(|c| format!(" AND {}", c.replace("{m}", moment).replace("{id}", id)))
            .collect()
    };
    let brought_papers = if walk(reach, total, limit) {
        format!(
            "SELECT p.id AS paper_id, p.submitted_at AS moment FROM papers p \
             WHERE {brought}{cut} ORDER BY p.submitted_at DESC, p.id DESC LIMIT {limit}",
            brought = brought("p.id", "p.submitted_by"),
            cut = cut("p.submitted_at", "p.id"),
        )
    } else {
        format!(
            // `CROSS JOIN` keeps SQLite's join order: from the reader's few follows out, never
            // a scan of the papers (PostgreSQL plans it as the inner join it is).
            "SELECT paper_id, moment FROM ( \
               SELECT pa.paper_id AS paper_id, p.submitted_at AS moment FROM follows f \
                 CROSS JOIN paper_authors pa CROSS JOIN papers p \
                 WHERE f.user_id = $1 AND pa.author_id = f.author_id AND p.id = pa.paper_id \
               UNION SELECT pa.paper_id, p.submitted_at FROM follows f \
                 CROSS JOIN authors a CROSS JOIN paper_authors pa CROSS JOIN papers p \
                 WHERE f.user_id = $1 AND a.user_id = f.followed_user_id \
                 AND pa.author_id = a.id AND p.id = pa.paper_id \
               UNION SELECT p.id, p.submitted_at FROM follows f CROSS JOIN papers p \
                 WHERE f.user_id = $1 AND p.submitted_by = f.followed_user_id \
               UNION SELECT pt.paper_id, p.submitted_at FROM follows f \
                 CROSS JOIN paper_topics pt CROSS JOIN papers p \
                 WHERE f.user_id = $1 AND pt.topic_id = f.topic_id AND p.id = pt.paper_id) \
               AS gathered \
             WHERE 1 = 1{cut} ORDER BY moment DESC, paper_id DESC LIMIT {limit}",
            cut = cut("moment", "paper_id"),
        )
    };
    // The papers only a collection brought, at the first time one gained them.
    let collected_papers = format!(
        "SELECT ci.paper_id AS paper_id, MIN(ci.added_at) AS moment FROM follows f \
           CROSS JOIN collections c CROSS JOIN collection_items ci CROSS JOIN papers p \
         WHERE f.user_id = $1 AND c.id = f.collection_id AND ci.collection_id = c.id \
           AND p.id = ci.paper_id AND (c.is_private = FALSE OR c.owner_id = $1) AND NOT {brought} \
         GROUP BY ci.paper_id HAVING 1 = 1{cut} \
         ORDER BY moment DESC, paper_id DESC LIMIT {limit}",
        brought = brought("p.id", "p.submitted_by"),
        cut = cut("MIN(ci.added_at)", "ci.paper_id"),
    );
    let sql = format!(
        "SELECT papers.*, feed.moment AS feed_moment FROM \
           (SELECT * FROM ({brought_papers}) AS brought \
            UNION ALL SELECT * FROM ({collected_papers}) AS collected) AS feed \
         JOIN papers ON papers.id = feed.paper_id \
         ORDER BY feed.moment DESC, feed.paper_id DESC LIMIT {limit}"
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
