//! `collection_upvotes`: one upvote per user per collection.
use crate::columns::*;
use crate::m20261126_000008_collections::Collections;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_upvote_table(
            manager,
            "collection_upvotes",
            "collection_id",
            Collections::Table.into_iden(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Alias::new("collection_upvotes")).await
    }
}
