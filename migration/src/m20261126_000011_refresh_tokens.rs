//! `refresh_tokens`: hashed, rotated session tokens grouped in families.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    FamilyId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(RefreshTokens::Table)
            .col(id(RefreshTokens::Id))
            .col(big_int(RefreshTokens::UserId))
            .col(string(RefreshTokens::TokenHash).unique_key())
            .col(string(RefreshTokens::FamilyId))
            .col(timestamp(RefreshTokens::CreatedAt))
            .col(timestamp(RefreshTokens::ExpiresAt))
            .col(timestamp_null(RefreshTokens::RevokedAt))
            .foreign_key(&mut fk(
                RefreshTokens::Table,
                RefreshTokens::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indexes = vec![
            index(
                RefreshTokens::Table,
                "family",
                vec![RefreshTokens::FamilyId.into_iden()],
            ),
            index(
                RefreshTokens::Table,
                "user",
                vec![RefreshTokens::UserId.into_iden()],
            ),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, RefreshTokens::Table).await
    }
}
