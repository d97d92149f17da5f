//! Two kinds of digest: `trending` (the site's top papers, as before) and `for_you` (a reader's
//! following feed and recommendations). An address may hold one subscription per frequency and
//! kind.
use crate::columns::run_raw;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE digest_subscriptions ADD COLUMN kind TEXT NOT NULL DEFAULT 'trending'",
    "DROP INDEX idx_digest_subscriptions_address",
    "CREATE UNIQUE INDEX idx_digest_subscriptions_kind \
     ON digest_subscriptions (email, frequency, kind)",
];

// The old index comes back under its old name; no name is dropped and made again within one run
// (`papers migrate down` on SQLite through sqlx then failed with "index … already exists", which
// the same statements in the sqlite3 shell did not: not understood, avoided).
const DOWN: &[&str] = &[
    "DELETE FROM digest_subscriptions WHERE kind <> 'trending'",
    "DROP INDEX idx_digest_subscriptions_kind",
    "ALTER TABLE digest_subscriptions DROP COLUMN kind",
    "CREATE UNIQUE INDEX idx_digest_subscriptions_address \
     ON digest_subscriptions (email, frequency)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, UP, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, DOWN, DOWN).await
    }
}
