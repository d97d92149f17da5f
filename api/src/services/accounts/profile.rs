//! Account records: signing up, profile changes, roles.

use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use crate::auth::jwt::JwtKeys;
use crate::db;
use crate::error::AppError;
use crate::services::accounts::passwords::Hasher;
use crate::services::accounts::{ProfileChange, Registration, Session, start_session};

pub async fn register(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    hasher: &Hasher,
    new: Registration,
) -> Result<Session, AppError> {
    ensure_free(db, &new.username, &new.email).await?;
    let hash = hasher.hash(new.password).await?;
    let txn = db::begin_write(db).await?;
    // Checked again inside the transaction: another sign-up may have taken the name meanwhile.
    ensure_free(&txn, &new.username, &new.email).await?;
    let now = crate::services::now();
    let user = user::ActiveModel {
        username: Set(new.username),
        display_name: Set(new.display_name),
        email: Set(new.email),
        password_hash: Set(hash),
        role: Set("user".into()),
        bio: Set(None),
        avatar_url: Set(None),
        created_at: Set(now),
        disabled_at: Set(None),
        password_changed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let session = start_session(&txn, keys, user, None).await?;
    txn.commit().await?;
    Ok(session)
}

async fn ensure_free<C: ConnectionTrait>(
    db: &C,
    username: &str,
    email: &str,
) -> Result<(), AppError> {
    if user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict("this username is taken".into()));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "an account with this email exists".into(),
        ));
    }
    Ok(())
}

pub async fn update_profile(
    db: &DatabaseConnection,
    user: &user::Model,
    change: ProfileChange,
) -> Result<user::Model, AppError> {
    let mut row: user::ActiveModel = user.clone().into();
    if let Some(v) = change.display_name {
        row.display_name = Set(v);
    }
    if let Some(v) = change.bio {
        row.bio = Set(v);
    }
    if let Some(v) = change.avatar_url {
        row.avatar_url = Set(v);
    }
    Ok(row.update(db).await?)
}

/// The roles a user may have.
pub const ROLES: &[&str] = &["user", "moderator", "admin"];

/// Gives a user a role (`papers user promote USERNAME ROLE`).
pub async fn set_role(
    db: &DatabaseConnection,
    username: &str,
    role: &str,
) -> Result<user::Model, AppError> {
    if !ROLES.contains(&role) {
        return Err(AppError::bad_input(
            "role",
            format!("a role is one of {}", ROLES.join(", ")),
        ));
    }
    let user = crate::services::accounts::users::find_by_username(db, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user named {username}")))?;
    let mut row: user::ActiveModel = user.into();
    row.role = Set(role.to_owned());
    Ok(row.update(db).await?)
}
