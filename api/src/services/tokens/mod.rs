//! API tokens for integrations: opaque `papers_…` secrets shown once and stored as a SHA-256
//! hash, scoped (`read`, `write`), revocable, with `last_used_at` kept.

use entity::api_token;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use crate::auth::{Caller, Scope};
use crate::error::AppError;
use crate::ids::{TokenId, UserId};
use crate::services::input::Text;

/// The recognisable prefix of every API token (secret scanners can match it).
pub const PREFIX: &str = "papers_";
pub const MAX_NAME_CHARS: usize = 100;
/// What a token is for, as its owner names it.
pub type TokenName = Text<MAX_NAME_CHARS>;
/// `last_used_at` is written at most this often per token, not on every request.
const LAST_USED_GRANULARITY: chrono::Duration = chrono::Duration::minutes(1);

/// The scopes stored for a token.
pub fn scopes_of(row: &api_token::Model) -> Vec<Scope> {
    row.scopes
        .split(',')
        .filter_map(|s| match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        })
        .collect()
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a token; returns the secret (shown once) and its row.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    name: TokenName,
    scopes: &[Scope],
) -> Result<(String, api_token::Model), AppError> {
    let owner = caller.with_session()?;
    use base64::Engine;
    use rand::RngCore;
    if scopes.is_empty() {
        return Err(AppError::bad_input("scopes", "give at least one scope"));
    }
    let mut unique: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    unique.sort_unstable();
    unique.dedup();
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let row = api_token::ActiveModel {
        user_id: Set(owner.id),
        name: Set(name.into()),
        token_hash: Set(hash(&secret)),
        scopes: Set(unique.join(",")),
        created_at: Set(crate::services::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((secret, row))
}

/// The owner's tokens that still work, newest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    owner_id: UserId,
) -> Result<Vec<api_token::Model>, AppError> {
    // Listed to their owner only, signed in with a session: a token cannot read tokens.
    if caller.user_id() != Some(owner_id) {
        return Err(AppError::NotFound("no such user".into()));
    }
    caller.with_session()?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(owner_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the owner's tokens; another user's token answers as if it did not exist.
pub async fn revoke(
    db: &DatabaseConnection,
    caller: &Caller,
    id: TokenId,
) -> Result<bool, AppError> {
    let owner = caller.signed_in()?;
    let row = api_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| t.user_id == owner.id)
        .ok_or_else(|| AppError::NotFound("no such API token".into()))?;
    if row.revoked_at.is_none() {
        let mut revoked: api_token::ActiveModel = row.into();
        revoked.revoked_at = Set(Some(crate::services::now()));
        revoked.update(db).await?;
    }
    Ok(true)
}

/// The live token for a secret, its use recorded; `None` for unknown or revoked ones.
pub async fn authenticate(
    db: &DatabaseConnection,
    secret: &str,
) -> Result<Option<api_token::Model>, AppError> {
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(secret)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.revoked_at.is_some() {
        return Ok(None);
    }
    let now = crate::services::now();
    if row
        .last_used_at
        .is_none_or(|t| now - t >= LAST_USED_GRANULARITY)
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(Some(row))
}
