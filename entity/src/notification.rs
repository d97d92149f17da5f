//! `notifications`: what a user is told of (a reply, a comment on their paper, a claim decided,
//! a comment hidden), read or not.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose inbox it is in.
    pub user_id: i64,
    /// `COMMENT_REPLY`, `PAPER_COMMENT`, `CLAIM_DECIDED` or `COMMENT_HIDDEN`.
    pub kind: String,
    /// Who did it (null once that account is gone).
    pub actor_id: Option<i64>,
    pub paper_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
