//! Topics: arXiv's categories (`cs.CL`), which papers are filed under (primary first) and readers
//! follow. The list of topics is arXiv's own ([`migration::arxiv_categories`]), written into
//! `topics` by its migration; a slug outside it is refused before any statement runs.

use std::collections::HashMap;

use entity::{paper_topic, topic};
use migration::arxiv_categories;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::error::AppError;
use crate::ids::{PaperId, TopicId};
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};

/// Most topics one paper is filed under (arXiv's own entries list a handful).
pub const MAX_TOPICS: usize = 10;

/// Whether arXiv lists the category.
pub fn is_known(slug: &str) -> bool {
    arxiv_categories::title_of(slug).is_some()
}

/// Checks a slug a request names (a filter's, a follow's); an unknown one is `BAD_USER_INPUT`
/// on `field`.
pub fn check(slug: &str, field: &str) -> Result<String, AppError> {
    if is_known(slug) {
        Ok(slug.to_owned())
    } else {
        Err(AppError::bad_input(
            field,
            format!("{slug:?} is not an arXiv category (e.g. `cs.CL`)"),
        ))
    }
}

/// Checks the topics a submission names: known slugs, at most [`MAX_TOPICS`], repeats dropped,
/// order kept (the first is the primary one).
pub fn parse_list(slugs: &[String], field: &str) -> Result<Vec<String>, AppError> {
    let mut topics: Vec<String> = Vec::new();
    for slug in slugs {
        let slug = check(slug.trim(), field)?;
        if !topics.contains(&slug) {
            topics.push(slug);
        }
    }
    if topics.len() > MAX_TOPICS {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_TOPICS} topics"),
        ));
    }
    Ok(topics)
}

/// The known categories among what an import names, primary first, repeats dropped, at most
/// [`MAX_TOPICS`]; unknown ones (retired or mistyped codes) are left out, not refused.
pub fn known_among<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut topics: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        if is_known(name) && !topics.iter().any(|t| t == name) && topics.len() < MAX_TOPICS {
            topics.push(name.to_owned());
        }
    }
    topics
}

/// Files a new paper under its topics (known slugs, primary first) and counts it in each, in
/// the caller's transaction.
pub async fn file<C: ConnectionTrait>(
    txn: &C,
    paper: PaperId,
    slugs: &[String],
) -> Result<(), AppError> {
    if slugs.is_empty() {
        return Ok(());
    }
    let ids: HashMap<String, TopicId> = topic::Entity::find()
        .filter(topic::Column::Slug.is_in(slugs.iter().cloned()))
        .all(txn)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.id))
        .collect();
    let rows: Vec<paper_topic::ActiveModel> = slugs
        .iter()
        .filter_map(|slug| ids.get(slug))
        .enumerate()
        .filter_map(|(position, topic_id)| {
            Some(paper_topic::ActiveModel {
                paper_id: sea_orm::Set(paper),
                topic_id: sea_orm::Set(*topic_id),
                position: sea_orm::Set(i32::try_from(position).ok()?),
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    paper_topic::Entity::insert_many(rows).exec(txn).await?;
    let update = Query::update()
        .table(topic::Entity)
        .value(
            topic::Column::PaperCount,
            Expr::col(topic::Column::PaperCount).add(1),
        )
        .and_where(topic::Column::Id.is_in(ids.values().copied()))
        .to_owned();
    txn.execute(&update).await?;
    Ok(())
}

/// A topic by slug; `None` for an unknown one.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<topic::Model>, AppError> {
    if !is_known(slug) {
        return Ok(None);
    }
    Ok(topic::Entity::find()
        .filter(topic::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Topics by id, for the loaders.
pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[TopicId],
) -> Result<HashMap<TopicId, topic::Model>, AppError> {
    Ok(topic::Entity::find()
        .filter(topic::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect())
}

/// The topics of each paper, primary first, in one statement.
pub async fn topics_of(
    db: &DatabaseConnection,
    papers: &[PaperId],
) -> Result<HashMap<PaperId, Vec<topic::Model>>, AppError> {
    let links = paper_topic::Entity::find()
        .filter(paper_topic::Column::PaperId.is_in(papers.iter().copied()))
        .order_by_asc(paper_topic::Column::PaperId)
        .order_by_asc(paper_topic::Column::Position)
        .find_also_related(topic::Entity)
        .all(db)
        .await?;
    let mut of: HashMap<PaperId, Vec<topic::Model>> =
        papers.iter().map(|p| (*p, Vec::new())).collect();
    for (link, topic) in links {
        if let Some(topic) = topic {
            of.entry(link.paper_id).or_default().push(topic);
        }
    }
    Ok(of)
}

/// How a list of topics is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicOrder {
    /// Most papers first.
    Papers,
    /// Most followers first.
    Followers,
    /// By name, A to Z.
    Name,
}

impl TopicOrder {
    fn keyset(self) -> Keyset<topic::Column> {
        let (scope, key, kind, descending) = match self {
            Self::Papers => (
                "topics:papers",
                topic::Column::PaperCount,
                KeyKind::Int,
                true,
            ),
            Self::Followers => (
                "topics:followers",
                topic::Column::FollowerCount,
                KeyKind::Int,
                true,
            ),
            Self::Name => ("topics:name", topic::Column::Name, KeyKind::Text, false),
        };
        Keyset {
            scope,
            key,
            kind,
            tiebreak: topic::Column::Id,
            descending,
        }
    }

    fn key_of(self, row: &topic::Model) -> Key {
        match self {
            Self::Papers => Key::Int(i64::from(row.paper_count)),
            Self::Followers => Key::Int(i64::from(row.follower_count)),
            Self::Name => Key::Text(row.name.clone()),
        }
    }
}

/// A page of every topic in an order.
pub async fn list(
    db: &DatabaseConnection,
    order: TopicOrder,
    args: &PageArgs,
) -> Result<Page<topic::Model>, AppError> {
    let keyset = order.keyset();
    let rows = keyset.apply(topic::Entity::find(), args)?.all(db).await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(order.key_of(row), row.id)
    }))
}

/// How many topics there are.
pub async fn count(db: &DatabaseConnection) -> Result<u64, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(topic::Entity::find().count(db).await?)
}
