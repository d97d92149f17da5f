//! `comments.body_html`: a comment's markdown rendered to sanitised HTML once, when it is written
//! or edited, instead of on every read. Null until rendered: rows written before this migration
//! are rendered by the service in the background after start-up (rendering needs the service's
//! markdown rules), and read as before until then. A partial index holds the rows still to
//! render, so that the start-up check costs nothing once they are done (a million comments would
//! otherwise be scanned at every start).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// Both databases accept partial indexes in this form.
const UNRENDERED_INDEX: &str =
    "CREATE INDEX idx_comments_unrendered ON comments (id) WHERE body_html IS NULL";

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
            .await?;
        manager
            .get_connection()
            .execute_unprepared(UNRENDERED_INDEX)
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_comments_unrendered")
                    .table(Alias::new("comments"))
                    .to_owned(),
            )
            .await?;
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
