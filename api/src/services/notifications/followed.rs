//! Telling readers what arrives through what they follow: a paper by a followed author
//! (`FOLLOWED_AUTHOR_PAPER`: listing a followed author identity, or one a followed user claimed;
//! at its import or submission, and when a claim makes a followed user its author), and a paper
//! added to a followed public collection (`FOLLOWED_COLLECTION_ITEM`). Each is one statement in
//! the transaction of the action, and a reader is told of a paper once whatever the reasons (a
//! partial unique index, met with `ON CONFLICT DO NOTHING`). Nobody is told of their own act.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::db;
use crate::error::AppError;
use crate::ids::{CollectionId, PaperId, UserId};
use crate::services::Services;
use crate::services::notifications::{Kind, announce_paper};

/// The two kinds, as the statements write them.
pub const KINDS: [Kind; 2] = [Kind::FollowedAuthorPaper, Kind::FollowedCollectionItem];

/// Runs one `INSERT … SELECT` of followers (`$1` the paper, `$2` the actor or null, `$3` now).
async fn insert<C: ConnectionTrait>(
    txn: &C,
    kind: Kind,
    followers: &str,
    values: Vec<sea_orm::Value>,
) -> Result<(), AppError> {
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, actor_id, paper_id, created_at) \
         SELECT DISTINCT f.user_id, '{kind}', $2, $1, $3 FROM follows f \
         WHERE ({followers}) AND f.user_id <> COALESCE($2, 0) \
         ON CONFLICT DO NOTHING",
        kind = kind.as_str(),
    );
    txn.execute_raw(db::statement(txn.get_database_backend(), &sql, values))
        .await?;
    Ok(())
}

/// A new paper tells the followers of its authors (the identities, and the users who claimed
/// them). `actor` is the submitter, if any (an import has none).
pub async fn new_paper<C: ConnectionTrait>(
    txn: &C,
    paper: PaperId,
    actor: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let followers = "f.author_id IN (SELECT author_id FROM paper_authors WHERE paper_id = $1) \
        OR f.followed_user_id IN (SELECT a.user_id FROM paper_authors pa \
          JOIN authors a ON a.id = pa.author_id WHERE pa.paper_id = $1)";
    insert(
        txn,
        Kind::FollowedAuthorPaper,
        followers,
        vec![paper.into(), actor.into(), now.into()],
    )
    .await
}

/// An approved claim makes `user` an author of `paper`: their followers are told.
pub async fn claimed<C: ConnectionTrait>(
    txn: &C,
    paper: PaperId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    insert(
        txn,
        Kind::FollowedAuthorPaper,
        "f.followed_user_id = $2",
        vec![paper.into(), user.into(), now.into()],
    )
    .await
}

/// A paper added to a public collection tells the collection's followers (`owner` added it).
pub async fn collected<C: ConnectionTrait>(
    txn: &C,
    paper: PaperId,
    collection: CollectionId,
    owner: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    insert(
        txn,
        Kind::FollowedCollectionItem,
        "f.collection_id = $4 AND EXISTS (SELECT 1 FROM collections c \
           WHERE c.id = $4 AND c.is_private = FALSE)",
        vec![paper.into(), owner.into(), now.into(), collection.into()],
    )
    .await
}

/// Announces live what one of the writes above told, once its action has committed.
pub async fn announce(services: &Services, paper: PaperId, since: DateTime<Utc>) {
    announce_paper(services, &KINDS, paper, since).await;
}
