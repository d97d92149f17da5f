//! `notifications`: a user's inbox. Each row says what happened (`kind`), who did it and to what
//! (a paper, a comment, a claim), written in the transaction of the action itself.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    ActorId,
    PaperId,
    CommentId,
    ClaimId,
    CreatedAt,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Notifications::Table)
            .col(id(Notifications::Id))
            .col(big_int(Notifications::UserId))
            .col(string(Notifications::Kind))
            .col(big_int_null(Notifications::ActorId))
            .col(big_int_null(Notifications::PaperId))
            .col(big_int_null(Notifications::CommentId))
            .col(big_int_null(Notifications::ClaimId))
            .col(timestamp(Notifications::CreatedAt))
            .col(timestamp_null(Notifications::ReadAt))
            .foreign_key(&mut fk(
                Notifications::Table,
                Notifications::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                Notifications::Table,
                Notifications::ActorId,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                Notifications::Table,
                Notifications::PaperId,
                Alias::new("papers"),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                Notifications::Table,
                Notifications::CommentId,
                Alias::new("comments"),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                Notifications::Table,
                Notifications::ClaimId,
                Alias::new("authorship_claims"),
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create(
            manager,
            table,
            vec![
                // The inbox, newest first.
                index(
                    Notifications::Table,
                    "inbox",
                    vec![
                        Notifications::UserId.into_iden(),
                        Notifications::Id.into_iden(),
                    ],
                ),
                // The unread count.
                index(
                    Notifications::Table,
                    "unread",
                    vec![
                        Notifications::UserId.into_iden(),
                        Notifications::ReadAt.into_iden(),
                    ],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Notifications::Table).await
    }
}
