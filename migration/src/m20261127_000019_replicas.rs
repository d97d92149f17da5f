//! What several replicas of the service share through the database.
//!
//! - `job_runs` (both databases): when each periodic job last ran, so that one replica claims
//!   each run (an `UPDATE … WHERE last_run_at <= …` only one can win) instead of every replica
//!   running it. Unix seconds, so that both databases compare them alike.
//! - `app_secrets` (PostgreSQL): the generated JWT secret when none is configured, created once
//!   by whichever replica starts first, so a token minted by one replica is good on every one.
//!   SQLite keeps its secret in a file beside the database.
//! - `throttle_windows` (PostgreSQL): each throttle key's recent events, a sliding window kept
//!   in one row that an upsert checks and extends atomically. SQLite's throttles stay in memory.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE app_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, \
       created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    "CREATE TABLE throttle_windows (throttle TEXT NOT NULL, key TEXT NOT NULL, \
       events TIMESTAMPTZ[] NOT NULL, PRIMARY KEY (throttle, key))",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TABLE IF EXISTS throttle_windows",
    "DROP TABLE IF EXISTS app_secrets",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("job_runs"))
                    .col(
                        ColumnDef::new(Alias::new("name"))
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Alias::new("last_run_at"))
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            for statement in POSTGRES_UP {
                db.execute_unprepared(statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            for statement in POSTGRES_DOWN {
                db.execute_unprepared(statement).await?;
            }
        }
        manager
            .drop_table(Table::drop().table(Alias::new("job_runs")).to_owned())
            .await
    }
}
