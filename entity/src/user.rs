//! `users`: accounts. `email` is private to its owner; `username` is stored lowercase.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: Option<String>,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    /// `user`, `moderator` or `admin`.
    pub role: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
    /// Access tokens issued before this instant are rejected.
    pub password_changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
