//! Test harness: a fresh database per test (SQLite in a temporary directory, or a PostgreSQL
//! database created for the test and dropped after it), the real server on port 0, and helpers
//! to talk to it over HTTP.

#![allow(dead_code)]

pub mod fixtures;
pub mod process;
pub mod receiver;
pub mod smtp;
pub mod ws;

use std::net::SocketAddr;
use std::path::PathBuf;

use api::cli::Cli;
use api::config::Settings;
use clap::Parser;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Runs a storage test once on SQLite and once on PostgreSQL, as `<name>::sqlite` and
/// `<name>::postgres`. The test itself is a plain `async fn <name>(backend: Backend)` beside the
/// macro call, so rustfmt formats it like any other function.
#[macro_export]
macro_rules! storage_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::support::Backend::postgres_available() {
                    super::$name($crate::support::Backend::Postgres).await
                }
            }
        }
    };
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on.
pub const POSTGRES_ENV: &str = "PAPERS_TEST_POSTGRES_URL";

impl Backend {
    /// Whether PostgreSQL tests can run. Without `PAPERS_TEST_POSTGRES_URL` they are skipped,
    /// loudly (written past the test harness's output capture, so the notice shows even for a
    /// passing test); with `PAPERS_TEST_REQUIRE_POSTGRES=1` (as CI sets) a skip is a failure.
    pub fn postgres_available() -> bool {
        use std::io::Write;
        if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
            return true;
        }
        assert!(
            std::env::var("PAPERS_TEST_REQUIRE_POSTGRES").is_err(),
            "PAPERS_TEST_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED on PostgreSQL: set {POSTGRES_ENV}=postgres://USER@HOST:PORT to run it there"
        );
        false
    }
}

/// A fresh, empty database for one test; removed when dropped.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    /// The SQLite file, for SQLite databases.
    pub file: Option<PathBuf>,
    dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        match backend {
            Backend::Sqlite => {
                let file = dir.path().join("papers.db");
                Self {
                    backend,
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    file: Some(file),
                    dir,
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let server = postgres_server_url();
                let name = format!("papers_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(api::db::pool_options(format!("{server}/postgres")))
                    .await
                    .expect("connect to the PostgreSQL server");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                Self {
                    backend,
                    url: format!("{server}/{name}"),
                    file: None,
                    dir,
                    postgres: Some((server, name)),
                }
            }
        }
    }

    /// A directory that lives as long as the database, for files a test writes.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Makes the database unreachable: drops the PostgreSQL database (closing every
    /// connection to it) or deletes the SQLite file.
    pub async fn destroy(&self) {
        match (&self.postgres, &self.file) {
            (Some((server, name)), _) => {
                let admin = Database::connect(api::db::pool_options(format!("{server}/postgres")))
                    .await
                    .expect("admin");
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("drop the test database");
            }
            (None, Some(file)) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
            }
            _ => {}
        }
    }

    /// A direct connection, for checking rows behind the API's back.
    pub async fn connect(&self) -> DatabaseConnection {
        Database::connect(api::db::pool_options(&self.url))
            .await
            .expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = self.postgres.take() {
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(admin) =
                            Database::connect(api::db::pool_options(format!("{server}/postgres")))
                                .await
                        {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// `postgres://user@host:port`, without a database name.
fn postgres_server_url() -> String {
    let url = std::env::var(POSTGRES_ENV).expect("PAPERS_TEST_POSTGRES_URL");
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

/// Settings for a test server: the test database, port 0, and any extra flags.
pub fn settings(db: &TestDb, extra: &[&str]) -> Settings {
    let mut args = vec![
        "papers".to_owned(),
        "--database-url".to_owned(),
        db.url.clone(),
        "--listen".to_owned(),
        "127.0.0.1:0".to_owned(),
        "--jwt-secret".to_owned(),
        fixtures::TEST_SECRET.to_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    Cli::parse_from(args).settings
}

/// The real server, serving on 127.0.0.1 at a free port, in this test's runtime.
pub struct TestApp {
    pub addr: SocketAddr,
    /// SQL statements the server has run.
    pub statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub db: TestDb,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// A server with an empty database (no demo data).
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &["--no-demo"]).await
    }

    /// A server with the demo data loaded, as on a first start.
    pub async fn spawn_with_demo(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, extra: &[&str]) -> Self {
        let db = TestDb::new(backend).await;
        let settings = settings(&db, extra);
        let state = api::app::prepare(settings)
            .await
            .expect("the service starts");
        let statements = state.statements.clone();
        let listener = api::app::bind("127.0.0.1:0".parse().expect("address"))
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local address");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(api::app::serve(state, listener, async {
            let _ = rx.await;
        }));
        Self {
            addr,
            statements,
            db,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL operation and returns the JSON body (whatever the status).
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("a JSON body")
    }

    /// POSTs a GraphQL operation as a signed-in user (a bearer token), returning the body.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("a JSON body")
    }

    /// As `gql_as`, for an operation that must succeed, returning its `data`.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.gql_as(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// The number of SQL statements the server runs for one request.
    pub async fn statements_for(&self, token: Option<&str>, query: &str, variables: Value) -> u64 {
        use std::sync::atomic::Ordering;
        let before = self.statements.load(Ordering::SeqCst);
        let body = match token {
            Some(token) => self.gql_as(token, query, variables).await,
            None => self.gql(query, variables).await,
        };
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        self.statements.load(Ordering::SeqCst) - before
    }

    /// POSTs a GraphQL operation that must succeed, returning its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// A request to the GraphQL endpoint with raw headers and body.
    pub fn post_raw(&self) -> reqwest::RequestBuilder {
        self.client.post(self.url("/graphql"))
    }

    /// Stops the server, letting in-flight requests finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// A paper's global ID, asked of the API by its arXiv id.
    pub async fn paper_gid(&self, arxiv_id: &str) -> Value {
        self.data(
            "query ($a: String!) { paper(arxivId: $a) { id } }",
            json!({ "a": arxiv_id }),
        )
        .await["paper"]["id"]
            .clone()
    }

    /// The text of `GET /metrics`.
    pub async fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("a text body")
    }

    /// Waits until the server caches `token`'s row: on PostgreSQL its event relay must listen
    /// and have heard the announcements of the rows just written (a `NOTIFY` for the user's own
    /// insert arriving after the row was cached makes the server forget it once); on a SQLite
    /// file nothing may be committed after the row is read. After it, a request with `token`
    /// costs the same statements every time, until something is written.
    pub async fn settle_viewer_cache(&self, token: &str) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        if self.db.backend == Backend::Postgres {
            while !self.metrics().await.contains("papers_viewer_cache_live 1") {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the event relay never listened"
                );
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        while self
            .statements_for(Some(token), "{ viewer { id } }", json!({}))
            .await
            > 0
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the caller's row was never cached"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Counts the rows of a table, behind the API's back.
    pub async fn count_rows(&self, table: &str) -> i64 {
        let db = self.db.connect().await;
        count_rows(&db, table).await
    }
}

pub async fn count_rows(db: &DatabaseConnection, table: &str) -> i64 {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("a count")
}

/// The tables of a database, sorted (the migrations' bookkeeping table excluded).
pub async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("list tables");
    let mut names: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "name").ok())
        // The migrations' bookkeeping, and SQLite's full-text index with its shadow tables.
        .filter(|n| n != "seaql_migrations" && !n.starts_with("paper_search"))
        .collect();
    names.sort();
    names
}

/// The `extensions.code` of each error of a response.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The path of the `papers` binary built for these tests.
pub fn papers_bin() -> &'static str {
    env!("CARGO_BIN_EXE_papers")
}
