//! Reading collections. A private collection is visible to its owner only: every query here
//! takes the viewer and applies [`visible_to`], so counts and lists never reveal one.

use std::collections::HashMap;

use entity::{collection, collection_item};
use sea_orm::sea_query::{ColumnRef, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryTrait, Select,
};

use crate::error::AppError;
use crate::ids::{CollectionId, PaperId, UserId};
use crate::services::accounts::users;
use crate::services::pagination::{
    Key, KeyKind, Keyset, Page, PageArgs, ParentId, counts_of, qualified, uncounted,
};

/// Public collections, and the viewer's own private ones.
pub fn visible_to(viewer: Option<UserId>) -> Condition {
    let mut condition = Condition::any().add(collection::Column::IsPrivate.eq(false));
    if let Some(viewer) = viewer {
        condition = condition.add(collection::Column::OwnerId.eq(viewer));
    }
    condition
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionOrder {
    Trending,
    Newest,
    Upvotes,
}

impl CollectionOrder {
    fn keyset(self) -> Keyset<collection::Column> {
        let (scope, key, kind) = match self {
            Self::Trending => (
                "collections:trending",
                collection::Column::TrendingScore,
                KeyKind::Float,
            ),
            Self::Newest => ("collections:newest", collection::Column::Id, KeyKind::None),
            Self::Upvotes => (
                "collections:upvotes",
                collection::Column::UpvoteCount,
                KeyKind::Int,
            ),
        };
        Keyset {
            scope,
            key,
            kind,
            tiebreak: collection::Column::Id,
            descending: true,
        }
    }

    fn key_of(self, row: &collection::Model) -> Key {
        match self {
            Self::Trending => Key::Float(row.trending_score),
            Self::Newest => Key::None,
            Self::Upvotes => Key::Int(i64::from(row.upvote_count)),
        }
    }
}

/// Which collections a list holds.
#[derive(Debug, Clone, Default)]
pub struct CollectionFilter {
    /// Made by the user with this username (matched as sign-in matches it); a name that names
    /// nobody selects nothing.
    pub owner: Option<String>,
    pub containing_paper: Option<PaperId>,
}

impl CollectionFilter {
    fn select(&self, viewer: Option<UserId>) -> Select<collection::Entity> {
        let mut select = collection::Entity::find().filter(visible_to(viewer));
        if let Some(name) = &self.owner {
            select = select.filter(users::named(collection::Column::OwnerId, name));
        }
        if let Some(paper) = self.containing_paper {
            select = select.filter(
                collection::Column::Id.in_subquery(
                    Query::select()
                        .column(collection_item::Column::CollectionId)
                        .from(collection_item::Entity)
                        .and_where(collection_item::Column::PaperId.eq(paper))
                        .to_owned(),
                ),
            );
        }
        select
    }
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &CollectionFilter,
    order: CollectionOrder,
    viewer: Option<UserId>,
    args: &PageArgs,
) -> Result<Page<collection::Model>, AppError> {
    let keyset = order.keyset();
    let rows = keyset.apply(filter.select(viewer), args)?.all(db).await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(order.key_of(row), row.id)
    }))
}

pub async fn count(
    db: &DatabaseConnection,
    filter: &CollectionFilter,
    viewer: Option<UserId>,
) -> Result<u64, AppError> {
    Ok(filter.select(viewer).count(db).await?)
}

/// A collection by slug, if the viewer may see it.
pub async fn find_by_slug(
    db: &DatabaseConnection,
    slug: &str,
    viewer: Option<UserId>,
) -> Result<Option<collection::Model>, AppError> {
    Ok(collection::Entity::find()
        .filter(collection::Column::Slug.eq(slug.trim()))
        .filter(visible_to(viewer))
        .one(db)
        .await?)
}

/// Collections by id, whatever their visibility: callers check [`is_visible`].
pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[CollectionId],
) -> Result<HashMap<CollectionId, collection::Model>, AppError> {
    let rows = collection::Entity::find()
        .filter(collection::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}

pub fn is_visible(collection: &collection::Model, viewer: Option<UserId>) -> bool {
    !collection.is_private || viewer == Some(collection.owner_id)
}

fn items_keyset() -> Keyset<collection_item::Column> {
    Keyset {
        scope: "collection-items",
        key: collection_item::Column::Position,
        kind: KeyKind::Int,
        tiebreak: collection_item::Column::PaperId,
        descending: false,
    }
}

/// The same page of the items of each collection, in their order, in one query.
pub async fn items(
    db: &DatabaseConnection,
    collection_ids: &[CollectionId],
    args: &PageArgs,
) -> Result<HashMap<CollectionId, Page<collection_item::Model>>, AppError> {
    let keyset = items_keyset();
    keyset
        .pages_of(
            db,
            collection_item::Entity::find(),
            qualified(collection_item::Column::CollectionId),
            collection_ids,
            args,
            false,
            |row| keyset.cursor(Key::Int(i64::from(row.position)), row.paper_id),
        )
        .await
        .map(uncounted)
}

/// A list of collections that belongs to a parent, paged for many parents at once; only those
/// the viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectionList {
    /// The collections holding a paper, trending first.
    HoldingPaper,
    /// A user's collections, newest first.
    OwnedBy,
}

impl CollectionList {
    pub fn order(self) -> CollectionOrder {
        match self {
            Self::HoldingPaper => CollectionOrder::Trending,
            Self::OwnedBy => CollectionOrder::Newest,
        }
    }

    /// The collections of every parent's list that the viewer may see, and the column that
    /// names each row's parent.
    fn parts(self, viewer: Option<UserId>) -> (Select<collection::Entity>, ColumnRef) {
        let visible = collection::Entity::find().filter(visible_to(viewer));
        match self {
            Self::HoldingPaper => {
                let mut select = visible;
                QueryTrait::query(&mut select).inner_join(
                    collection_item::Entity,
                    Expr::col((
                        collection_item::Entity,
                        collection_item::Column::CollectionId,
                    ))
                    .equals((collection::Entity, collection::Column::Id)),
                );
                (select, qualified(collection_item::Column::PaperId))
            }
            Self::OwnedBy => (visible, qualified(collection::Column::OwnerId)),
        }
    }
}

/// The same page of the list of each parent (a paper, or a user), in one query.
pub async fn pages<Id: ParentId>(
    db: &DatabaseConnection,
    list: CollectionList,
    viewer: Option<UserId>,
    parents: &[Id],
    args: &PageArgs,
) -> Result<HashMap<Id, Page<collection::Model>>, AppError> {
    let (order, (select, parent)) = (list.order(), list.parts(viewer));
    let keyset = order.keyset();
    let cursor = |row: &collection::Model| keyset.cursor(order.key_of(row), row.id);
    let pages = keyset.pages_of(db, select, parent, parents, args, false, cursor);
    pages.await.map(uncounted)
}

/// How many collections the viewer may see in the list of each parent, in one query.
pub async fn counts<Id: ParentId>(
    db: &DatabaseConnection,
    list: CollectionList,
    viewer: Option<UserId>,
    parents: &[Id],
) -> Result<HashMap<Id, u64>, AppError> {
    let (select, parent) = list.parts(viewer);
    counts_of(db, select, parent, parents).await
}
