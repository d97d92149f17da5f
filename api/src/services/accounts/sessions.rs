//! Sessions: signing in, refresh-token rotation, signing out, and password changes (which end
//! every other session). Failed password checks are throttled per account and address.

use chrono::{Duration, Utc};
use entity::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::auth::jwt::JwtKeys;
use crate::db;
use crate::error::AppError;
use crate::ids::UserId;
use crate::services::Services;
use crate::services::accounts::Password;
use crate::services::accounts::passwords::Hasher;
use crate::services::throttle::{Slot, Throttles};

/// How long a refresh token (a session) lives without being used.
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

/// A signed-in session: what `register`, `login`, `refreshSession` and `changePassword` answer.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub user: user::Model,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_refresh_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "prt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Starts a session: a new refresh token (in `family`, or a new family) and an access token.
pub(super) async fn start_session<C: ConnectionTrait>(
    txn: &C,
    keys: &JwtKeys,
    user: user::Model,
    family: Option<String>,
) -> Result<Session, AppError> {
    let now = crate::services::now();
    let refresh = new_refresh_token();
    refresh_token::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(token_hash(&refresh)),
        family_id: Set(family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string())),
        created_at: Set(now),
        expires_at: Set(now + REFRESH_TOKEN_TTL),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let (access_token, expires_at) = keys
        .issue(user.id, Utc::now())
        .map_err(AppError::Internal)?;
    Ok(Session {
        access_token,
        refresh_token: refresh,
        expires_at,
        user,
    })
}

/// The parts of the services the account functions use.
pub(super) fn parts(services: &Services) -> (&DatabaseConnection, &JwtKeys, &Hasher, &Throttles) {
    (
        &services.db,
        &services.jwt,
        &services.hasher,
        &services.throttles,
    )
}

/// The one answer to every failed sign-in.
fn bad_login() -> AppError {
    AppError::Unauthenticated
}

/// Where a failed password check is counted: the account (whichever name it was typed as, or
/// the typed name when no account has it) and the client's address.
struct Attempt<'a> {
    throttles: &'a Throttles,
    client: Option<std::net::IpAddr>,
}

impl Attempt<'_> {
    /// Reserves a failure for the account and the address before the password is checked, so
    /// that parallel guesses cannot all pass a limit none of them has counted yet. Past either
    /// limit the answer is `RATE_LIMITED` and no password is checked.
    async fn reserve(&self, account: &str) -> Result<Vec<Slot<'_>>, AppError> {
        let first = self
            .throttles
            .login_failures_per_account
            .reserve(account)
            .await?;
        let Some(client) = self.client else {
            return Ok(vec![first]);
        };
        match self
            .throttles
            .login_failures_per_address
            .reserve(&client.to_string())
            .await
        {
            Ok(second) => Ok(vec![first, second]),
            Err(limited) => {
                first.release().await;
                Err(limited)
            }
        }
    }
}

/// Gives back the slots of a check that turned out not to fail.
async fn release(slots: Vec<Slot<'_>>) {
    for slot in slots {
        slot.release().await;
    }
}

/// The throttle key of an account.
fn account_key(user_id: UserId) -> String {
    format!("user:{user_id}")
}

/// Checks a signed-in user's password as a sign-in does: a wrong one spends the account's and
/// the address's failed-sign-in budget, and past it every check is `RATE_LIMITED`. A wrong
/// password is `BAD_USER_INPUT` on `field`.
pub async fn check_password(
    services: &Services,
    caller: &Caller,
    user: &user::Model,
    password: String,
    field: &str,
) -> Result<(), AppError> {
    let (_, _, hasher, throttles) = parts(services);
    let attempt = Attempt {
        throttles,
        client: caller.address,
    };
    let slots = attempt.reserve(&account_key(user.id)).await?;
    if !hasher.verify(password, user.password_hash.clone()).await? {
        return Err(AppError::bad_input(field, "the password is wrong"));
    }
    release(slots).await;
    Ok(())
}

/// Signs in. Failed attempts count against the account and the client's address; past either
/// limit every attempt is `RATE_LIMITED` before any password is checked.
pub async fn login(
    services: &Services,
    caller: &Caller,
    username_or_email: &str,
    password: String,
) -> Result<Session, AppError> {
    let (db, keys, hasher, throttles) = parts(services);
    let attempt = Attempt {
        throttles,
        client: caller.address,
    };
    let name = username_or_email.trim().to_lowercase();
    let column = if name.contains('@') {
        user::Column::Email
    } else {
        user::Column::Username
    };
    let found = if name.is_empty() || name.len() > 254 {
        None
    } else {
        user::Entity::find()
            .filter(column.eq(name.as_str()))
            .one(db)
            .await?
    };
    let key = found
        .as_ref()
        .map_or_else(|| format!("name:{name}"), |u| account_key(u.id));
    let slots = attempt.reserve(&key).await?;
    let matches = match &found {
        Some(user) => hasher.verify(password, user.password_hash.clone()).await?,
        None => hasher.verify_unknown(password).await?,
    };
    match found {
        Some(user) if matches && user.disabled_at.is_none() => {
            release(slots).await;
            let txn = db::begin_write(db).await?;
            let session = start_session(&txn, keys, user, None).await?;
            txn.commit().await?;
            Ok(session)
        }
        _ => Err(bad_login()),
    }
}

/// Rotates a refresh token: the presented one is spent and a new one of the same family is
/// issued. Presenting a spent token means it leaked: the whole family is revoked.
pub async fn refresh(services: &Services, token: &str) -> Result<Session, AppError> {
    let (db, keys, _, _) = parts(services);
    let now = crate::services::now();
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let txn = db::begin_write(db).await?;
    // Spend it only if nobody has: of two concurrent refreshes one wins, the other is reuse.
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected == 0 {
        revoke_family(&txn, &row.family_id, now).await?;
        txn.commit().await?;
        tracing::warn!(
            user = %row.user_id,
            "a rotated refresh token was presented again: family revoked"
        );
        return Err(AppError::Unauthenticated);
    }
    let user = user::Entity::find_by_id(row.user_id).one(&txn).await?;
    let user = match user {
        Some(user) if user.disabled_at.is_none() && row.expires_at > now => user,
        _ => return Err(AppError::Unauthenticated), // dropped: the token stays unspent
    };
    let session = start_session(&txn, keys, user, Some(row.family_id)).await?;
    txn.commit().await?;
    Ok(session)
}

async fn revoke_family<C: ConnectionTrait>(
    txn: &C,
    family: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// Ends the session a refresh token belongs to; false when the token names no session.
pub async fn logout(db: &DatabaseConnection, token: &str) -> Result<bool, AppError> {
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let txn = db.begin().await?;
    revoke_family(&txn, &row.family_id, crate::services::now()).await?;
    txn.commit().await?;
    Ok(true)
}

/// Changes the viewer's password: every session ends (access tokens issued before now stop
/// working) and a new one starts.
///
/// A wrong current password counts as a failed sign-in of the account (and the address):
/// whoever holds a stolen access token cannot guess the password through this door either.
pub async fn change_password(
    services: &Services,
    caller: &Caller,
    current: String,
    new: String,
) -> Result<Session, AppError> {
    let (db, keys, hasher, _throttles) = parts(services);
    let user = caller.signed_in()?;
    let new = Password::parse(new, "newPassword")?;
    check_password(services, caller, user, current, "currentPassword").await?;
    let hash = hasher.hash(new.reveal()).await?;
    let now = crate::services::now();
    let txn = db::begin_write(db).await?;
    let mut row: user::ActiveModel = user.clone().into();
    row.password_hash = Set(hash);
    row.password_changed_at = Set(now);
    let updated = row.update(&txn).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let session = start_session(&txn, keys, updated, None).await?;
    txn.commit().await?;
    services.viewers.forget(user.id);
    Ok(session)
}
