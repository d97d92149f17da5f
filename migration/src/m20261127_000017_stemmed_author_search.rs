//! PostgreSQL's search vector stems author names as it stems the query. They were indexed
//! unstemmed (`simple`) while every query word goes through `english`, so a whole word such as
//! `zebras` (the query's `zebra`) never matched the author `Zebras`: only the prefix match of
//! the last word hid it. PostgreSQL 15 cannot change a generated column's expression, so the
//! column and its index are made again. SQLite's FTS5 index already stems every column alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The search vector, its author names read with the given configuration.
fn rebuild(authors_config: &str) -> [String; 4] {
    [
        "DROP INDEX IF EXISTS idx_papers_search".to_owned(),
        "ALTER TABLE papers DROP COLUMN search_vector".to_owned(),
        // Title weighs A, authors B, abstract C: ts_rank ranks them in that order.
        format!(
            "ALTER TABLE papers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ( \
               setweight(to_tsvector('english', title), 'A') || \
               setweight(to_tsvector('{authors_config}', author_names), 'B') || \
               setweight(to_tsvector('english', abstract), 'C')) STORED"
        ),
        "CREATE INDEX idx_papers_search ON papers USING GIN (search_vector)".to_owned(),
    ]
}

async fn run(manager: &SchemaManager<'_>, authors_config: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for statement in rebuild(authors_config) {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, "english").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, "simple").await
    }
}
