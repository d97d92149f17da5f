//! `comments`: markdown comments on a paper; replies nest through `parent_id`. Deleting or hiding
//! leaves the row (a tombstone) so that threads stay intact.
use sea_orm::entity::prelude::*;

use crate::ids::{CommentId, PaperId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CommentId,
    pub paper_id: PaperId,
    pub user_id: Option<UserId>,
    pub parent_id: Option<CommentId>,
    /// Nesting depth: 0 for a top-level comment.
    pub depth: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `body` rendered to sanitised HTML when written; null for rows not yet rendered.
    #[sea_orm(column_type = "Text", nullable)]
    pub body_html: Option<String>,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub hidden_at: Option<DateTimeUtc>,
    pub hidden_reason: Option<String>,
    pub hidden_by: Option<UserId>,
    pub upvote_count: i32,
    /// Direct replies, tombstones included (they keep the thread's shape).
    pub reply_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
