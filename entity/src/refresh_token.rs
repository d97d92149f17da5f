//! `refresh_tokens`: opaque session tokens, stored as a SHA-256 hash, rotated on every use. All
//! tokens descending from one login share a `family_id`, so reuse of a rotated one can revoke
//! the whole family.
use sea_orm::entity::prelude::*;

use crate::ids::{RefreshTokenId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: RefreshTokenId,
    pub user_id: UserId,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub family_id: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
