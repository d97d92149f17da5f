//! Accounts: sign-up, sign-in, sessions, profile and password changes. Every input is checked
//! before anything is written; a rejected request changes no row.

pub mod passwords;
pub mod users;

use chrono::{Duration, Utc};
use entity::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::auth::jwt::JwtKeys;
use crate::db;
use crate::error::AppError;
use crate::services::accounts::passwords::Hasher;
use crate::services::throttle::{Slot, Throttles};

/// Usernames nobody may take: they name parts of the site or would mislead.
pub const RESERVED_USERNAMES: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "graphql",
    "root",
    "system",
    "support",
    "moderator",
    "mod",
    "papers",
    "null",
    "undefined",
    "me",
    "settings",
    "login",
    "logout",
    "register",
    "signup",
    "help",
    "about",
    "www",
    "staff",
    "security",
    "official",
];
pub const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=32;
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 10..=128;
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;
pub const MAX_BIO_CHARS: usize = 500;
pub const MAX_URL_CHARS: usize = 500;
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

/// A username: 3–32 characters of `a-z 0-9 - _` (given in any case, kept lowercase), not
/// reserved.
pub fn parse_username(input: &str) -> Result<String, AppError> {
    let name = input.trim().to_lowercase();
    let field = "username";
    if !USERNAME_CHARS.contains(&name.chars().count()) {
        return Err(AppError::bad_input(
            field,
            "a username has 3 to 32 characters",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(AppError::bad_input(
            field,
            "a username has only letters a-z, digits, - and _",
        ));
    }
    if RESERVED_USERNAMES.contains(&name.as_str()) {
        return Err(AppError::bad_input(field, "this username is reserved"));
    }
    Ok(name)
}

/// An email address of sane shape, kept lowercase.
pub fn parse_email(input: &str) -> Result<String, AppError> {
    let email = input.trim().to_lowercase();
    let bad = || AppError::bad_input("email", "not an email address");
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let sane = !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    if sane { Ok(email) } else { Err(bad()) }
}

pub fn check_password(password: &str, field: &str) -> Result<(), AppError> {
    if PASSWORD_CHARS.contains(&password.chars().count()) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            "a password has 10 to 128 characters",
        ))
    }
}

/// An optional free-text field: trimmed, empty meaning none, bounded.
fn optional_text(
    input: Option<String>,
    field: &str,
    max: usize,
) -> Result<Option<String>, AppError> {
    let Some(text) = input.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::bad_input(
            field,
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(Some(text))
}

fn optional_url(input: Option<String>, field: &str) -> Result<Option<String>, AppError> {
    let url = optional_text(input, field, MAX_URL_CHARS)?;
    match url {
        Some(url)
            if !(url.starts_with("https://") || url.starts_with("http://"))
                || url.contains(char::is_whitespace) =>
        {
            Err(AppError::bad_input(
                field,
                format!("{field} must be an http(s) URL"),
            ))
        }
        other => Ok(other),
    }
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
async fn start_session<C: ConnectionTrait>(
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

/// New account data, checked.
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub display_name: Option<String>,
}

impl Registration {
    pub fn parse(
        username: &str,
        email: &str,
        password: String,
        display_name: Option<String>,
    ) -> Result<Self, AppError> {
        let username = parse_username(username)?;
        let email = parse_email(email)?;
        check_password(&password, "password")?;
        let display_name = optional_text(display_name, "displayName", MAX_DISPLAY_NAME_CHARS)?;
        Ok(Self {
            username,
            email,
            password,
            display_name,
        })
    }
}

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

/// The one answer to every failed sign-in.
fn bad_login() -> AppError {
    AppError::Unauthenticated
}

/// Where a failed password check is counted: the account (whichever name it was typed as, or
/// the typed name when no account has it) and the client's address.
pub struct Attempt<'a> {
    pub throttles: &'a Throttles,
    pub client: Option<std::net::IpAddr>,
}

impl Attempt<'_> {
    /// Reserves a failure for the account and the address before the password is checked, so
    /// that parallel guesses cannot all pass a limit none of them has counted yet. Past either
    /// limit the answer is `RATE_LIMITED` and no password is checked.
    fn reserve(&self, account: &str) -> Result<Vec<Slot<'_>>, AppError> {
        let first = self.throttles.login_failures_per_account.reserve(account)?;
        let Some(client) = self.client else {
            return Ok(vec![first]);
        };
        match self
            .throttles
            .login_failures_per_address
            .reserve(&client.to_string())
        {
            Ok(second) => Ok(vec![first, second]),
            Err(limited) => {
                first.release();
                Err(limited)
            }
        }
    }
}

/// The throttle key of an account.
fn account_key(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// Signs in. Failed attempts count against the account and the client's address; past either
/// limit every attempt is `RATE_LIMITED` before any password is checked.
pub async fn login(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    hasher: &Hasher,
    attempt: Attempt<'_>,
    username_or_email: &str,
    password: String,
) -> Result<Session, AppError> {
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
    let slots = attempt.reserve(&key)?;
    let matches = match &found {
        Some(user) => hasher.verify(password, user.password_hash.clone()).await?,
        None => hasher.verify_unknown(password).await?,
    };
    match found {
        Some(user) if matches && user.disabled_at.is_none() => {
            slots.into_iter().for_each(Slot::release);
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
pub async fn refresh(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    token: &str,
) -> Result<Session, AppError> {
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
            user = row.user_id,
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
    db: &DatabaseConnection,
    keys: &JwtKeys,
    hasher: &Hasher,
    attempt: Attempt<'_>,
    user: &user::Model,
    current: String,
    new: String,
) -> Result<Session, AppError> {
    check_password(&new, "newPassword")?;
    let slots = attempt.reserve(&account_key(user.id))?;
    if !hasher.verify(current, user.password_hash.clone()).await? {
        return Err(AppError::bad_input(
            "currentPassword",
            "the current password is wrong",
        ));
    }
    slots.into_iter().for_each(Slot::release);
    let hash = hasher.hash(new).await?;
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
    Ok(session)
}

/// Profile changes, checked: a field left out stays as it is; an empty one is cleared.
pub struct ProfileChange {
    pub display_name: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
}

impl ProfileChange {
    pub fn parse(
        display_name: Option<String>,
        bio: Option<String>,
        avatar_url: Option<String>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            display_name: display_name
                .map(|v| optional_text(Some(v), "displayName", MAX_DISPLAY_NAME_CHARS))
                .transpose()?,
            bio: bio
                .map(|v| optional_text(Some(v), "bio", MAX_BIO_CHARS))
                .transpose()?,
            avatar_url: avatar_url
                .map(|v| optional_url(Some(v), "avatarUrl"))
                .transpose()?,
        })
    }
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
