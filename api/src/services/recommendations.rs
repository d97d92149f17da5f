//! Papers for one reader, drawn from their own signals, and "readers who upvoted this also
//! upvoted" for one paper. Both are computed when asked, from the rows as they are (no cache,
//! no batch job): a new upvote or follow changes the next answer.
//!
//! A reader's recommendations rank at most [`MAX_RECOMMENDED`] papers they have not upvoted and
//! not put in a collection of theirs:
//!
//! - with an embedding model, by the cosine between each paper's vector and the mean direction
//!   of the vectors of what they upvoted and collected (their latest [`SEEDS`] of each);
//! - without one (or before those papers have vectors), by co-upvotes: the other readers who
//!   upvoted those papers (the [`PEERS`] sharing most of them) lend weight to what else they
//!   upvoted, in proportion to how many of the reader's papers they share;
//! - either way, what the reader follows adds to a paper's score: a paper by a followed author or
//!   user, or added to a followed collection, [`FOLLOWED_WEIGHT`]; under a followed topic,
//!   [`TOPIC_WEIGHT`] (recent ones only: the [`FOLLOWED_CANDIDATES`] latest);
//! - a reader with no signal at all, or whose signals find nothing yet, gets the trending list.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::paper;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::db;
use crate::error::AppError;
use crate::ids::{PaperId, UserId};
use crate::services::discovery::Discovery;
use crate::services::follows::feed;
use crate::services::pagination::{Page, PageArgs, Positions};
use crate::services::papers;

/// The most papers one reader's recommendations list.
pub const MAX_RECOMMENDED: usize = 100;
/// The latest upvotes (and, apart, collected papers) a reader's taste is read from.
pub const SEEDS: u64 = 200;
/// The score a followed author, user or collection lends a paper.
pub const FOLLOWED_WEIGHT: f64 = 2.0;
/// The score a followed topic lends a paper.
pub const TOPIC_WEIGHT: f64 = 0.5;
/// The latest papers of what a reader follows that are considered.
pub const FOLLOWED_CANDIDATES: u64 = 200;
/// The other readers, those sharing most of the reader's papers, whose upvotes are read.
pub const PEERS: u64 = 100;
/// The most other readers whose upvotes of a paper are read for `alsoUpvoted`.
pub const CO_VOTERS: u64 = 500;

/// A ranked list held whole and paged by position.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub page: Page<paper::Model>,
    pub total: u64,
}

/// The reader's own papers: what they upvoted (all of it, to leave out; the latest to learn
/// from) and what they collected.
struct Seeds {
    learn: Vec<PaperId>,
    exclude: HashSet<PaperId>,
}

async fn seeds(db: &DatabaseConnection, user: UserId) -> Result<Seeds, AppError> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(db::statement(
            backend,
            "SELECT paper_id, created_at AS at FROM paper_upvotes WHERE user_id = $1 \
             UNION ALL \
             SELECT ci.paper_id, ci.added_at FROM collection_items ci \
               JOIN collections c ON c.id = ci.collection_id WHERE c.owner_id = $1 \
             ORDER BY at DESC",
            [user.into()],
        ))
        .await?;
    let mut exclude = HashSet::new();
    let mut learn = Vec::new();
    for row in rows {
        let paper: PaperId = row.try_get("", "paper_id")?;
        // Latest first: the latest taste counts.
        if exclude.insert(paper) && (learn.len() as u64) < SEEDS * 2 {
            learn.push(paper);
        }
    }
    Ok(Seeds { learn, exclude })
}

/// Scores by co-upvotes: the other readers who upvoted the seeds (the [`PEERS`] sharing most of
/// them), each weighted by how many seeds they share, lend that weight to everything else they
/// upvoted.
async fn co_upvoted(
    db: &DatabaseConnection,
    user: UserId,
    seeds: &[PaperId],
    limit: usize,
) -> Result<Vec<(PaperId, f64)>, AppError> {
    if seeds.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let list = (0..seeds.len())
        .map(|n| format!("${}", n + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT other.paper_id AS paper_id, CAST(SUM(peers.shared) AS BIGINT) AS score FROM \
           (SELECT user_id, COUNT(*) AS shared FROM paper_upvotes \
            WHERE paper_id IN ({list}) AND user_id <> $1 GROUP BY user_id \
            ORDER BY shared DESC, user_id LIMIT {PEERS}) AS peers \
         JOIN paper_upvotes other ON other.user_id = peers.user_id \
         WHERE NOT EXISTS (SELECT 1 FROM paper_upvotes mine \
                           WHERE mine.user_id = $1 AND mine.paper_id = other.paper_id) \
         GROUP BY other.paper_id ORDER BY score DESC, other.paper_id DESC LIMIT {limit}"
    );
    let mut values: Vec<sea_orm::Value> = vec![user.into()];
    values.extend(seeds.iter().map(|p| sea_orm::Value::from(*p)));
    let rows = db
        .query_all_raw(db::statement(backend, &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let score: i64 = row.try_get("", "score")?;
            Ok((row.try_get::<PaperId>("", "paper_id")?, score as f64))
        })
        .collect()
}

/// What the reader follows lends its papers weight (the latest ones, newer than `since`).
async fn followed(
    db: &DatabaseConnection,
    user: UserId,
) -> Result<HashMap<PaperId, f64>, AppError> {
    let mut scores: HashMap<PaperId, f64> = HashMap::new();
    for (paper, kind) in feed::latest_reasons(db, user, FOLLOWED_CANDIDATES).await? {
        let weight = match kind {
            feed::TOPIC => TOPIC_WEIGHT,
            _ => FOLLOWED_WEIGHT,
        };
        *scores.entry(paper).or_default() += weight;
    }
    Ok(scores)
}

/// The reader's recommendations: a page of at most [`MAX_RECOMMENDED`] papers, best first,
/// those that reached the feed after `since` when given.
pub async fn for_reader(
    db: &DatabaseConnection,
    discovery: &Discovery,
    user: UserId,
    since: Option<DateTime<Utc>>,
    args: &PageArgs,
) -> Result<Ranked, AppError> {
    let scope = "recommended";
    let positions = Positions::of(args, scope)?;
    let seeds = seeds(db, user).await?;
    let wanted = MAX_RECOMMENDED * 3;
    let mut scores: HashMap<PaperId, f64> =
        match discovery.nearest_to_papers(&seeds.learn, wanted + seeds.exclude.len()) {
            Some(nearest) => nearest
                .into_iter()
                .map(|(id, cosine)| (id, f64::from(cosine)))
                .collect(),
            None => co_upvoted(db, user, &seeds.learn, wanted)
                .await?
                .into_iter()
                .collect(),
        };
    // Co-upvote sums grow with the community; scaled to at most 1 they weigh as cosines do
    // against what the reader follows.
    let top = scores.values().copied().fold(0f64, f64::max);
    if top > 1.0 {
        scores.values_mut().for_each(|s| *s /= top);
    }
    for (paper, weight) in followed(db, user).await? {
        *scores.entry(paper).or_default() += weight;
    }
    scores.retain(|paper, _| !seeds.exclude.contains(paper));
    let ids: Vec<PaperId> = scores.keys().copied().collect();
    let mut rows = papers::find_by_ids(db, &ids).await?;
    if let Some(since) = since {
        rows.retain(|_, row| row.submitted_at > since);
    }
    let mut ranking: Vec<(PaperId, f64, f64)> = rows
        .values()
        .map(|row| {
            (
                row.id,
                scores.get(&row.id).copied().unwrap_or(0.0),
                row.trending_score,
            )
        })
        .collect();
    // Best first; among equals the more trending, then the newer paper.
    ranking.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then(b.0.cmp(&a.0))
    });
    ranking.truncate(MAX_RECOMMENDED);
    let mut ranked: Vec<paper::Model> = ranking
        .iter()
        .filter_map(|(id, _, _)| rows.remove(id))
        .collect();
    if ranked.is_empty() {
        ranked = trending(db, &seeds.exclude, since).await?;
    }
    Ok(paged(ranked, positions, scope))
}

/// The trending list, what the reader upvoted or collected left out: a reader's first page.
async fn trending(
    db: &DatabaseConnection,
    exclude: &HashSet<PaperId>,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<paper::Model>, AppError> {
    let mut select = paper::Entity::find();
    if let Some(since) = since {
        select = select.filter(paper::Column::SubmittedAt.gt(since));
    }
    let limit = MAX_RECOMMENDED as u64 + exclude.len() as u64;
    let rows = select
        .order_by_desc(paper::Column::TrendingScore)
        .order_by_desc(paper::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| !exclude.contains(&row.id))
        .take(MAX_RECOMMENDED)
        .collect())
}

/// The most papers `alsoUpvoted` lists.
pub const MAX_ALSO: usize = 100;

/// "Readers who upvoted this also upvoted": the papers most upvoted by the latest
/// [`CO_VOTERS`] readers of `paper`, most shared first, at most [`MAX_ALSO`] in all; never the
/// paper itself. The first `first` of them.
pub async fn also_upvoted(
    db: &DatabaseConnection,
    paper: PaperId,
    first: u64,
) -> Result<Ranked, AppError> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT other.paper_id AS paper_id, COUNT(*) AS together FROM \
           (SELECT user_id FROM paper_upvotes WHERE paper_id = $1 \
            ORDER BY created_at DESC LIMIT {CO_VOTERS}) AS voters \
         JOIN paper_upvotes other ON other.user_id = voters.user_id AND other.paper_id <> $1 \
         GROUP BY other.paper_id ORDER BY together DESC, other.paper_id DESC LIMIT {MAX_ALSO}"
    );
    let rows = db
        .query_all_raw(db::statement(backend, &sql, [paper.into()]))
        .await?;
    let ids = rows
        .iter()
        .map(|row| row.try_get::<PaperId>("", "paper_id"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut found = papers::find_by_ids(db, &ids).await?;
    let ranked: Vec<paper::Model> = ids.iter().filter_map(|id| found.remove(id)).collect();
    let scope = format!("also-upvoted:{paper}");
    Ok(paged(
        ranked,
        Positions::of(&PageArgs::first(first), &scope)?,
        &scope,
    ))
}

/// A page of a ranked list by position.
fn paged(ranked: Vec<paper::Model>, positions: Positions, scope: &str) -> Ranked {
    let more = positions.more_in(ranked.len());
    let (has_next_page, has_previous_page) = positions.flags(more);
    let items = positions
        .slice(&ranked)
        .into_iter()
        .map(|(at, row)| (Positions::cursor(scope, at), row))
        .collect();
    Ranked {
        page: Page {
            items,
            has_next_page,
            has_previous_page,
        },
        total: ranked.len() as u64,
    }
}
