//! `comment_reports`: a user's flag on a comment, waiting for a moderator or resolved.
use sea_orm::entity::prelude::*;

use crate::ids::{CommentId, ReportId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comment_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ReportId,
    pub comment_id: CommentId,
    /// Null once the reporter's account is gone.
    pub reporter_id: Option<UserId>,
    /// `SPAM`, `ABUSE`, `OFF_TOPIC` or `OTHER`.
    pub reason: String,
    pub details: Option<String>,
    /// `OPEN`, `HIDDEN` (the comment was hidden) or `DISMISSED`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub resolved_by: Option<UserId>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
