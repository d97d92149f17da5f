//! `moderation_actions`: the log of what moderators did, one row per act.
use sea_orm::entity::prelude::*;

use crate::ids::{ActionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ActionId,
    pub moderator_id: UserId,
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
