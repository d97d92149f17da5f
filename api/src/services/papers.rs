//! Reading papers: by id, by arXiv id, as ordered pages, and their authors.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{author, paper, paper_author};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Value,
};

use crate::error::AppError;
use crate::services::arxiv::ArxivId;
use crate::services::pagination::{Direction, Page, PageArgs, decode_cursor, encode_cursor};

/// The orders of a paper list. Each ends in the paper id (newest first) as its tie-breaker, so
/// that paging never skips or repeats a paper when scores tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperOrder {
    /// Highest trending score first.
    Trending,
    /// Most upvotes first.
    Upvotes,
    /// Latest to enter the feed first.
    SubmittedAt,
    /// Latest arXiv publication first; papers without a date last.
    PublishedAt,
}

impl PaperOrder {
    fn scope(self) -> &'static str {
        match self {
            Self::Trending => "papers:trending",
            Self::Upvotes => "papers:upvotes",
            Self::SubmittedAt => "papers:submitted",
            Self::PublishedAt => "papers:published",
        }
    }

    fn column(self) -> paper::Column {
        match self {
            Self::Trending => paper::Column::TrendingScore,
            Self::Upvotes => paper::Column::UpvoteCount,
            Self::SubmittedAt => paper::Column::SubmittedAt,
            Self::PublishedAt => paper::Column::PublishedAt,
        }
    }

    /// The sort key of a row, as stored in its cursor (`""` for a missing date).
    fn key_of(self, row: &paper::Model) -> String {
        match self {
            Self::Trending => row.trending_score.to_string(),
            Self::Upvotes => row.upvote_count.to_string(),
            Self::SubmittedAt => row.submitted_at.timestamp_micros().to_string(),
            Self::PublishedAt => row
                .published_at
                .map(|t| t.timestamp_micros().to_string())
                .unwrap_or_default(),
        }
    }

    /// Parses a cursor's sort key back into a database value (`None` for a missing date).
    fn parse_key(self, key: &str) -> Option<Option<Value>> {
        let micros = |k: &str| {
            k.parse::<i64>()
                .ok()
                .and_then(DateTime::<Utc>::from_timestamp_micros)
                .map(Value::from)
        };
        match self {
            Self::Trending => key
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| Some(v.into())),
            Self::Upvotes => key.parse::<i32>().ok().map(|v| Some(v.into())),
            Self::SubmittedAt => micros(key).map(Some),
            Self::PublishedAt if key.is_empty() => Some(None),
            Self::PublishedAt => micros(key).map(Some),
        }
    }
}

pub async fn find_by_id(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<paper::Model>, AppError> {
    Ok(paper::Entity::find_by_id(id).one(db).await?)
}

/// Finds a paper by arXiv id; a versioned id finds its paper, a malformed one finds nothing.
pub async fn find_by_arxiv_id(
    db: &DatabaseConnection,
    arxiv_id: &str,
) -> Result<Option<paper::Model>, AppError> {
    let Some(id) = ArxivId::parse(arxiv_id) else {
        return Ok(None);
    };
    Ok(paper::Entity::find()
        .filter(paper::Column::ArxivId.eq(id.as_str()))
        .one(db)
        .await?)
}

/// Papers by id, for the DataLoader and `nodes`.
pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, paper::Model>, AppError> {
    let rows = paper::Entity::find()
        .filter(paper::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

/// One page of all papers in the given order.
pub async fn list(
    db: &DatabaseConnection,
    order: PaperOrder,
    args: &PageArgs,
) -> Result<Page<paper::Model>, AppError> {
    let forward = args.direction == Direction::Forward;
    let mut query = paper::Entity::find();
    if let Some(cursor) = &args.cursor {
        let (key, id) = decode_cursor(cursor, order.scope(), args.cursor_field())?;
        let key = order.parse_key(&key).ok_or_else(|| {
            AppError::bad_input(args.cursor_field(), "not a valid cursor for this list")
        })?;
        query = query.filter(keyset_condition(order, key, id, forward));
    }
    // The list runs newest/highest first; a backward page reads the other way and is turned
    // round in `Page::from_rows`.
    let (main, ties) = if forward {
        (Order::Desc, Order::Desc)
    } else {
        (Order::Asc, Order::Asc)
    };
    if order == PaperOrder::PublishedAt {
        let nulls = if forward { Order::Asc } else { Order::Desc };
        query = query.order_by(Expr::col(paper::Column::PublishedAt).is_null(), nulls);
    }
    let rows = query
        .order_by(order.column(), main)
        .order_by(paper::Column::Id, ties)
        .limit(args.size + 1)
        .all(db)
        .await?;
    Ok(Page::from_rows(args, rows, |row| {
        encode_cursor(order.scope(), &order.key_of(row), row.id)
    }))
}

/// The rows strictly beyond the cursor `(key, id)` in the page's direction. For publication
/// dates, rows without a date sort after every dated row.
fn keyset_condition(order: PaperOrder, key: Option<Value>, id: i64, forward: bool) -> Condition {
    let column = order.column();
    let beyond = |key: Value| {
        let (past_key, past_id) = if forward {
            (column.lt(key.clone()), paper::Column::Id.lt(id))
        } else {
            (column.gt(key.clone()), paper::Column::Id.gt(id))
        };
        Condition::any()
            .add(past_key)
            .add(Condition::all().add(column.eq(key)).add(past_id))
    };
    match (key, forward) {
        (Some(key), true) if order == PaperOrder::PublishedAt => {
            Condition::any().add(beyond(key)).add(column.is_null())
        }
        (Some(key), false) if order == PaperOrder::PublishedAt => {
            Condition::all().add(column.is_not_null()).add(beyond(key))
        }
        (Some(key), _) => beyond(key),
        (None, true) => Condition::all()
            .add(column.is_null())
            .add(paper::Column::Id.lt(id)),
        (None, false) => Condition::any().add(column.is_not_null()).add(
            Condition::all()
                .add(column.is_null())
                .add(paper::Column::Id.gt(id)),
        ),
    }
}

/// The number of papers.
pub async fn count(db: &DatabaseConnection) -> Result<u64, AppError> {
    Ok(paper::Entity::find().count(db).await?)
}

/// An entry of a paper's ordered author list.
#[derive(Debug, Clone)]
pub struct PaperAuthorEntry {
    pub position: i32,
    pub author: author::Model,
}

/// The ordered authors of each of the given papers, in one query.
pub async fn authors_of(
    db: &DatabaseConnection,
    paper_ids: &[i64],
) -> Result<HashMap<i64, Vec<PaperAuthorEntry>>, AppError> {
    let rows = paper_author::Entity::find()
        .filter(paper_author::Column::PaperId.is_in(paper_ids.iter().copied()))
        .order_by_asc(paper_author::Column::PaperId)
        .order_by_asc(paper_author::Column::Position)
        .find_also_related(author::Entity)
        .all(db)
        .await?;
    let mut by_paper: HashMap<i64, Vec<PaperAuthorEntry>> = HashMap::new();
    for (link, author) in rows {
        if let Some(author) = author {
            by_paper
                .entry(link.paper_id)
                .or_default()
                .push(PaperAuthorEntry {
                    position: link.position,
                    author,
                });
        }
    }
    Ok(by_paper)
}

/// Authors by id, for `node` and the Author loader.
pub async fn authors_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, author::Model>, AppError> {
    let rows = author::Entity::find()
        .filter(author::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}
