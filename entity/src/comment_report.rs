//! `comment_reports`: a user's flag on a comment, waiting for a moderator or resolved.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comment_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comment_id: i64,
    /// Null once the reporter's account is gone.
    pub reporter_id: Option<i64>,
    /// `SPAM`, `ABUSE`, `OFF_TOPIC` or `OTHER`.
    pub reason: String,
    pub details: Option<String>,
    /// `OPEN`, `HIDDEN` (the comment was hidden) or `DISMISSED`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
