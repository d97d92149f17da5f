//! At most one notification per reader and paper of what they follow
//! (`FOLLOWED_AUTHOR_PAPER`, `FOLLOWED_COLLECTION_ITEM`): a partial unique index, which the
//! writes meet with `ON CONFLICT DO NOTHING`, so parallel arrivals of one paper tell each reader
//! once.
use crate::columns::run_raw;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &["CREATE UNIQUE INDEX uq_notifications_followed_paper \
     ON notifications (user_id, paper_id) \
     WHERE kind IN ('FOLLOWED_AUTHOR_PAPER', 'FOLLOWED_COLLECTION_ITEM')"];

const DOWN: &[&str] = &["DROP INDEX IF EXISTS uq_notifications_followed_paper"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, UP, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, DOWN, DOWN).await
    }
}
