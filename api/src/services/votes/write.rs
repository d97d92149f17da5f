//! Upvotes on papers, comments and collections. A vote row is inserted with ON CONFLICT DO
//! NOTHING (deleted for a removal) and the counter moves in the same transaction only when a
//! row was inserted (deleted), so counters equal rows always, also under concurrent votes; a
//! repeated vote is no error and changes nothing.

use entity::{collection, comment, paper};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QuerySelect};

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

impl Target {
    /// (vote table, its target column, the target's table)
    fn tables(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Paper => ("paper_upvotes", "paper_id", "papers"),
            Self::Comment => ("comment_upvotes", "comment_id", "comments"),
            Self::Collection => ("collection_upvotes", "collection_id", "collections"),
        }
    }
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
    user_id: i64,
    up: bool,
) -> Result<(), AppError> {
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
    let (votes, target_column, table) = target.tables();
    let changed = if up {
        let insert = Query::insert()
            .into_table(Alias::new(votes))
            .columns([
                Alias::new("user_id"),
                Alias::new(target_column),
                Alias::new("created_at"),
            ])
            .values([user_id.into(), id.into(), crate::services::now().into()])
            .map_err(|e| AppError::Internal(e.to_string()))?
            .on_conflict(
                OnConflict::columns([Alias::new("user_id"), Alias::new(target_column)])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        txn.execute(&insert).await?.rows_affected()
    } else {
        let delete = Query::delete()
            .from_table(Alias::new(votes))
            .and_where(Expr::col(Alias::new("user_id")).eq(user_id))
            .and_where(Expr::col(Alias::new(target_column)).eq(id))
            .to_owned();
        txn.execute(&delete).await?.rows_affected()
    };
    if changed == 1 {
        let step = if up { 1 } else { -1 };
        let update = Query::update()
            .table(Alias::new(table))
            .value(
                Alias::new("upvote_count"),
                Expr::col(Alias::new("upvote_count")).add(step),
            )
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        txn.execute(&update).await?;
        if target == Target::Paper {
            trending::refresh_paper(txn, id).await?;
        }
    }
    Ok(())
}
