//! `webhooks`: a user's endpoint, told of the events it asked for, signed with its secret.
use sea_orm::entity::prelude::*;

use crate::ids::{UserId, WebhookId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: WebhookId,
    pub user_id: UserId,
    pub url: String,
    /// Comma-separated event types: `paper.submitted`, `comment.added`, `claim.decided`.
    pub events: String,
    pub description: Option<String>,
    /// `whsec_` and the base64 of the signing key (the Standard Webhooks form).
    pub secret: String,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
