//! Upvotes on papers, comments and collections. A vote row is inserted with ON CONFLICT DO
//! NOTHING (deleted for a removal) and the counter moves in the same transaction only when a
//! row was inserted (deleted), so counters equal rows always, also under concurrent votes; a
//! repeated vote is no error and changes nothing.

use entity::{collection, collection_upvote, comment, comment_upvote, paper, paper_upvote};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QuerySelect};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::collections;
use crate::services::papers::trending;

/// What can be upvoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Paper,
    Comment,
    Collection,
}

/// Whether the viewer may vote on the target: it exists and they can see it (another user's
/// private collection answers as if it did not exist), and a comment being upvoted still
/// stands (not deleted, not hidden). A comment is read locked until the transaction ends, so a
/// delete cannot slip in between the check and the vote.
async fn ensure_votable(
    txn: &DatabaseTransaction,
    target: Target,
    id: i64,
    user_id: i64,
    up: bool,
) -> Result<(), AppError> {
    let found = match target {
        Target::Paper => paper::Entity::find_by_id(id).one(txn).await?.is_some(),
        Target::Comment => {
            let row = comment::Entity::find_by_id(id)
                .lock_exclusive()
                .one(txn)
                .await?;
            if up
                && row
                    .as_ref()
                    .is_some_and(|c| c.deleted_at.is_some() || c.hidden_at.is_some())
            {
                return Err(AppError::bad_input(
                    "commentId",
                    "the comment was removed: it cannot be upvoted",
                ));
            }
            row.is_some()
        }
        Target::Collection => collection::Entity::find_by_id(id)
            .one(txn)
            .await?
            .is_some_and(|c| collections::is_visible(&c, Some(user_id))),
    };
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound(
            format!("no such {target:?}").to_lowercase(),
        ))
    }
}

/// Casts (`up`) or withdraws the user's vote; idempotent either way.
pub async fn vote(
    db: &DatabaseConnection,
    target: Target,
    id: i64,
    caller: &Caller,
    up: bool,
) -> Result<(), AppError> {
    let user_id = caller.signed_in()?.id;
    db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        ensure_votable(&txn, target, id, user_id, up).await?;
        record(&txn, target, id, user_id, up).await?;
        txn.commit().await?;
        Ok(())
    })
    .await
}

/// Inserts (deletes) the vote row and moves the counter only when a row changed.
async fn record(
    txn: &DatabaseTransaction,
    target: Target,
    id: i64,
    user_id: i64,
    up: bool,
) -> Result<(), AppError> {
    let changed = match target {
        Target::Paper => {
            let row = (paper_upvote::Column::UserId, paper_upvote::Column::PaperId);
            let created = paper_upvote::Column::CreatedAt;
            toggle(txn, paper_upvote::Entity, row, created, (user_id, id), up).await?
        }
        Target::Comment => {
            let row = (
                comment_upvote::Column::UserId,
                comment_upvote::Column::CommentId,
            );
            let created = comment_upvote::Column::CreatedAt;
            toggle(txn, comment_upvote::Entity, row, created, (user_id, id), up).await?
        }
        Target::Collection => {
            let row = (
                collection_upvote::Column::UserId,
                collection_upvote::Column::CollectionId,
            );
            let created = collection_upvote::Column::CreatedAt;
            toggle(
                txn,
                collection_upvote::Entity,
                row,
                created,
                (user_id, id),
                up,
            )
            .await?
        }
    };
    if !changed {
        return Ok(());
    }
    let step = if up { 1 } else { -1 };
    match target {
        Target::Paper => {
            count(
                txn,
                paper::Entity,
                paper::Column::UpvoteCount,
                paper::Column::Id,
                id,
                step,
            )
            .await?;
            trending::refresh_paper(txn, id).await?;
        }
        Target::Comment => {
            let upvotes = comment::Column::UpvoteCount;
            count(txn, comment::Entity, upvotes, comment::Column::Id, id, step).await?;
        }
        Target::Collection => {
            let upvotes = collection::Column::UpvoteCount;
            count(
                txn,
                collection::Entity,
                upvotes,
                collection::Column::Id,
                id,
                step,
            )
            .await?;
        }
    }
    Ok(())
}

/// Inserts the vote row `(user, target)` (ON CONFLICT DO NOTHING) or deletes it; whether a row
/// changed.
async fn toggle<E: EntityTrait>(
    txn: &DatabaseTransaction,
    votes: E,
    (user_column, target_column): (E::Column, E::Column),
    created_at: E::Column,
    (user_id, id): (i64, i64),
    up: bool,
) -> Result<bool, AppError> {
    let changed = if up {
        let insert = Query::insert()
            .into_table(votes)
            .columns([user_column, target_column, created_at])
            .values([user_id.into(), id.into(), crate::services::now().into()])
            .map_err(|e| AppError::Internal(e.to_string()))?
            .on_conflict(
                OnConflict::columns([user_column, target_column])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        txn.execute(&insert).await?.rows_affected()
    } else {
        let delete = Query::delete()
            .from_table(votes)
            .and_where(Expr::col(user_column).eq(user_id))
            .and_where(Expr::col(target_column).eq(id))
            .to_owned();
        txn.execute(&delete).await?.rows_affected()
    };
    Ok(changed == 1)
}

/// Moves a target's `upvote_count` by `step`.
async fn count<E: EntityTrait>(
    txn: &DatabaseTransaction,
    table: E,
    counter: E::Column,
    id_column: E::Column,
    id: i64,
    step: i32,
) -> Result<(), AppError> {
    let update = Query::update()
        .table(table)
        .value(counter, Expr::col(counter).add(step))
        .and_where(Expr::col(id_column).eq(id))
        .to_owned();
    txn.execute(&update).await?;
    Ok(())
}
