//! Writing collections: create, rename, delete, and their items, whose positions stay dense
//! (0, 1, 2, …) after every insertion, move and removal. Only the owner writes: another user
//! gets `FORBIDDEN` on a public collection and `NOT_FOUND` on a private one.

use entity::{collection, collection_item, paper, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::input;

pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;
pub const MAX_NOTE_CHARS: usize = 500;
/// Most papers in one collection.
pub const MAX_ITEMS: u64 = 1_000;

/// `owner/title-words-<id>`: readable, unique through the id, fixed at creation so links
/// survive renames.
fn slug(owner: &str, title: &str, id: i64) -> String {
    let words: Vec<String> = title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        format!("{owner}/collection-{id}")
    } else {
        format!("{owner}/{}-{id}", words.join("-"))
    }
}

/// The collection if the user owns it.
async fn owned<C: ConnectionTrait>(
    db: &C,
    user: &user::Model,
    id: i64,
) -> Result<collection::Model, AppError> {
    check_owner(collection::Entity::find_by_id(id).one(db).await?, user)
}

fn check_owner(
    row: Option<collection::Model>,
    user: &user::Model,
) -> Result<collection::Model, AppError> {
    match row {
        Some(c) if c.owner_id == user.id => Ok(c),
        Some(c) if !c.is_private => Err(AppError::Forbidden(
            "only its owner changes a collection".into(),
        )),
        _ => Err(AppError::NotFound("no such collection".into())),
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    title: &str,
    description: Option<String>,
    is_private: bool,
) -> Result<collection::Model, AppError> {
    let owner = caller.signed_in()?;
    let title = input::required(title, "title", MAX_TITLE_CHARS)?;
    let description = input::optional(description, "description", MAX_DESCRIPTION_CHARS)?;
    let now = crate::services::now();
    let txn = db::begin_write(db).await?;
    let row = collection::ActiveModel {
        slug: Set(format!("pending-{}", uuid::Uuid::new_v4())),
        owner_id: Set(owner.id),
        title: Set(title.clone()),
        description: Set(description),
        is_private: Set(is_private),
        created_at: Set(now),
        updated_at: Set(now),
        upvote_count: Set(0),
        item_count: Set(0),
        trending_score: Set(crate::services::papers::trending::score(0, now, now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut named: collection::ActiveModel = row.clone().into();
    named.slug = Set(slug(&owner.username, &title, row.id));
    let row = named.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    title: Option<String>,
    description: Option<String>,
    is_private: Option<bool>,
) -> Result<collection::Model, AppError> {
    let user = caller.signed_in()?;
    let title = title
        .map(|t| input::required(&t, "title", MAX_TITLE_CHARS))
        .transpose()?;
    let description = description
        .map(|d| input::optional(Some(d), "description", MAX_DESCRIPTION_CHARS))
        .transpose()?;
    let row = owned(db, user, id).await?;
    let mut change: collection::ActiveModel = row.into();
    if let Some(title) = title {
        change.title = Set(title);
    }
    if let Some(description) = description {
        change.description = Set(description);
    }
    if let Some(is_private) = is_private {
        change.is_private = Set(is_private);
    }
    change.updated_at = Set(crate::services::now());
    Ok(change.update(db).await?)
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<bool, AppError> {
    let user = caller.signed_in()?;
    let row = owned(db, user, id).await?;
    collection::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(true)
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
    collection_id: i64,
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
    id: i64,
) -> Result<collection::Model, AppError> {
    let row = collection::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?;
    check_owner(row, user)
}

async fn item_count<C: ConnectionTrait>(txn: &C, collection_id: i64) -> Result<u64, AppError> {
    Ok(collection_item::Entity::find()
        .filter(collection_item::Column::CollectionId.eq(collection_id))
        .count(txn)
        .await?)
}

async fn touch<C: ConnectionTrait>(
    txn: &C,
    collection_id: i64,
    items: i32,
) -> Result<(), AppError> {
    collection::Entity::update_many()
        .col_expr(
            collection::Column::ItemCount,
            Expr::col(collection::Column::ItemCount).add(items),
        )
        .col_expr(
            collection::Column::UpdatedAt,
            Expr::value(crate::services::now()),
        )
        .filter(collection::Column::Id.eq(collection_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Adds a paper at `position` (clamped; the end when absent), shifting later items down.
pub async fn add_item(
    db: &DatabaseConnection,
    caller: &Caller,
    collection_id: i64,
    paper_id: i64,
    note: Option<String>,
    position: Option<i32>,
) -> Result<collection::Model, AppError> {
    let user = caller.signed_in()?;
    let note = input::optional(note, "note", MAX_NOTE_CHARS)?;
    if position.is_some_and(|p| p < 0) {
        return Err(AppError::bad_input("position", "a position is 0 or more"));
    }
    db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        lock_owned(&txn, user, collection_id).await?;
        if paper::Entity::find_by_id(paper_id)
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound("no such paper".into()));
        }
        if collection_item::Entity::find_by_id((collection_id, paper_id))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(
                "the paper is in the collection already".into(),
            ));
        }
        let count = item_count(&txn, collection_id).await?;
        if count >= MAX_ITEMS {
            return Err(AppError::bad_input(
                "collectionId",
                format!("a collection holds at most {MAX_ITEMS} papers"),
            ));
        }
        let end = i32::try_from(count).unwrap_or(i32::MAX);
        let at = position.map_or(end, |p| Ord::min(p, end));
        shift(&txn, collection_id, at, None, 1).await?;
        collection_item::ActiveModel {
            collection_id: Set(collection_id),
            paper_id: Set(paper_id),
            position: Set(at),
            note: Set(note.clone()),
            added_at: Set(crate::services::now()),
        }
        .insert(&txn)
        .await?;
        touch(&txn, collection_id, 1).await?;
        Ok(txn.commit().await?)
    })
    .await?;
    owned(db, user, collection_id).await
}

/// Changes an item's note (an empty one clears it) and/or moves it to `position` (clamped).
pub async fn update_item(
    db: &DatabaseConnection,
    caller: &Caller,
    collection_id: i64,
    paper_id: i64,
    note: Option<String>,
    position: Option<i32>,
) -> Result<collection::Model, AppError> {
    let user = caller.signed_in()?;
    let note = note
        .map(|n| input::optional(Some(n), "note", MAX_NOTE_CHARS))
        .transpose()?;
    if position.is_some_and(|p| p < 0) {
        return Err(AppError::bad_input("position", "a position is 0 or more"));
    }
    db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        lock_owned(&txn, user, collection_id).await?;
        let item = item_of(&txn, collection_id, paper_id).await?;
        let mut change: collection_item::ActiveModel = item.clone().into();
        if let Some(note) = note.clone() {
            change.note = Set(note);
        }
        if let Some(target) = position {
            let count = item_count(&txn, collection_id).await?;
            let last = i32::try_from(count).unwrap_or(i32::MAX) - 1;
            let target = Ord::min(target, last);
            let from = item.position;
            if target != from {
                park(&txn, collection_id, paper_id).await?;
                if target < from {
                    shift(&txn, collection_id, target, Some(from), 1).await?;
                } else {
                    shift(&txn, collection_id, from + 1, Some(target + 1), -1).await?;
                }
            }
            change.position = Set(target);
        }
        change.update(&txn).await?;
        touch(&txn, collection_id, 0).await?;
        Ok(txn.commit().await?)
    })
    .await?;
    owned(db, user, collection_id).await
}

/// An item of a collection, or `NOT_FOUND`.
async fn item_of<C: ConnectionTrait>(
    txn: &C,
    collection_id: i64,
    paper_id: i64,
) -> Result<collection_item::Model, AppError> {
    collection_item::Entity::find_by_id((collection_id, paper_id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::NotFound("the paper is not in the collection".into()))
}

/// Takes an item out of the order while the others shift.
async fn park<C: ConnectionTrait>(
    txn: &C,
    collection_id: i64,
    paper_id: i64,
) -> Result<(), AppError> {
    collection_item::Entity::update_many()
        .col_expr(collection_item::Column::Position, Expr::value(PARKED))
        .filter(collection_item::Column::CollectionId.eq(collection_id))
        .filter(collection_item::Column::PaperId.eq(paper_id))
        .exec(txn)
        .await?;
    Ok(())
}

pub async fn remove_item(
    db: &DatabaseConnection,
    caller: &Caller,
    collection_id: i64,
    paper_id: i64,
) -> Result<collection::Model, AppError> {
    let user = caller.signed_in()?;
    db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        lock_owned(&txn, user, collection_id).await?;
        let item = item_of(&txn, collection_id, paper_id).await?;
        collection_item::Entity::delete_by_id((collection_id, paper_id))
            .exec(&txn)
            .await?;
        shift(&txn, collection_id, item.position + 1, None, -1).await?;
        touch(&txn, collection_id, -1).await?;
        Ok(txn.commit().await?)
    })
    .await?;
    owned(db, user, collection_id).await
}
