//! The cache of signed-in users' rows: authenticating a cached caller costs no statement, and no
//! change to an account — made by this server, by SQL behind its back, or (PostgreSQL) while the
//! event relay was down — lets a disabled account, an old password's token or a removed role
//! through once the database has announced it (PostgreSQL) or committed it (a SQLite file: at
//! once, with no announcement to wait for).

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

const VIEWER: &str = "{ viewer { username } }";
const REPORTS: &str = "{ reports { totalCount } }";

/// How long a change made behind the server's back may take to reach it (the database's
/// `NOTIFY`, or the relay's reconnection); a bound for the loops below, not a measurement.
const ANNOUNCED_WITHIN: Duration = Duration::from_secs(15);

/// Sends `query` as `token` until `done` holds for the answer; false if it never did.
async fn eventually(
    app: &TestApp,
    token: &str,
    query: &str,
    done: impl Fn(&Value) -> bool,
) -> bool {
    let deadline = tokio::time::Instant::now() + ANNOUNCED_WITHIN;
    while tokio::time::Instant::now() < deadline {
        if done(&app.gql_as(token, query, json!({})).await) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

fn refused(body: &Value) -> bool {
    error_codes(body) == ["UNAUTHENTICATED"]
}

async fn run_sql(app: &TestApp, sql: &str) {
    let db = app.db.connect().await;
    db.execute_unprepared(sql).await.expect("SQL");
}

/// A server with the user `ada` signed in and cached (see `settle_viewer_cache`).
async fn ada_cached(backend: Backend) -> (TestApp, entity::user::Model, String) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let token = token_for(&ada);
    app.settle_viewer_cache(&token).await;
    (app, ada, token)
}

storage_test!(a_cached_caller_costs_no_statement);
async fn a_cached_caller_costs_no_statement(backend: Backend) {
    let (app, _, token) = ada_cached(backend).await;
    let statements = app.statements_for(Some(&token), VIEWER, json!({})).await;
    assert_eq!(statements, 0, "statements for {{ viewer }} on {backend:?}");
    let metrics = app.metrics().await;
    assert!(metrics.contains("papers_viewer_cache_live 1"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// On SQLite a row is trusted only while nothing has been committed to the file since it was
/// read: a write to any table, by another connection, makes the next request read it again.
async fn on_sqlite_any_commit_makes_the_row_read_again() {
    let (app, _, token) = ada_cached(Backend::Sqlite).await;
    assert_eq!(app.statements_for(Some(&token), VIEWER, json!({})).await, 0);
    let db = app.db.connect().await;
    fixtures::paper(
        &db,
        "2401.00001",
        "Unrelated",
        "x",
        &["A"],
        fixtures::now(),
        None,
    )
    .await;
    assert_eq!(app.statements_for(Some(&token), VIEWER, json!({})).await, 1);
    assert_eq!(app.statements_for(Some(&token), VIEWER, json!({})).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// A change to the account by another process's connection is seen by the very next request.
async fn on_sqlite_a_change_behind_the_servers_back_counts_at_once() {
    let (app, ada, token) = ada_cached(Backend::Sqlite).await;
    run_sql(
        &app,
        &format!(
            "UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE id = {}",
            ada.id
        ),
    )
    .await;
    assert!(
        refused(&app.gql_as(&token, VIEWER, json!({})).await),
        "a disabled account's cached row was used after the change committed"
    );
}

storage_test!(a_cache_turned_off_reads_the_row_every_time);
async fn a_cache_turned_off_reads_the_row_every_time(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--viewer-cache-secs", "0"]).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let token = token_for(&ada);
    for _ in 0..3 {
        assert_eq!(app.statements_for(Some(&token), VIEWER, json!({})).await, 1);
    }
    assert!(app.metrics().await.contains("papers_viewer_cache_live 0"));
}

storage_test!(an_account_disabled_behind_the_servers_back_is_refused_once_announced);
async fn an_account_disabled_behind_the_servers_back_is_refused_once_announced(backend: Backend) {
    let (app, ada, token) = ada_cached(backend).await;
    run_sql(
        &app,
        &format!(
            "UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE id = {}",
            ada.id
        ),
    )
    .await;
    assert!(
        eventually(&app, &token, VIEWER, refused).await,
        "a disabled account's token still works"
    );
    // And for good: the cache does not bring the row back.
    assert!(refused(&app.gql_as(&token, VIEWER, json!({})).await));
}

storage_test!(a_role_removed_behind_the_servers_back_is_not_let_through);
async fn a_role_removed_behind_the_servers_back_is_not_let_through(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let (mo, token) = fixtures::moderator(&db, "mo").await;
    app.settle_viewer_cache(&token).await;
    assert!(
        app.gql_as(&token, REPORTS, json!({}))
            .await
            .get("errors")
            .is_none()
    );
    run_sql(
        &app,
        &format!("UPDATE users SET role = 'user' WHERE id = {}", mo.id),
    )
    .await;
    let forbidden = |body: &Value| error_codes(body) == ["FORBIDDEN"];
    assert!(
        eventually(&app, &token, REPORTS, forbidden).await,
        "a removed moderator still moderates"
    );
}

storage_test!(a_changed_password_refuses_the_old_token_at_once);
/// A change made through this server is forgotten before it answers: no waiting.
async fn a_changed_password_refuses_the_old_token_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let registered = app
        .data(
            "mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }",
            json!({ "input": { "username": "ada", "email": "ada@example.org",
                "password": "correct horse battery" } }),
        )
        .await;
    let old = registered["register"]["accessToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    app.settle_viewer_cache(&old).await;
    let changed = app
        .data_as(
            &old,
            "mutation ($c: String!, $n: String!) { changePassword(input: { currentPassword: $c, \
             newPassword: $n }) { accessToken } }",
            json!({ "c": "correct horse battery", "n": "a brand new passphrase" }),
        )
        .await;
    assert!(refused(&app.gql_as(&old, VIEWER, json!({})).await));
    let new = changed["changePassword"]["accessToken"]
        .as_str()
        .expect("a token");
    let me = app.data_as(new, VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["username"], "ada");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// A change made while the relay had lost its connection (its `NOTIFY` may be lost) still
/// reaches the cache: the relay's reconnection empties it.
async fn a_change_made_while_the_relay_is_down_is_not_missed() {
    if !Backend::postgres_available() {
        return;
    }
    let (app, ada, token) = ada_cached(Backend::Postgres).await;
    // Cut the relay's connection and change the account at once.
    run_sql(
        &app,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'; \
             UPDATE users SET disabled_at = now() WHERE id = {}",
            ada.id
        ),
    )
    .await;
    assert!(
        eventually(&app, &token, VIEWER, refused).await,
        "a change made while the relay was down was missed"
    );
}
