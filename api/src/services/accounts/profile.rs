//! Account records: signing up, profile changes, roles.

use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::Services;
use crate::services::accounts::sessions::parts;
use crate::services::accounts::{
    Email, ProfileChange, Registration, Session, Username, start_session,
};

/// Creates an account and signs it in. Every sign-up that reaches the database counts against
/// the address's throttle, taken or not: the limit also slows down probing which names exist.
pub async fn register(
    services: &Services,
    caller: &Caller,
    new: Registration,
) -> Result<Session, AppError> {
    let (db, keys, hasher, throttles) = parts(services);
    if let Some(address) = caller.address {
        let _counted = throttles
            .registrations_per_address
            .reserve(&address.to_string())
            .await?;
    }
    ensure_free(db, &new.username, &new.email).await?;
    let hash = hasher.hash(new.password.reveal()).await?;
    let txn = db::begin_write(db).await?;
    // Checked again inside the transaction: another sign-up may have taken the name meanwhile.
    ensure_free(&txn, &new.username, &new.email).await?;
    let now = crate::services::now();
    let user = user::ActiveModel {
        username: Set(new.username.as_str().to_owned()),
        display_name: Set(new.display_name.map(String::from)),
        email: Set(new.email.as_str().to_owned()),
        password_hash: Set(hash),
        role: Set(user::Role::User),
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
    username: &Username,
    email: &Email,
) -> Result<(), AppError> {
    if user::Entity::find()
        .filter(user::Column::Username.eq(username.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict("this username is taken".into()));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
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
    services: &Services,
    caller: &Caller,
    change: ProfileChange,
) -> Result<user::Model, AppError> {
    let user = caller.signed_in()?;
    let mut row: user::ActiveModel = user.clone().into();
    if let Some(v) = change.display_name {
        row.display_name = Set(v.map(String::from));
    }
    if let Some(v) = change.bio {
        row.bio = Set(v.map(String::from));
    }
    if let Some(v) = change.avatar_url {
        row.avatar_url = Set(v.map(String::from));
    }
    let updated = row.update(&services.db).await?;
    services.viewers.forget(user.id);
    Ok(updated)
}

/// Gives a user a role (`papers user promote USERNAME ROLE`).
pub async fn set_role(
    db: &DatabaseConnection,
    username: &str,
    role: user::Role,
    by: Option<&str>,
) -> Result<user::Model, AppError> {
    let find = |name: &str| {
        let name = name.to_owned();
        async move {
            crate::services::accounts::users::find_by_username(db, &name)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("no user named {name}")))
        }
    };
    let user = find(username).await?;
    // The log names who acted: `--by`, else the user (an operator at the command line).
    let actor = match by {
        Some(name) => find(name).await?.id,
        None => user.id,
    };
    let id = user.id;
    let txn = crate::db::begin_write(db).await?;
    let mut row: user::ActiveModel = user.into();
    row.role = Set(role);
    let row = row.update(&txn).await?;
    crate::services::moderation::log(
        &txn,
        actor,
        crate::services::moderation::Action::SetRole,
        id,
        Some(format!("role: {}", sea_orm::ActiveEnum::to_value(&role))),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
