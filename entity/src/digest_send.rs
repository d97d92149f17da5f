//! `digest_sends`: which subscription got the digest of which period (`2026-11-26`, `2026-W48`).
use sea_orm::entity::prelude::*;

use crate::ids::SubscriptionId;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_sends")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: SubscriptionId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
