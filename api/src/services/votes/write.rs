//! Upvotes on papers, comments and collections. A vote row is inserted with ON CONFLICT DO
//! NOTHING (deleted for a removal) and the counter moves in the same transaction only when a
//! row was inserted (deleted), so counters equal rows always, also under concurrent votes; a
//! repeated vote is no error and changes nothing.

use entity::{collection, comment, paper};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, QuerySelect};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{CollectionId, CommentId, PaperId, UserId};
use crate::services::papers::trending;
use crate::services::votes::{Ledger, Votable};
use crate::services::{Services, collections};

/// What can be upvoted, and which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Paper(PaperId),
    Comment(CommentId),
    Collection(CollectionId),
}

impl Target {
    fn row(self) -> i64 {
        match self {
            Self::Paper(id) => id.into(),
            Self::Comment(id) => id.into(),
            Self::Collection(id) => id.into(),
        }
    }

    fn ledger(self) -> Ledger {
        match self {
            Self::Paper(_) => PaperId::ledger(),
            Self::Comment(_) => CommentId::ledger(),
            Self::Collection(_) => CollectionId::ledger(),
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
    user_id: UserId,
    up: bool,
) -> Result<(), AppError> {
    let (found, what) = match target {
        Target::Paper(id) => (
            paper::Entity::find_by_id(id).one(txn).await?.is_some(),
            "paper",
        ),
        Target::Comment(id) => {
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
            (row.is_some(), "comment")
        }
        Target::Collection(id) => (
            collection::Entity::find_by_id(id)
                .one(txn)
                .await?
                .is_some_and(|c| collections::is_visible(&c, Some(user_id))),
            "collection",
        ),
    };
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no such {what}")))
    }
}

/// Casts (`up`) or withdraws the caller's vote on a paper, a comment or a collection, and
/// answers its row as it is now; idempotent either way. Subscribers are told once the vote has
/// committed.
pub async fn vote<T: Votable>(
    services: &Services,
    caller: &Caller,
    id: T,
    up: bool,
) -> Result<T::Row, AppError> {
    let user_id = caller.signed_in()?.id;
    let (db, target) = (&services.db, id.target());
    db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        ensure_votable(&txn, target, user_id, up).await?;
        record(&txn, target, user_id, up).await?;
        txn.commit().await?;
        Ok(())
    })
    .await?;
    if let Some(event) = id.event() {
        services.publish(&[event]).await;
    }
    id.fresh(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no such {}", T::WHAT)))
}

/// Inserts the vote row `(user, target)` (ON CONFLICT DO NOTHING) or deletes it, and moves the
/// target's counter only when a row changed.
async fn record(
    txn: &DatabaseTransaction,
    target: Target,
    user_id: UserId,
    up: bool,
) -> Result<(), AppError> {
    let ledger = target.ledger();
    let id = target.row();
    let changed = if up {
        let insert = Query::insert()
            .into_table(ledger.votes.clone())
            .columns([
                ledger.voter.clone(),
                ledger.voted.clone(),
                ledger.created_at,
            ])
            .values([user_id.into(), id.into(), crate::services::now().into()])
            .map_err(|e| AppError::Internal(e.to_string()))?
            .on_conflict(
                OnConflict::columns([ledger.voter, ledger.voted])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        txn.execute(&insert).await?.rows_affected()
    } else {
        let delete = Query::delete()
            .from_table(ledger.votes)
            .and_where(Expr::col(ledger.voter).eq(user_id))
            .and_where(Expr::col(ledger.voted).eq(id))
            .to_owned();
        txn.execute(&delete).await?.rows_affected()
    };
    if changed != 1 {
        return Ok(());
    }
    let step = if up { 1 } else { -1 };
    let update = Query::update()
        .table(ledger.counted)
        .value(ledger.counter.clone(), Expr::col(ledger.counter).add(step))
        .and_where(Expr::col(ledger.id).eq(id))
        .to_owned();
    txn.execute(&update).await?;
    if let Target::Paper(paper) = target {
        trending::refresh_paper(txn, paper).await?;
    }
    Ok(())
}
