//! Database connection, migrations and transactions: the parts that differ between SQLite and
//! PostgreSQL at the connection level live here.

pub mod wal_index;

use std::future::Future;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteSynchronous;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::config::{DatabaseKind, Settings};
use crate::error::{AppError, Failure, classify};

/// The options every pool of the project starts from (the server's, the command line's, the
/// tests'): connections are never closed for idleness or age.
///
/// Why: sqlx 0.9.0 checks idle and old connections in a background task whose sweep is
/// `for _ in 0..num_idle`, and `num_idle` can wrap below zero for an instant when a connection is
/// returned while another task takes it (the counter is raised after the connection is already
/// acquirable). A sweep that reads that instant loops ~2^64 times without yielding: one runtime
/// thread at 100% CPU for good, which is how two CI runs here hung (sqlx issue #3645, fixed by
/// sqlx PR #4289 in no release yet). Without an idle timeout or a lifetime (and with no minimum
/// of connections) sqlx starts no such task. The pools are small (`--db-pool-size`).
///
/// A connection is tested before it is handed out only after [`PING_AFTER_IDLE`] unused, and a
/// SQLite connection never: sqlx otherwise pings on every acquire, a round trip to PostgreSQL or
/// a hop to the SQLite connection's thread for each statement, on top of the one it makes on
/// every release (which it always makes, and which finds a connection broken while in use).
/// Without the acquire ping the paper page took 1.15× / 1.10× the requests/s at 4 / 32
/// connections on PostgreSQL and 1.06× on SQLite (`bench/ab.sh`, 3 alternating rounds). A
/// connection PostgreSQL dropped while idle is found by the ping; one that breaks while the pool
/// is busy fails its statement once and is replaced on release.
pub fn pool_options(url: impl Into<String>) -> ConnectOptions {
    let url = url.into();
    let sqlite = url.starts_with("sqlite:");
    let mut options = ConnectOptions::new(url);
    options
        .idle_timeout(None)
        .max_lifetime(None)
        .min_connections(0)
        .sqlx_logging(false);
    if sqlite {
        options.test_before_acquire(false);
    } else {
        options.test_before_acquire_if_idle_for(PING_AFTER_IDLE);
    }
    options
}

/// How long a PostgreSQL connection may sit unused before it is tested on its next acquire: a
/// server restart, a proxy or a firewall drops idle connections, busy ones show their breakage
/// in the release's test.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

/// Rows a SQLite connection's thread may hand over ahead of the request reading them.
const ROW_BUFFER: usize = 1024;

/// Bytes of a SQLite file each connection reads through a memory map instead of `pread` into
/// its own page cache: a page the OS already holds is then read in place, with no system call
/// and no copy. On the 100k-paper bench file the feed at 4 connections took 2.42–2.52 ms of the
/// server's CPU a request with the map against 2.73–3.44 without (five alternating pairs of
/// runs, each won by the map, 1.04–1.41×). The map is address space, not memory: the OS shares
/// and evicts its pages like any file cache. SQLite maps the file's first 256 MiB (three quarters
/// of the bench's 340 MB file); pages beyond are read as before.
const MMAP_SIZE: u64 = 256 * 1024 * 1024;

/// Opens the connection pool. SQLite runs in WAL mode with foreign keys on; every pool has a
/// short acquire timeout so that an outage fails requests in seconds rather than sqlx's 30 s.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let kind = settings
        .database_kind()
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut options = pool_options(settings.database_url.clone());
    options
        .acquire_timeout(settings.db_acquire_timeout())
        .connect_timeout(settings.db_acquire_timeout())
        .max_connections(settings.db_pool_size);
    match kind {
        DatabaseKind::SqliteMemory => {
            // Each connection to `:memory:` is its own database: keep exactly one. (Without
            // a timeout or a lifetime, a minimum only makes sqlx open it once at start, not
            // start the sweeping task.)
            options.max_connections(1).min_connections(1);
        }
        DatabaseKind::SqliteFile(_) => {
            ensure_wal(settings).await?;
            options.map_sqlx_sqlite_opts(|opts| {
                opts.synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    // Each connection's thread hands its rows over a bounded channel; sized for
                    // the largest page a request reads, the thread runs a statement through
                    // without stopping for the request to catch up (50 by default: a feed
                    // page's authors stopped it four times, each a wake-up both ways).
                    .row_buffer_size(ROW_BUFFER)
                    .pragma("mmap_size", MMAP_SIZE.to_string())
            });
        }
        DatabaseKind::Postgres => {}
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    Ok(db)
}

/// Puts a SQLite file in WAL mode (the file keeps it), once, before the pool opens. Switching
/// the journal mode needs the file to itself and SQLite does not wait for that, so while other
/// processes starting on the same new file hold it, the switch is tried again; the pool's own
/// connections then never switch anything.
async fn ensure_wal(settings: &Settings) -> Result<(), DbErr> {
    let mut options = pool_options(settings.database_url.clone());
    options
        .max_connections(1)
        .connect_timeout(settings.db_acquire_timeout())
        .map_sqlx_sqlite_opts(|opts| opts.busy_timeout(Duration::from_secs(5)));
    let mut tries = 0;
    loop {
        let switched = async {
            let db = Database::connect(options.clone()).await?;
            db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
            db.close().await
        }
        .await;
        match switched {
            Err(err) if classify(&err) == Failure::Contention && tries < 100 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(rand::random_range(10..=50))).await;
            }
            other => return other,
        }
    }
}

/// Applies the pending migrations in one transaction that first takes the migrations lock:
/// replicas started at once on one empty database migrate one after the other, and the later
/// ones find nothing left to do. (PostgreSQL runs DDL transactionally; on SQLite the `BEGIN
/// IMMEDIATE` write lock is the lock.)
pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    lock_for_transaction(&txn, Lock::Migrations).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

pub async fn migrate_down(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::down(db, None).await
}

/// The names of the migrations this binary knows, in order.
pub fn migration_names() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// Each migration's name and whether it is applied.
pub async fn migration_status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    let applied: Vec<String> = Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .map(|m| {
            let name = m.name().to_owned();
            let is_applied = applied.contains(&name);
            (name, is_applied)
        })
        .collect())
}

/// Begins a transaction that will write. On SQLite it starts as `BEGIN IMMEDIATE`: a deferred
/// transaction that reads and then writes fails at once with "database is locked" when another
/// writer holds the lock, whereas an immediate one waits for the busy timeout.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// How many times a transaction that collided (deadlock, serialisation failure, a busy SQLite
/// file) is run again before `Contention` reaches the client.
const RETRIES: u32 = 4;

/// Runs `attempt` — a whole write transaction, from [`begin_write`] to commit — and runs it
/// again from the start when it collided with a concurrent one (`Contention`), a bounded number
/// of times with a short random pause. Any other outcome is returned as it is; a transaction
/// dropped on an error rolls back.
pub async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(AppError::Contention) if tries < RETRIES => {
                tries += 1;
                let pause = rand::random_range(1..=10u64 * u64::from(tries));
                tracing::debug!(tries, "transaction collided; running it again");
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// What a process-wide lock guards.
#[derive(Debug, Clone, Copy)]
pub enum Lock {
    /// Running the migrations.
    Migrations,
    /// Creating papers and author identities (submissions, imports, the demo data): each
    /// checks what exists, then inserts what does not.
    PaperCreation,
}

impl Lock {
    /// The PostgreSQL advisory lock key: fixed numbers, one per purpose.
    fn key(self) -> i64 {
        match self {
            Self::Migrations => 0x7061_7065_7273_0001,
            Self::PaperCreation => 0x7061_7065_7273_0002,
        }
    }
}

/// Takes a lock held until the transaction ends (PostgreSQL `pg_advisory_xact_lock`). On
/// SQLite it is a no-op: a write transaction (`BEGIN IMMEDIATE`) excludes every other writer.
pub async fn lock_for_transaction<C: ConnectionTrait>(txn: &C, lock: Lock) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [lock.key().into()],
        ))
        .await?;
    }
    Ok(())
}

/// A statement written with PostgreSQL's `$1, $2, …` placeholders, for either database (SQLite
/// takes them as `?1, ?2, …`): for the few statements the query builder cannot say plainly.
pub fn statement(
    backend: DbBackend,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn collisions_are_run_again_a_bounded_number_of_times() {
        let mut runs = 0;
        let outcome = retrying(|| {
            runs += 1;
            let run = runs;
            async move {
                if run < 3 {
                    Err(AppError::Contention)
                } else {
                    Ok(run)
                }
            }
        })
        .await;
        assert!(matches!(outcome, Ok(3)));

        let mut runs = 0;
        let outcome: Result<(), AppError> = retrying(|| {
            runs += 1;
            async { Err(AppError::Contention) }
        })
        .await;
        assert_eq!(runs, RETRIES + 1);
        assert!(matches!(outcome, Err(ref e) if e.code() == crate::error::ErrorCode::Conflict));

        let mut runs = 0;
        let outcome: Result<(), AppError> = retrying(|| {
            runs += 1;
            async { Err(AppError::NotFound("gone".into())) }
        })
        .await;
        assert_eq!(runs, 1, "only collisions are run again");
        assert!(outcome.is_err());
    }

    /// A file's connections run in WAL mode with foreign keys on and read through the memory map
    /// (`MMAP_SIZE`); each connection has its own settings, so every one of the pool is asked.
    #[tokio::test]
    async fn sqlite_file_connections_are_set_up_alike() -> Result<(), Box<dyn std::error::Error>> {
        use sea_orm::{ConnectionTrait, Statement};
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("papers.db").display()
        );
        let settings = crate::config::parse(&["--database-url", &url, "--db-pool-size", "3"]);
        let db = connect(&settings).await?;
        let pragma = |name: &'static str| {
            let db = db.clone();
            async move {
                let sql = format!("PRAGMA {name}");
                let row = db
                    .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
                    .await?
                    .ok_or_else(|| DbErr::Custom(format!("no row for {name}")))?;
                row.try_get_by_index::<String>(0)
                    .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
            }
        };
        // Three at once, so that the pool opens its three connections.
        let sizes = futures_util::future::join_all((0..3).map(|_| pragma("mmap_size"))).await;
        let sizes: Result<Vec<String>, DbErr> = sizes.into_iter().collect();
        assert_eq!(sizes?, vec![MMAP_SIZE.to_string(); 3]);
        assert_eq!(pragma("journal_mode").await?, "wal");
        assert_eq!(pragma("foreign_keys").await?, "1");
        Ok(())
    }

    #[test]
    fn pools_never_close_connections_for_idleness_or_age() {
        // Either would start sqlx 0.9's sweeping task, which can spin forever (`pool_options`).
        let options = pool_options("sqlite::memory:");
        assert_eq!(options.get_idle_timeout(), Some(None));
        assert_eq!(options.get_max_lifetime(), Some(None));
        assert_eq!(options.get_min_connections(), Some(0));
    }
}
