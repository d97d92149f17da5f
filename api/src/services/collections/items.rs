//! The items of a collection: papers in an order the owner chooses, each with an optional note.
//! Positions stay dense (0, 1, 2, …) after every insertion, move and removal; writes to one
//! collection's items run one at a time under a lock on the collection row.

use entity::{collection, collection_item, paper, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{CollectionId, PaperId};
use crate::services::Services;
use crate::services::collections::write::{check_owner, owned};
use crate::services::input::Text;
use crate::services::notifications::followed;

pub const MAX_NOTE_CHARS: usize = 500;
/// The owner's note on an item.
pub type Note = Text<MAX_NOTE_CHARS>;
/// Most papers in one collection.
pub const MAX_ITEMS: u64 = 1_000;

/// One paper's place in one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub collection: CollectionId,
    pub paper: PaperId,
}

/// What to set on an item, parsed: a note (`Some(None)` clears it; `None` leaves it) and a
/// position from 0 (clamped to the end).
#[derive(Debug, Clone, Default)]
pub struct ItemChange {
    note: Option<Option<Note>>,
    position: Option<i32>,
}

impl ItemChange {
    pub fn parse(note: Option<String>, position: Option<i32>) -> Result<Self, AppError> {
        let note = Note::parse_change(note, "note")?;
        if position.is_some_and(|p| p < 0) {
            return Err(AppError::bad_input("position", "a position is 0 or more"));
        }
        Ok(Self { note, position })
    }
}

/// Runs `change` on the caller's collection in one locked write transaction (retried on a
/// conflict), moves its item count by `added` and its `updated_at`, tells subscribers, then
/// answers the collection as it is afterwards.
async fn change_items<F, Fut>(
    services: &Services,
    caller: &Caller,
    collection: CollectionId,
    added: i32,
    change: F,
) -> Result<collection::Model, AppError>
where
    F: Fn(sea_orm::DatabaseTransaction) -> Fut,
    Fut: std::future::Future<Output = Result<sea_orm::DatabaseTransaction, AppError>>,
{
    let (db, user) = (&services.db, caller.signed_in()?);
    db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        lock_owned(&txn, user, collection).await?;
        let txn = change(txn).await?;
        collection::Entity::update_many()
            .col_expr(
                collection::Column::ItemCount,
                Expr::col(collection::Column::ItemCount).add(added),
            )
            .col_expr(
                collection::Column::UpdatedAt,
                Expr::value(crate::services::now()),
            )
            .filter(collection::Column::Id.eq(collection))
            .exec(&txn)
            .await?;
        Ok(txn.commit().await?)
    })
    .await?;
    super::updated(services, owned(db, user, collection).await?).await
}

/// Where an item waits while others shift around it: below every position a shift passes
/// through.
const PARKED: i32 = i32::MIN;

/// Moves the items at positions `at_or_after..before` (or `at_or_after..`) of a collection by
/// `step`. Positions are unique in the database, which checks each row as it is updated: the
/// items go to distinct negative positions first, then to their places, so no two rows ever
/// share a position in between.
async fn shift<C: ConnectionTrait>(
    txn: &C,
    collection_id: CollectionId,
    at_or_after: i32,
    before: Option<i32>,
    step: i32,
) -> Result<(), AppError> {
    let position = || Expr::col(collection_item::Column::Position);
    let mut out = collection_item::Entity::update_many()
        .col_expr(
            collection_item::Column::Position,
            Expr::value(-1).sub(position().add(step)),
        )
        .filter(collection_item::Column::CollectionId.eq(collection_id))
        .filter(collection_item::Column::Position.gte(at_or_after));
    if let Some(before) = before {
        out = out.filter(collection_item::Column::Position.lt(before));
    }
    out.exec(txn).await?;
    collection_item::Entity::update_many()
        .col_expr(
            collection_item::Column::Position,
            Expr::value(-1).sub(position()),
        )
        .filter(collection_item::Column::CollectionId.eq(collection_id))
        .filter(collection_item::Column::Position.lt(0))
        .filter(collection_item::Column::Position.gt(PARKED))
        .exec(txn)
        .await?;
    Ok(())
}

/// The user's collection, locked until the transaction ends: writes to the items of one
/// collection run one at a time (PostgreSQL; SQLite's write transactions are serialised whole).
async fn lock_owned<C: ConnectionTrait>(
    txn: &C,
    user: &user::Model,
    id: CollectionId,
) -> Result<collection::Model, AppError> {
    let row = collection::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?;
    check_owner(row, user)
}

async fn item_count<C: ConnectionTrait>(
    txn: &C,
    collection_id: CollectionId,
) -> Result<u64, AppError> {
    Ok(collection_item::Entity::find()
        .filter(collection_item::Column::CollectionId.eq(collection_id))
        .count(txn)
        .await?)
}

/// Adds a paper at the change's position (clamped; the end when absent), shifting later items
/// down; a paper already in the collection is `CONFLICT`.
pub async fn add_item(
    services: &Services,
    caller: &Caller,
    Item { collection, paper }: Item,
    change: ItemChange,
) -> Result<collection::Model, AppError> {
    let note = &change.note.flatten().map(String::from);
    let position = change.position;
    let owner = caller.signed_in()?.id;
    let started = crate::services::now();
    let row = change_items(services, caller, collection, 1, |txn| async move {
        if paper::Entity::find_by_id(paper).one(&txn).await?.is_none() {
            return Err(AppError::NotFound("no such paper".into()));
        }
        if collection_item::Entity::find_by_id((collection, paper))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(
                "the paper is in the collection already".into(),
            ));
        }
        let count = item_count(&txn, collection).await?;
        if count >= MAX_ITEMS {
            return Err(AppError::bad_input(
                "collectionId",
                format!("a collection holds at most {MAX_ITEMS} papers"),
            ));
        }
        let end = i32::try_from(count).unwrap_or(i32::MAX);
        let at = position.map_or(end, |p| Ord::min(p, end));
        shift(&txn, collection, at, None, 1).await?;
        collection_item::ActiveModel {
            collection_id: Set(collection),
            paper_id: Set(paper),
            position: Set(at),
            note: Set(note.clone()),
            added_at: Set(crate::services::now()),
        }
        .insert(&txn)
        .await?;
        followed::collected(&txn, paper, collection, owner, started).await?;
        Ok(txn)
    })
    .await?;
    followed::announce(services, paper, started).await;
    Ok(row)
}

/// Changes an item's note (an empty one clears it) and/or moves it to the change's position
/// (clamped).
pub async fn update_item(
    services: &Services,
    caller: &Caller,
    Item { collection, paper }: Item,
    change: ItemChange,
) -> Result<collection::Model, AppError> {
    let change = &change;
    change_items(services, caller, collection, 0, |txn| async move {
        let row = item_of(&txn, collection, paper).await?;
        let from = row.position;
        let mut updated: collection_item::ActiveModel = row.into();
        if let Some(note) = change.note.clone() {
            updated.note = Set(note.map(String::from));
        }
        if let Some(target) = change.position {
            let count = item_count(&txn, collection).await?;
            let last = i32::try_from(count).unwrap_or(i32::MAX) - 1;
            let target = Ord::min(target, last);
            if target != from {
                park(&txn, collection, paper).await?;
                if target < from {
                    shift(&txn, collection, target, Some(from), 1).await?;
                } else {
                    shift(&txn, collection, from + 1, Some(target + 1), -1).await?;
                }
            }
            updated.position = Set(target);
        }
        updated.update(&txn).await?;
        Ok(txn)
    })
    .await
}

/// Takes a paper out of the collection, closing the gap.
pub async fn remove_item(
    services: &Services,
    caller: &Caller,
    Item { collection, paper }: Item,
) -> Result<collection::Model, AppError> {
    change_items(services, caller, collection, -1, |txn| async move {
        let row = item_of(&txn, collection, paper).await?;
        collection_item::Entity::delete_by_id((collection, paper))
            .exec(&txn)
            .await?;
        shift(&txn, collection, row.position + 1, None, -1).await?;
        Ok(txn)
    })
    .await
}
/// An item of a collection, or `NOT_FOUND`.
async fn item_of<C: ConnectionTrait>(
    txn: &C,
    collection_id: CollectionId,
    paper_id: PaperId,
) -> Result<collection_item::Model, AppError> {
    collection_item::Entity::find_by_id((collection_id, paper_id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::NotFound("the paper is not in the collection".into()))
}

/// Takes an item out of the order while the others shift.
async fn park<C: ConnectionTrait>(
    txn: &C,
    collection_id: CollectionId,
    paper_id: PaperId,
) -> Result<(), AppError> {
    collection_item::Entity::update_many()
        .col_expr(collection_item::Column::Position, Expr::value(PARKED))
        .filter(collection_item::Column::CollectionId.eq(collection_id))
        .filter(collection_item::Column::PaperId.eq(paper_id))
        .exec(txn)
        .await?;
    Ok(())
}
