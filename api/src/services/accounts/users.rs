//! Reading users.

use std::collections::HashMap;

use entity::user;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::ids::UserId;

/// A user by username, case-insensitively (usernames are stored lowercase).
pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<user::Model>, AppError> {
    let username = username.trim().to_lowercase();
    if username.is_empty() || username.len() > 64 {
        return Ok(None);
    }
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
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
