//! `notifications`: what a user is told of (a reply, a comment on their paper, a claim decided,
//! a comment hidden), read or not.
use sea_orm::entity::prelude::*;

use crate::ids::{ClaimId, CommentId, NotificationId, PaperId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: NotificationId,
    /// Whose inbox it is in.
    pub user_id: UserId,
    /// `COMMENT_REPLY`, `PAPER_COMMENT`, `CLAIM_DECIDED` or `COMMENT_HIDDEN`.
    pub kind: String,
    /// Who did it (null once that account is gone).
    pub actor_id: Option<UserId>,
    pub paper_id: Option<PaperId>,
    pub comment_id: Option<CommentId>,
    pub claim_id: Option<ClaimId>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
