//! Migrations apply and roll back cleanly on both databases.

use crate::storage_test;
use crate::support::Backend;
use crate::support::{TestDb, tables};

const ALL_TABLES: [&str; 25] = [
    "api_tokens",
    "authors",
    "authorship_claims",
    "collection_items",
    "collection_upvotes",
    "collections",
    "comment_reports",
    "comment_upvotes",
    "comments",
    "digest_sends",
    "digest_subscriptions",
    "follows",
    "job_runs",
    "moderation_actions",
    "notifications",
    "paper_authors",
    "paper_embeddings",
    "paper_topics",
    "paper_upvotes",
    "papers",
    "refresh_tokens",
    "topics",
    "users",
    "webhook_deliveries",
    "webhooks",
];

/// Tables only PostgreSQL has: what replicas share there (SQLite serves one process).
const POSTGRES_TABLES: [&str; 2] = ["app_secrets", "throttle_windows"];

/// The tables a fully migrated database of the backend holds, sorted.
fn all_tables(backend: Backend) -> Vec<String> {
    let mut all: Vec<String> = ALL_TABLES.iter().map(|t| (*t).to_owned()).collect();
    if backend == Backend::Postgres {
        all.extend(POSTGRES_TABLES.iter().map(|t| (*t).to_owned()));
    }
    all.sort();
    all
}

/// Everything the migrations make, one line each: tables with their columns, indexes, triggers
/// and functions (the migrations' bookkeeping table left out).
async fn schema_of(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || \
               is_nullable || ' ' || COALESCE(column_default, '') AS line \
             FROM information_schema.columns WHERE table_schema = 'public' \
               AND table_name <> 'seaql_migrations' \
             UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' \
               AND tablename <> 'seaql_migrations' \
             UNION ALL SELECT 'trigger ' || tgname || ' ' || pg_get_triggerdef(t.oid) \
               FROM pg_trigger t WHERE NOT tgisinternal \
             UNION ALL SELECT 'function ' || p.proname FROM pg_proc p \
               JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' \
             UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid) \
               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
               WHERE n.nspname = 'public' AND conrelid <> 'seaql_migrations'::regclass"
        }
        _ => {
            "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS line FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations'"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("read the schema");
    let mut lines: Vec<String> = rows
        .iter()
        .filter_map(|row| row.try_get::<String>("", "line").ok())
        .collect();
    lines.sort();
    lines
}

storage_test!(migrations_go_up_down_and_up_again);
async fn migrations_go_up_down_and_up_again(backend: Backend) {
    let test_db = TestDb::new(backend).await;
    let settings = crate::support::settings(&test_db, &[]);
    let db = api::db::connect(&settings).await.expect("connect");

    api::db::migrate_up(&db).await.expect("up");
    assert_eq!(tables(&db).await, all_tables(backend));
    let schema = schema_of(&db).await;
    assert!(
        schema.iter().any(|l| l.contains("follower_count")),
        "the schema lists columns"
    );
    let status = api::db::migration_status(&db).await.expect("status");
    assert!(!status.is_empty() && status.iter().all(|(_, applied)| *applied));

    api::db::migrate_down(&db).await.expect("down");
    assert!(
        tables(&db).await.is_empty(),
        "down() leaves no table behind"
    );
    assert_eq!(
        schema_of(&db).await,
        Vec::<String>::new(),
        "nor an index, trigger or function"
    );
    let status = api::db::migration_status(&db).await.expect("status");
    assert!(status.iter().all(|(_, applied)| !applied));

    api::db::migrate_up(&db).await.expect("up again");
    assert_eq!(tables(&db).await, all_tables(backend));
    assert_eq!(
        schema_of(&db).await,
        schema,
        "up after down makes the same schema, column for column"
    );
}

storage_test!(the_schema_enforces_foreign_keys_and_uniqueness);
async fn the_schema_enforces_foreign_keys_and_uniqueness(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let test_db = TestDb::new(backend).await;
    let settings = crate::support::settings(&test_db, &[]);
    let db = api::db::connect(&settings).await.expect("connect");
    api::db::migrate_up(&db).await.expect("up");

    // A link to a paper that does not exist is refused (SQLite has foreign keys on).
    let orphan = db
        .execute_unprepared(
            "INSERT INTO paper_authors (paper_id, position, author_id) VALUES (999, 0, 999)",
        )
        .await;
    assert!(orphan.is_err(), "foreign keys are enforced");

    let insert = "INSERT INTO papers \
                  (arxiv_id, title, abstract, submitted_at, upvote_count, comment_count, \
                  trending_score) \
                  VALUES ('2309.00916', 't', 'a', '2025-01-01T00:00:00Z', 0, 0, 0)";
    db.execute_unprepared(insert).await.expect("first insert");
    assert!(
        db.execute_unprepared(insert).await.is_err(),
        "arxiv_id is unique"
    );
}
