//! `webhooks` (a user's endpoints, each with its signing secret and the events it wants) and
//! `webhook_deliveries`, the outbox: a delivery row is written in the transaction of the change
//! it reports, and a worker sends it, retrying on its schedule.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    UserId,
    Url,
    Events,
    Description,
    Secret,
    IsActive,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    MessageId,
    Event,
    Payload,
    Status,
    Attempts,
    ResponseStatus,
    LastError,
    CreatedAt,
    DeliveredAt,
    NextAttemptAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let webhooks = Table::create()
            .table(Webhooks::Table)
            .col(id(Webhooks::Id))
            .col(big_int(Webhooks::UserId))
            .col(text(Webhooks::Url))
            .col(string(Webhooks::Events))
            .col(text_null(Webhooks::Description))
            .col(string(Webhooks::Secret))
            .col(boolean(Webhooks::IsActive))
            .col(timestamp(Webhooks::CreatedAt))
            .foreign_key(&mut fk(
                Webhooks::Table,
                Webhooks::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create(
            manager,
            webhooks,
            vec![index(
                Webhooks::Table,
                "user",
                vec![Webhooks::UserId.into_iden()],
            )],
        )
        .await?;
        let deliveries = Table::create()
            .table(WebhookDeliveries::Table)
            .col(id(WebhookDeliveries::Id))
            .col(big_int(WebhookDeliveries::WebhookId))
            .col(string(WebhookDeliveries::MessageId).unique_key())
            .col(string(WebhookDeliveries::Event))
            .col(text(WebhookDeliveries::Payload))
            .col(string(WebhookDeliveries::Status))
            .col(counter(WebhookDeliveries::Attempts))
            .col(
                ColumnDef::new(WebhookDeliveries::ResponseStatus)
                    .integer()
                    .null(),
            )
            .col(text_null(WebhookDeliveries::LastError))
            .col(timestamp(WebhookDeliveries::CreatedAt))
            .col(timestamp_null(WebhookDeliveries::DeliveredAt))
            .col(timestamp_null(WebhookDeliveries::NextAttemptAt))
            .foreign_key(&mut fk(
                WebhookDeliveries::Table,
                WebhookDeliveries::WebhookId,
                Webhooks::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create(
            manager,
            deliveries,
            vec![
                // A webhook's deliveries, newest first.
                index(
                    WebhookDeliveries::Table,
                    "webhook",
                    vec![
                        WebhookDeliveries::WebhookId.into_iden(),
                        WebhookDeliveries::Id.into_iden(),
                    ],
                ),
                // What the worker sends next.
                index(
                    WebhookDeliveries::Table,
                    "due",
                    vec![
                        WebhookDeliveries::Status.into_iden(),
                        WebhookDeliveries::NextAttemptAt.into_iden(),
                    ],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, WebhookDeliveries::Table).await?;
        drop(manager, Webhooks::Table).await
    }
}
