//! Comment lists are ordered by id (ids grow with time), but their indexes ended in
//! `created_at`, so a page of a long thread sorted the whole thread first. Keyed on `id`, a
//! thread's, a comment's replies' and a user's comments come out of the index in page order and
//! a page costs the same however long the list. A paper's index puts `parent_id` after `id`:
//! PostgreSQL does not take `parent_id IS NULL` as fixing a column, so `(paper_id, parent_id,
//! id)` would not yield top-level comments in id order; after `id` it still filters them inside
//! the index, and counting a thread reads the index alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each comment index before this migration, and the one that replaces it.
const INDEXES: &[[(&str, &str); 2]] = &[
    [
        ("idx_comments_paper", "paper_id, parent_id, created_at"),
        ("idx_comments_thread", "paper_id, id, parent_id"),
    ],
    [
        ("idx_comments_parent", "parent_id, created_at"),
        ("idx_comments_replies", "parent_id, id"),
    ],
    [
        ("idx_comments_user", "user_id, created_at"),
        ("idx_comments_by_user", "user_id, id"),
    ],
];

/// Replaces each index by its successor (`up`) or predecessor.
async fn rebuild(manager: &SchemaManager<'_>, up: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for [before, after] in INDEXES {
        let ((old, _), (new, columns)) = if up { (before, after) } else { (after, before) };
        db.execute_unprepared(&format!("CREATE INDEX {new} ON comments ({columns})"))
            .await?;
        db.execute_unprepared(&format!("DROP INDEX {old}")).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, false).await
    }
}
