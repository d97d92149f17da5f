//! `moderation_actions`: the log of what moderators did, one row per act.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub moderator_id: i64,
    /// `hide_comment`, `unhide_comment`, `dismiss_report`, `approve_claim`, `reject_claim`,
    /// `set_role`.
    pub action: String,
    /// The global ID of what was acted on.
    pub target_id: String,
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
