//! Follows: a reader following another user, an author, a collection or a topic, and what that
//! gives back — their followers and following lists, and the following feed (`feed`).
//!
//! A follow is a row of `follows` with one target column set. It is inserted with ON CONFLICT
//! DO NOTHING (deleted to unfollow) and the target's `follower_count` moves in the same
//! transaction only when a row changed, so counters equal their rows under parallel follows, as
//! votes do; a repeat is no error and changes nothing.

pub mod feed;
mod read;

pub use read::*;

use entity::{author, collection, follow, topic, user};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{AuthorId, CollectionId, TopicId, UserId};
use crate::services::{Services, collections};

/// What a reader can follow, and which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    User(UserId),
    Author(AuthorId),
    Collection(CollectionId),
    Topic(TopicId),
}

/// The kind of a follow's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowKind {
    User,
    Author,
    Collection,
    Topic,
}

impl FollowKind {
    /// The column of `follows` that names a target of this kind.
    pub fn column(self) -> follow::Column {
        match self {
            Self::User => follow::Column::FollowedUserId,
            Self::Author => follow::Column::AuthorId,
            Self::Collection => follow::Column::CollectionId,
            Self::Topic => follow::Column::TopicId,
        }
    }

    /// The table holding targets of this kind, whose `follower_count` counts their follows.
    fn table(self) -> &'static str {
        match self {
            Self::User => "users",
            Self::Author => "authors",
            Self::Collection => "collections",
            Self::Topic => "topics",
        }
    }
}

impl Target {
    pub fn kind(self) -> FollowKind {
        match self {
            Self::User(_) => FollowKind::User,
            Self::Author(_) => FollowKind::Author,
            Self::Collection(_) => FollowKind::Collection,
            Self::Topic(_) => FollowKind::Topic,
        }
    }

    fn row(self) -> i64 {
        match self {
            Self::User(id) => id.into(),
            Self::Author(id) => id.into(),
            Self::Collection(id) => id.into(),
            Self::Topic(id) => id.into(),
        }
    }

    /// The target a follow row names; `None` for a row with none (the CHECK forbids it).
    pub fn of(row: &follow::Model) -> Option<Self> {
        row.followed_user_id
            .map(Self::User)
            .or(row.author_id.map(Self::Author))
            .or(row.collection_id.map(Self::Collection))
            .or(row.topic_id.map(Self::Topic))
    }
}

/// A followed thing as it is now, as `follow` answers it.
#[derive(Debug, Clone)]
pub enum Followed {
    User(user::Model),
    Author(author::Model),
    Collection(collection::Model),
    Topic(topic::Model),
}

/// Follows (`follow`) or unfollows what `target` names, for the signed-in caller, and answers it
/// as it is now; idempotent either way. Following oneself is `BAD_USER_INPUT`; an unknown
/// target, a disabled account or another user's private collection is `NOT_FOUND`. Counted by
/// the follows throttle (a refused request gives its slot back).
pub async fn follow(
    services: &Services,
    caller: &Caller,
    target: Target,
    follow: bool,
) -> Result<Followed, AppError> {
    let user_id = caller.signed_in()?.id;
    if target == Target::User(user_id) {
        return Err(AppError::bad_input(
            "targetId",
            "you cannot follow yourself",
        ));
    }
    let slot = services
        .throttles
        .follows_per_user
        .reserve(&user_id.to_string())
        .await?;
    let done = db::retrying(|| async {
        let txn = db::begin_write(&services.db).await?;
        let followed = visible(&txn, target, user_id).await?;
        let changed = record(&txn, target, user_id, follow).await?;
        txn.commit().await?;
        Ok((followed, changed))
    })
    .await;
    let (followed, changed) = match done {
        Ok(done) => done,
        Err(err) => {
            slot.release().await;
            return Err(err);
        }
    };
    if !changed {
        return Ok(followed);
    }
    // The row as the change left it.
    visible(&services.db, target, user_id).await
}

/// The target as the caller may see it, or `NOT_FOUND`.
async fn visible<C: ConnectionTrait>(
    db: &C,
    target: Target,
    viewer: UserId,
) -> Result<Followed, AppError> {
    let found = match target {
        Target::User(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|u| u.disabled_at.is_none())
            .map(Followed::User),
        Target::Author(id) => author::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(Followed::Author),
        Target::Collection(id) => collection::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|c| collections::is_visible(c, Some(viewer)))
            .map(Followed::Collection),
        Target::Topic(id) => topic::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(Followed::Topic),
    };
    found.ok_or_else(|| AppError::NotFound("nothing to follow with this ID".into()))
}

/// Inserts the follow (ON CONFLICT DO NOTHING) or deletes it, and moves the target's
/// `follower_count` only when a row changed; answers whether one did.
async fn record(
    txn: &DatabaseTransaction,
    target: Target,
    user_id: UserId,
    up: bool,
) -> Result<bool, AppError> {
    let column = target.kind().column();
    let changed = if up {
        let insert = Query::insert()
            .into_table(follow::Entity)
            .columns([follow::Column::UserId, column, follow::Column::CreatedAt])
            .values([
                user_id.into(),
                target.row().into(),
                crate::services::now().into(),
            ])
            .map_err(|e| AppError::Internal(e.to_string()))?
            .on_conflict(
                OnConflict::columns([follow::Column::UserId, column])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        txn.execute(&insert).await?.rows_affected()
    } else {
        let delete = Query::delete()
            .from_table(follow::Entity)
            .and_where(Expr::col(follow::Column::UserId).eq(user_id))
            .and_where(Expr::col(column).eq(target.row()))
            .to_owned();
        txn.execute(&delete).await?.rows_affected()
    };
    if changed != 1 {
        return Ok(false);
    }
    let counter = sea_orm::sea_query::Alias::new("follower_count");
    let update = Query::update()
        .table(sea_orm::sea_query::Alias::new(target.kind().table()))
        .value(
            counter.clone(),
            Expr::col(counter).add(if up { 1 } else { -1 }),
        )
        .and_where(Expr::col(sea_orm::sea_query::Alias::new("id")).eq(target.row()))
        .to_owned();
    txn.execute(&update).await?;
    Ok(true)
}
