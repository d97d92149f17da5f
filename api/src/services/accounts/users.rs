//! Reading users.

use std::collections::HashMap;

use entity::user;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::ids::UserId;

/// A username as it is stored (lowercase), or `None` for a text that cannot be one.
fn stored_username(username: &str) -> Option<String> {
    let username = username.trim().to_lowercase();
    (!username.is_empty() && username.len() <= 64).then_some(username)
}

/// A user by username, case-insensitively (usernames are stored lowercase).
pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<user::Model>, AppError> {
    let Some(username) = stored_username(username) else {
        return Ok(None);
    };
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// The rows whose user column (`papers.submitted_by`, `collections.owner_id`) names the user with
/// this username, read in the rows' own statement; a name that names nobody selects nothing.
pub fn named(column: impl ColumnTrait, username: &str) -> SimpleExpr {
    match stored_username(username) {
        Some(username) => column.in_subquery(
            Query::select()
                .column(user::Column::Id)
                .from(user::Entity)
                .and_where(user::Column::Username.eq(username))
                .to_owned(),
        ),
        None => Expr::val(1).eq(0),
    }
}

pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[UserId],
) -> Result<HashMap<UserId, user::Model>, AppError> {
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|u| (u.id, u)).collect())
}

/// A user row read by position from `offset` on, as a statement that joined `users` lists its
/// columns in the order of `user::Column` (the order of the model's fields); `None` when the
/// join found no user (the id column is NULL). By position, as `papers::read` decodes papers:
/// sea-orm's decoding by name formats a column name per column per row.
pub fn user_at(
    row: &sea_orm::QueryResult,
    offset: usize,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    use user::Column as C;
    let at = |column: C| offset + column as usize;
    let Some(id) = row.try_get_by_index::<Option<UserId>>(at(C::Id))? else {
        return Ok(None);
    };
    Ok(Some(user::Model {
        id,
        username: row.try_get_by_index(at(C::Username))?,
        display_name: row.try_get_by_index(at(C::DisplayName))?,
        email: row.try_get_by_index(at(C::Email))?,
        password_hash: row.try_get_by_index(at(C::PasswordHash))?,
        role: row.try_get_by_index(at(C::Role))?,
        bio: row.try_get_by_index(at(C::Bio))?,
        avatar_url: row.try_get_by_index(at(C::AvatarUrl))?,
        created_at: row.try_get_by_index(at(C::CreatedAt))?,
        disabled_at: row.try_get_by_index(at(C::DisabledAt))?,
        password_changed_at: row.try_get_by_index(at(C::PasswordChangedAt))?,
        follower_count: row.try_get_by_index(at(C::FollowerCount))?,
    }))
}
