//! `webhook_deliveries`: the outbox. One message to one webhook, written with the change it
//! reports, then sent (and retried) by the delivery worker.
use sea_orm::entity::prelude::*;

use crate::ids::{DeliveryId, WebhookId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    /// The `webhook-id` header, the same on every attempt: the receiver's idempotency key.
    #[sea_orm(unique)]
    pub message_id: String,
    /// The event type, e.g. `comment.added`.
    pub event: String,
    /// The JSON body, as signed and sent.
    pub payload: String,
    /// `PENDING`, `DELIVERED` or `FAILED`.
    pub status: String,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
    /// When a pending delivery is next tried (a worker holding it pushes this forward).
    pub next_attempt_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
