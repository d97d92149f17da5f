//! `comments.body_html`: a comment's markdown rendered to sanitised HTML once, when it is written
//! or edited, instead of on every read. Null until rendered: rows written before this migration
//! are rendered by the service in the background after start-up (rendering needs the service's
//! markdown rules), and read as before until then.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("comments"))
                    .add_column(ColumnDef::new(Alias::new("body_html")).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("comments"))
                    .drop_column(Alias::new("body_html"))
                    .to_owned(),
            )
            .await
    }
}
