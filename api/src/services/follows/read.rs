//! Reading follows: whether the viewer follows each of several targets (one statement per
//! kind), users' follower counts, a user's following list and a user's followers.

use std::collections::{HashMap, HashSet};

use entity::{collection, follow, user};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

use crate::error::AppError;
use crate::ids::UserId;
use crate::services::accounts::users;
use crate::services::collections::visible_to;
use crate::services::follows::{FollowKind, Target};
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};

/// Which of `targets` (all of one kind, as row ids) `user` follows, in one statement.
pub async fn followed_by(
    db: &DatabaseConnection,
    user: UserId,
    kind: FollowKind,
    targets: &[i64],
) -> Result<HashSet<i64>, AppError> {
    let column = kind.column();
    let query = Query::select()
        .column(column)
        .from(follow::Entity)
        .and_where(Expr::col(follow::Column::UserId).eq(user))
        .and_where(Expr::col(column).is_in(targets.iter().copied()))
        .to_owned();
    let name = sea_orm::Iden::to_string(&column);
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<i64>("", &name)?))
        .collect()
}

/// Each user's follower count (their counter column, read apart from the account row: a
/// signed-in viewer's row may come from the session cache).
pub async fn follower_counts(
    db: &DatabaseConnection,
    ids: &[UserId],
) -> Result<HashMap<UserId, i32>, AppError> {
    let query = Query::select()
        .column(user::Column::Id)
        .expr_as(Expr::col("follower_count"), "follower_count")
        .from(user::Entity)
        .and_where(Expr::col(user::Column::Id).is_in(ids.iter().copied()))
        .to_owned();
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<UserId>("", "id")?,
                row.try_get::<i32>("", "follower_count")?,
            ))
        })
        .collect()
}

fn newest_first(scope: &'static str) -> Keyset<follow::Column> {
    Keyset {
        scope,
        key: follow::Column::Id,
        kind: KeyKind::None,
        tiebreak: follow::Column::Id,
        descending: true,
    }
}

/// The follows of `user` that `viewer` may see: every one but those of collections private to
/// someone else.
fn following_of(user: UserId, viewer: Option<UserId>) -> Condition {
    let visible_collections = Query::select()
        .column(collection::Column::Id)
        .from(collection::Entity)
        .cond_where(visible_to(viewer))
        .to_owned();
    Condition::all().add(follow::Column::UserId.eq(user)).add(
        Condition::any()
            .add(follow::Column::CollectionId.is_null())
            .add(follow::Column::CollectionId.in_subquery(visible_collections)),
    )
}

/// A page of what `user` follows, latest follow first, as `viewer` may see it.
pub async fn following(
    db: &DatabaseConnection,
    user: UserId,
    viewer: Option<UserId>,
    args: &PageArgs,
) -> Result<Page<Target>, AppError> {
    let keyset = newest_first("following");
    let select = follow::Entity::find().filter(following_of(user, viewer));
    let rows = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, rows, |row| keyset.cursor(Key::None, row.id));
    Ok(page.filter_map(|row| Target::of(&row)))
}

/// How many follows of `user` `viewer` may see.
pub async fn following_count(
    db: &DatabaseConnection,
    user: UserId,
    viewer: Option<UserId>,
) -> Result<u64, AppError> {
    Ok(follow::Entity::find()
        .filter(following_of(user, viewer))
        .count(db)
        .await?)
}

/// A page of the users following `user`, latest follower first.
pub async fn followers(
    db: &DatabaseConnection,
    user: UserId,
    args: &PageArgs,
) -> Result<Page<user::Model>, AppError> {
    let keyset = newest_first("followers");
    let select = follow::Entity::find()
        .filter(follow::Column::FollowedUserId.eq(user))
        .select_only()
        .column(follow::Column::Id)
        .column(follow::Column::UserId);
    let rows: Vec<(i64, UserId)> = keyset.apply(select, args)?.into_tuple().all(db).await?;
    let page = Page::from_rows(args, rows, |(id, _)| keyset.cursor(Key::None, *id));
    let ids: Vec<UserId> = page.items.iter().map(|(_, (_, user))| *user).collect();
    let found = users::find_by_ids(db, &ids).await?;
    Ok(page.filter_map(|(_, user)| found.get(&user).cloned()))
}
