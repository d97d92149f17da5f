//! `papers seed --synthetic N`: deterministic, realistic proportions, counters equal to rows.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::storage_test;
use crate::support::Backend;
use crate::support::{TestDb, count_rows};

async fn migrated(backend: crate::support::Backend) -> (TestDb, DatabaseConnection) {
    let test_db = TestDb::new(backend).await;
    let settings = crate::support::settings(&test_db, &[]);
    let db = api::db::connect(&settings).await.expect("connect");
    api::db::migrate_up(&db).await.expect("migrate");
    (test_db, db)
}

pub(crate) async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

/// Rows whose denormalised counter disagrees with the rows it counts.
pub(crate) const MISMATCHES: &[(&str, &str)] = &[
    (
        "paper upvotes",
        "SELECT COUNT(*) AS n FROM papers p WHERE p.upvote_count <> (SELECT COUNT(*) FROM \
            paper_upvotes v WHERE v.paper_id = p.id)",
    ),
    (
        "paper comments",
        "SELECT COUNT(*) AS n FROM papers p WHERE p.comment_count <> (SELECT COUNT(*) FROM \
            comments c WHERE c.paper_id = p.id AND c.deleted_at IS NULL)",
    ),
    (
        "comment replies",
        "SELECT COUNT(*) AS n FROM comments p WHERE p.reply_count <> (SELECT COUNT(*) FROM \
            comments c WHERE c.parent_id = p.id)",
    ),
    (
        "comment upvotes",
        "SELECT COUNT(*) AS n FROM comments p WHERE p.upvote_count <> (SELECT COUNT(*) FROM \
            comment_upvotes v WHERE v.comment_id = p.id)",
    ),
    (
        "collection items",
        "SELECT COUNT(*) AS n FROM collections p WHERE p.item_count <> (SELECT COUNT(*) FROM \
            collection_items i WHERE i.collection_id = p.id)",
    ),
    (
        "collection upvotes",
        "SELECT COUNT(*) AS n FROM collections p WHERE p.upvote_count <> (SELECT COUNT(*) FROM \
            collection_upvotes v WHERE v.collection_id = p.id)",
    ),
    (
        "replies on another paper",
        "SELECT COUNT(*) AS n FROM comments c JOIN comments p ON p.id = c.parent_id WHERE \
            p.paper_id <> c.paper_id",
    ),
];

storage_test!(synthetic_data_has_realistic_proportions_and_consistent_counters);
async fn synthetic_data_has_realistic_proportions_and_consistent_counters(backend: Backend) {
    let (_test_db, db) = migrated(backend).await;
    let report = api::services::seed::seed(&db, 500, 7).await.expect("seed");
    assert_eq!(report.papers, 500);
    assert_eq!(count_rows(&db, "papers").await, 500);
    assert_eq!(count_rows(&db, "users").await, 100);
    assert_eq!(count_rows(&db, "comments").await, 500);
    assert_eq!(count_rows(&db, "collections").await, 25);
    let links = count_rows(&db, "paper_authors").await;
    assert!(
        (1200..=1800).contains(&links),
        "about 3 authors a paper: {links}"
    );
    let votes = count_rows(&db, "paper_upvotes").await;
    assert!(
        (3000..=7000).contains(&votes),
        "about 10 votes a paper: {votes}"
    );
    for (what, sql) in MISMATCHES {
        assert_eq!(
            scalar(&db, sql).await,
            0,
            "{what} counters equal their rows"
        );
    }
    // A second seed into the now non-empty database is refused and changes nothing.
    assert!(api::services::seed::seed(&db, 10, 7).await.is_err());
    assert_eq!(count_rows(&db, "papers").await, 500);
}

storage_test!(the_same_seed_makes_the_same_data);
async fn the_same_seed_makes_the_same_data(backend: Backend) {
    let fingerprint = |db: DatabaseConnection| async move {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT arxiv_id, title, upvote_count, comment_count, author_names FROM papers \
                    ORDER BY id"
                    .to_owned(),
            ))
            .await
            .expect("rows");
        rows.iter()
            .map(|r| {
                format!(
                    "{}|{}|{}|{}|{}",
                    r.try_get::<String>("", "arxiv_id").expect("id"),
                    r.try_get::<String>("", "title").expect("title"),
                    r.try_get::<i32>("", "upvote_count").expect("votes"),
                    r.try_get::<i32>("", "comment_count").expect("comments"),
                    r.try_get::<String>("", "author_names").expect("authors"),
                )
            })
            .collect::<Vec<_>>()
    };
    let (_a, a) = migrated(backend).await;
    let (_b, b) = migrated(backend).await;
    let (_c, c) = migrated(backend).await;
    api::services::seed::seed(&a, 200, 1).await.expect("seed a");
    api::services::seed::seed(&b, 200, 1).await.expect("seed b");
    api::services::seed::seed(&c, 200, 2).await.expect("seed c");
    let (fa, fb, fc) = (
        fingerprint(a).await,
        fingerprint(b).await,
        fingerprint(c).await,
    );
    assert_eq!(fa.len(), 200);
    assert_eq!(fa, fb, "same seed, same data");
    assert_ne!(fa, fc, "another seed, other data");
}

#[tokio::test]
async fn papers_seed_runs_from_the_command_line() {
    let db = TestDb::new(crate::support::Backend::Sqlite).await;
    let output = tokio::process::Command::new(crate::support::papers_bin())
        .args(["seed", "--synthetic", "100", "--seed", "3"])
        .env("DATABASE_URL", &db.url)
        .output()
        .await
        .expect("run papers seed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("100 papers"), "{stdout}");
}
