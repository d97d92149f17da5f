//! `api_tokens`: hashed, scoped, revocable tokens for integrations.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    Scopes,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(ApiTokens::Table)
            .col(id(ApiTokens::Id))
            .col(big_int(ApiTokens::UserId))
            .col(string(ApiTokens::Name))
            .col(string(ApiTokens::TokenHash).unique_key())
            .col(string(ApiTokens::Scopes))
            .col(timestamp(ApiTokens::CreatedAt))
            .col(timestamp_null(ApiTokens::LastUsedAt))
            .col(timestamp_null(ApiTokens::RevokedAt))
            .foreign_key(&mut fk(
                ApiTokens::Table,
                ApiTokens::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indexes = vec![index(
            ApiTokens::Table,
            "user",
            vec![ApiTokens::UserId.into_iden()],
        )];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, ApiTokens::Table).await
    }
}
