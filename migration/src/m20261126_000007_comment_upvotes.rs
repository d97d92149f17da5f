//! `comment_upvotes`: one upvote per user per comment.
use crate::columns::*;
use crate::m20261126_000006_comments::Comments;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_upvote_table(
            manager,
            "comment_upvotes",
            "comment_id",
            Comments::Table.into_iden(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Alias::new("comment_upvotes")).await
    }
}
