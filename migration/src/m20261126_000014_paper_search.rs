//! Full-text search over papers: title, authors and abstract. The one dialect-specific
//! migration: SQLite gets an FTS5 index kept in step by triggers, PostgreSQL a generated,
//! weighted `tsvector` column with a GIN index. Both read `papers.author_names`, the author list
//! as text, which the services fill when they write a paper's authors.

use crate::columns::run_raw;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "ALTER TABLE papers ADD COLUMN author_names TEXT NOT NULL DEFAULT ''",
    "UPDATE papers SET author_names = COALESCE((SELECT group_concat(name, ', ') FROM \
       (SELECT a.name AS name FROM paper_authors pa JOIN authors a ON a.id = pa.author_id \
        WHERE pa.paper_id = papers.id ORDER BY pa.position)), '')",
    // An external-content index: the text lives in `papers`, the index in `paper_search`.
    "CREATE VIRTUAL TABLE paper_search USING fts5(title, author_names, abstract, \
       content='papers', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO paper_search(paper_search) VALUES ('rebuild')",
    "CREATE TRIGGER papers_search_insert AFTER INSERT ON papers BEGIN \
       INSERT INTO paper_search(rowid, title, author_names, abstract) \
       VALUES (new.id, new.title, new.author_names, new.abstract); END",
    "CREATE TRIGGER papers_search_delete AFTER DELETE ON papers BEGIN \
       INSERT INTO paper_search(paper_search, rowid, title, author_names, abstract) \
       VALUES ('delete', old.id, old.title, old.author_names, old.abstract); END",
    "CREATE TRIGGER papers_search_update AFTER UPDATE OF title, author_names, abstract ON papers BEGIN \
       INSERT INTO paper_search(paper_search, rowid, title, author_names, abstract) \
       VALUES ('delete', old.id, old.title, old.author_names, old.abstract); \
       INSERT INTO paper_search(rowid, title, author_names, abstract) \
       VALUES (new.id, new.title, new.author_names, new.abstract); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS papers_search_update",
    "DROP TRIGGER IF EXISTS papers_search_delete",
    "DROP TRIGGER IF EXISTS papers_search_insert",
    "DROP TABLE IF EXISTS paper_search",
    "ALTER TABLE papers DROP COLUMN author_names",
];

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE papers ADD COLUMN author_names TEXT NOT NULL DEFAULT ''",
    "UPDATE papers SET author_names = COALESCE((SELECT string_agg(a.name, ', ' ORDER BY pa.position) \
       FROM paper_authors pa JOIN authors a ON a.id = pa.author_id WHERE pa.paper_id = papers.id), '')",
    // Title weighs A, authors B, abstract C: ts_rank ranks them in that order.
    "ALTER TABLE papers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ( \
       setweight(to_tsvector('english', title), 'A') || \
       setweight(to_tsvector('simple', author_names), 'B') || \
       setweight(to_tsvector('english', abstract), 'C')) STORED",
    "CREATE INDEX idx_papers_search ON papers USING GIN (search_vector)",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_papers_search",
    "ALTER TABLE papers DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE papers DROP COLUMN IF EXISTS author_names",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
