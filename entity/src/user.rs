//! `users`: accounts. `email` is private to its owner; `username` is stored lowercase.
use sea_orm::entity::prelude::*;

use crate::ids::UserId;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: UserId,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: Option<String>,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
    /// Access tokens issued before this instant are rejected.
    pub password_changed_at: DateTimeUtc,
    /// Users following this one: always the number of its `follows` rows. The services move it
    /// with plain statements and read it through a loader (a cached session row may be older).
    pub follower_count: i32,
}

/// What a user may do beyond their own content, stored as `user`, `moderator` or `admin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    #[sea_orm(string_value = "user")]
    User,
    /// Hides comments, decides authorship claims.
    #[sea_orm(string_value = "moderator")]
    Moderator,
    /// Everything a moderator does.
    #[sea_orm(string_value = "admin")]
    Admin,
}

impl Role {
    /// Whether the role moderates (hides comments, decides claims).
    pub fn moderates(self) -> bool {
        matches!(self, Self::Moderator | Self::Admin)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
