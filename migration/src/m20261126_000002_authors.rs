//! `authors`: distinct author identities, claimable by a user.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Authors {
    Table,
    Id,
    Name,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Authors::Table)
            .col(id(Authors::Id))
            .col(string(Authors::Name))
            .col(big_int_null(Authors::UserId))
            .foreign_key(&mut fk(
                Authors::Table,
                Authors::UserId,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        // By name: a submission matches its authors to existing rows by exact name.
        let indexes = vec![
            index(Authors::Table, "name", vec![Authors::Name.into_iden()]),
            index(Authors::Table, "user", vec![Authors::UserId.into_iden()]),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Authors::Table).await
    }
}
