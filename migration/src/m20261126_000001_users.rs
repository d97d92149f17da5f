//! `users`: accounts.
use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Email,
    PasswordHash,
    Role,
    Bio,
    AvatarUrl,
    CreatedAt,
    DisabledAt,
    PasswordChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Usernames and emails are stored lowercase by the service, so plain unique
        // constraints make them unique case-insensitively on both databases.
        let table = Table::create()
            .table(Users::Table)
            .col(id(Users::Id))
            .col(string(Users::Username).unique_key())
            .col(string_null(Users::DisplayName))
            .col(string(Users::Email).unique_key())
            .col(string(Users::PasswordHash))
            .col(string(Users::Role).default("user"))
            .col(text_null(Users::Bio))
            .col(string_null(Users::AvatarUrl))
            .col(timestamp(Users::CreatedAt))
            .col(timestamp_null(Users::DisabledAt))
            .col(timestamp(Users::PasswordChangedAt))
            .to_owned();
        create(manager, table, vec![]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Users::Table).await
    }
}
