//! The email digest: `digest_subscriptions` (an address, a frequency, one secret token for the
//! confirmation and unsubscribe links (kept as it is: each digest's unsubscribe link needs it), confirmed once the link is followed) and `digest_sends`,
//! the log that makes each digest go out once per subscription and period.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DigestSubscriptions {
    Table,
    Id,
    Email,
    UserId,
    Frequency,
    Token,
    CreatedAt,
    ConfirmedAt,
}

#[derive(DeriveIden)]
enum DigestSends {
    Table,
    SubscriptionId,
    Period,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let subscriptions = Table::create()
            .table(DigestSubscriptions::Table)
            .col(id(DigestSubscriptions::Id))
            .col(string(DigestSubscriptions::Email))
            .col(big_int_null(DigestSubscriptions::UserId))
            .col(string(DigestSubscriptions::Frequency))
            .col(string(DigestSubscriptions::Token).unique_key())
            .col(timestamp(DigestSubscriptions::CreatedAt))
            .col(timestamp_null(DigestSubscriptions::ConfirmedAt))
            .foreign_key(&mut fk(
                DigestSubscriptions::Table,
                DigestSubscriptions::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let mut one_per_address = Index::create();
        one_per_address
            .name("idx_digest_subscriptions_address")
            .table(DigestSubscriptions::Table)
            .col(DigestSubscriptions::Email)
            .col(DigestSubscriptions::Frequency)
            .unique();
        create(
            manager,
            subscriptions,
            vec![
                one_per_address.to_owned(),
                index(
                    DigestSubscriptions::Table,
                    "user",
                    vec![DigestSubscriptions::UserId.into_iden()],
                ),
            ],
        )
        .await?;
        let sends = Table::create()
            .table(DigestSends::Table)
            .col(big_int(DigestSends::SubscriptionId))
            .col(string(DigestSends::Period))
            .col(timestamp(DigestSends::SentAt))
            .primary_key(
                Index::create()
                    .col(DigestSends::SubscriptionId)
                    .col(DigestSends::Period),
            )
            .foreign_key(&mut fk(
                DigestSends::Table,
                DigestSends::SubscriptionId,
                DigestSubscriptions::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create(manager, sends, vec![]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, DigestSends::Table).await?;
        drop(manager, DigestSubscriptions::Table).await
    }
}
