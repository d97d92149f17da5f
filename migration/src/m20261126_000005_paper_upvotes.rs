//! `paper_upvotes`: one upvote per user per paper.
use crate::columns::*;
use crate::m20261126_000003_papers::Papers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_upvote_table(
            manager,
            "paper_upvotes",
            "paper_id",
            Papers::Table.into_iden(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Alias::new("paper_upvotes")).await
    }
}
