//! On PostgreSQL, a trigger announces every change to an account (`UPDATE` or `DELETE` on
//! `users`, whoever makes it: any replica, the command line, an operator's SQL) on the live-event
//! channel, as the service's own `UserChanged` event: every replica then forgets the row from its
//! cache of signed-in users, so that a disabled account, a changed password or a removed role is
//! never let through from a cached row. SQLite caches no rows, and needs nothing.
use crate::columns::run_raw;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    // The payload is `services::events::Event::UserChanged` as serde writes it; the channel is
    // `services::events::CHANNEL`.
    "CREATE FUNCTION papers_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       PERFORM pg_notify('papers_events', json_build_object('kind', 'user_changed', 'user', OLD.id)::text); \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users \
     FOR EACH ROW EXECUTE FUNCTION papers_user_changed()",
];

const DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS users_changed ON users",
    "DROP FUNCTION IF EXISTS papers_user_changed()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, &[], UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_raw(manager, &[], DOWN).await
    }
}
