//! `authorship_claims`: users' claims to author identities, decided by moderators.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use crate::m20261126_000002_authors::Authors;
use crate::m20261126_000003_papers::Papers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuthorshipClaims {
    Table,
    Id,
    UserId,
    AuthorId,
    PaperId,
    Position,
    Note,
    Status,
    CreatedAt,
    DecidedAt,
    DecidedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(AuthorshipClaims::Table)
            .col(id(AuthorshipClaims::Id))
            .col(big_int(AuthorshipClaims::UserId))
            .col(big_int(AuthorshipClaims::AuthorId))
            .col(big_int(AuthorshipClaims::PaperId))
            .col(int(AuthorshipClaims::Position))
            .col(text_null(AuthorshipClaims::Note))
            .col(string(AuthorshipClaims::Status).default("pending"))
            .col(timestamp(AuthorshipClaims::CreatedAt))
            .col(timestamp_null(AuthorshipClaims::DecidedAt))
            .col(big_int_null(AuthorshipClaims::DecidedBy))
            .foreign_key(&mut fk(
                AuthorshipClaims::Table,
                AuthorshipClaims::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                AuthorshipClaims::Table,
                AuthorshipClaims::AuthorId,
                Authors::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                AuthorshipClaims::Table,
                AuthorshipClaims::PaperId,
                Papers::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                AuthorshipClaims::Table,
                AuthorshipClaims::DecidedBy,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        let indexes = vec![
            index(
                AuthorshipClaims::Table,
                "user",
                vec![AuthorshipClaims::UserId.into_iden()],
            ),
            index(
                AuthorshipClaims::Table,
                "status",
                vec![
                    AuthorshipClaims::Status.into_iden(),
                    AuthorshipClaims::CreatedAt.into_iden(),
                ],
            ),
        ];
        create(manager, table, indexes).await?;
        // At most one pending claim per author identity. A partial unique index (same syntax on
        // SQLite and PostgreSQL) still lets a rejected claim be filed again.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_authorship_claims_one_pending \
                 ON authorship_claims (author_id) WHERE status = 'pending'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, AuthorshipClaims::Table).await
    }
}
