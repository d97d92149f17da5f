//! `papers transfer --from URL --to URL`: a whole site copied from one database to another —
//! SQLite to PostgreSQL when a site outgrows its file, PostgreSQL to SQLite for a local copy.
//!
//! Every table is read through its entity, in one snapshot of the source (a read transaction;
//! `REPEATABLE READ` on PostgreSQL), and written with its ids into the target in one transaction:
//! a transfer that fails leaves the target as empty as it found it. Sequences are then moved past
//! the source's (an id the old site ever gave out, even to a row since erased, is never given to
//! a new row: an old session's user id can never name someone else), the search index is built
//! and the planner's statistics gathered, and the JWT secret is carried so that the new site
//! accepts the sessions and tokens the old one issued. The transfer ends by reading every table
//! back from the target: its rows and a checksum of them must equal the source's.

use std::fmt::Debug;
use std::io::IsTerminal;
use std::time::Instant;

use futures_util::TryStreamExt;
use futures_util::future::BoxFuture;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    AccessMode, ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, EntityTrait, IdenStatic, IntoActiveModel, IsolationLevel, Iterable,
    PaginatorTrait, PrimaryKeyToColumn, PrimaryKeyTrait, QueryOrder, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::config::{DatabaseKind, Settings, read_secret_beside, replace_secret_beside};
use crate::db;

use super::{CommandResult, EXIT_FAILURE, EXIT_USAGE};

/// Bind parameters one INSERT may carry: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMETERS: usize = 30_000;
/// Rows one INSERT carries at most.
const MAX_ROWS: usize = 1_000;

/// The tables a transfer does not copy, and why. Every other table of the target must be one
/// of [`tables`]: a table added without its entity there stops the transfer before it copies
/// anything, rather than leaving its rows behind.
const LEFT_OUT: &[(&str, &str)] = &[
    ("seaql_migrations", "the target's own migrations write it"),
    ("app_secrets", "the JWT secret is carried on its own"),
    (
        "throttle_windows",
        "throttle windows last minutes: the new site starts them afresh",
    ),
    (
        "paper_search",
        "SQLite's search index: built again from papers",
    ),
];

/// Tables the target's migrations fill (arXiv's categories): their rows are replaced by the
/// source's, counters and all.
const FILLED_BY_MIGRATIONS: &[&str] = &["topics"];

/// An order-independent digest of a table's rows: each row's debug rendering (every column, as
/// its entity reads it) hashed, the hashes summed. Equal on both sides when every row arrived
/// with every value, whatever order the databases list them in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    rows: u64,
    sum: u64,
}

impl Tally {
    fn add(&mut self, row: &impl Debug) {
        let digest = Sha256::digest(format!("{row:?}").as_bytes());
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        self.rows += 1;
        self.sum = self.sum.wrapping_add(u64::from_le_bytes(head));
    }
}

type Copy = for<'a> fn(
    &'a DatabaseTransaction,
    &'a DatabaseTransaction,
    &'a ProgressBar,
) -> BoxFuture<'a, Result<Tally, DbErr>>;
type Read = for<'a> fn(&'a DatabaseConnection) -> BoxFuture<'a, Result<Tally, DbErr>>;
type Count = for<'a> fn(&'a DatabaseTransaction) -> BoxFuture<'a, Result<u64, DbErr>>;

/// One table the transfer copies, typed by its entity.
struct Table {
    name: &'static str,
    /// Its columns as the entity knows them.
    columns: Vec<&'static str>,
    /// The auto-increment key, whose sequence moves past the source's.
    serial: Option<&'static str>,
    count: Count,
    copy: Copy,
    read: Read,
}

fn table<E>() -> Table
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Debug + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let serial = <E::PrimaryKey as PrimaryKeyTrait>::auto_increment()
        .then(|| E::PrimaryKey::iter().next())
        .flatten()
        .map(|key| key.into_column().as_str());
    Table {
        name: E::default().table_name(),
        columns: E::Column::iter().map(|column| column.as_str()).collect(),
        serial,
        count: |db| Box::pin(E::find().count(db)),
        copy: |source, target, bar| Box::pin(copy_rows::<E>(source, target, bar)),
        read: |db| Box::pin(read_rows::<E>(db)),
    }
}

/// Every table a transfer copies, each after the tables its foreign keys point to (the order
/// of the migrations that made them).
fn tables() -> Vec<Table> {
    use entity::*;
    vec![
        table::<user::Entity>(),
        table::<author::Entity>(),
        table::<paper::Entity>(),
        table::<paper_author::Entity>(),
        table::<paper_upvote::Entity>(),
        table::<comment::Entity>(),
        table::<comment_upvote::Entity>(),
        table::<collection::Entity>(),
        table::<collection_item::Entity>(),
        table::<collection_upvote::Entity>(),
        table::<refresh_token::Entity>(),
        table::<api_token::Entity>(),
        table::<authorship_claim::Entity>(),
        table::<job_run::Entity>(),
        table::<webhook::Entity>(),
        table::<webhook_delivery::Entity>(),
        table::<digest_subscription::Entity>(),
        table::<digest_send::Entity>(),
        table::<notification::Entity>(),
        table::<moderation_action::Entity>(),
        table::<comment_report::Entity>(),
        table::<paper_embedding::Entity>(),
        table::<topic::Entity>(),
        table::<paper_topic::Entity>(),
        table::<follow::Entity>(),
    ]
}

/// The table's rows in key order (parents before their replies: a reply's id is larger).
fn ordered<E: EntityTrait>() -> sea_orm::Select<E> {
    let mut query = E::find();
    for key in E::PrimaryKey::iter() {
        query = query.order_by_asc(key.into_column());
    }
    query
}

async fn copy_rows<E>(
    source: &DatabaseTransaction,
    target: &DatabaseTransaction,
    bar: &ProgressBar,
) -> Result<Tally, DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Debug + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let columns = E::Column::iter().count().max(1);
    let per_insert = (MAX_PARAMETERS / columns).clamp(1, MAX_ROWS);
    let mut tally = Tally::default();
    let mut batch = Vec::with_capacity(per_insert);
    let mut rows = ordered::<E>().stream(source).await?;
    while let Some(model) = rows.try_next().await? {
        tally.add(&model);
        batch.push(model.into_active_model());
        if batch.len() == per_insert {
            E::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(target)
                .await?;
            bar.inc(per_insert as u64);
        }
    }
    let last = batch.len() as u64;
    E::insert_many(batch).exec_without_returning(target).await?;
    bar.inc(last);
    Ok(tally)
}

async fn read_rows<E>(db: &DatabaseConnection) -> Result<Tally, DbErr>
where
    E: EntityTrait,
    E::Model: Debug + Send + Sync,
{
    let mut tally = Tally::default();
    let mut rows = ordered::<E>().stream(db).await?;
    while let Some(model) = rows.try_next().await? {
        tally.add(&model);
    }
    Ok(tally)
}

/// One side of the transfer, as its URL names it.
struct Side {
    kind: DatabaseKind,
    url: String,
}

impl Side {
    fn parse(url: &str, flag: &str) -> Result<Self, (u8, String)> {
        let kind = DatabaseKind::of(url).map_err(|_| {
            (
                EXIT_USAGE,
                format!("{flag}: expected a sqlite:// or postgres:// URL"),
            )
        })?;
        let url = match &kind {
            DatabaseKind::SqliteMemory => {
                return Err((
                    EXIT_USAGE,
                    format!("{flag}: an in-memory database has nothing to keep"),
                ));
            }
            // The source is only read; the target's file is made when missing.
            DatabaseKind::SqliteFile(path) if flag == "--from" => {
                if !path.is_file() {
                    return Err((
                        EXIT_USAGE,
                        format!("--from: no database at {}", path.display()),
                    ));
                }
                format!("sqlite://{}?mode=ro", path.display())
            }
            DatabaseKind::SqliteFile(path) => format!("sqlite://{}?mode=rwc", path.display()),
            DatabaseKind::Postgres => url.to_owned(),
        };
        Ok(Self { kind, url })
    }

    /// What the side is, for people: a file's path, or PostgreSQL's database and host (never
    /// the password a URL may carry).
    fn describe(&self) -> String {
        match &self.kind {
            DatabaseKind::SqliteFile(path) => format!("SQLite {}", path.display()),
            _ => match url::Url::parse(&self.url) {
                Ok(url) => format!(
                    "PostgreSQL {}{}",
                    url.host_str().unwrap_or("localhost"),
                    url.path()
                ),
                Err(_) => "PostgreSQL".to_owned(),
            },
        }
    }

    async fn connect(&self) -> Result<DatabaseConnection, (u8, String)> {
        let mut options = db::pool_options(self.url.clone());
        options.max_connections(2);
        let db = sea_orm::Database::connect(options).await.map_err(|e| {
            (
                EXIT_FAILURE,
                format!("cannot open {}: {e}", self.describe()),
            )
        })?;
        if matches!(self.kind, DatabaseKind::SqliteFile(_)) {
            db.execute_unprepared("PRAGMA foreign_keys = ON")
                .await
                .map_err(failed("preparing the connection"))?;
        }
        Ok(db)
    }
}

fn failed(what: &str) -> impl Fn(DbErr) -> (u8, String) + '_ {
    move |e| (EXIT_FAILURE, format!("{what}: {e}"))
}

/// The migrations applied to a database, in order (none when it has no migrations table).
async fn applied(db: &DatabaseConnection) -> Vec<String> {
    db.query_all_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT version FROM seaql_migrations ORDER BY version",
    ))
    .await
    .map(|rows| {
        rows.iter()
            .filter_map(|row| row.try_get_by_index::<String>(0).ok())
            .collect()
    })
    .unwrap_or_default()
}

/// The target's tables and, for each, its columns other than generated ones (PostgreSQL's
/// search vector).
async fn catalog(db: &DatabaseConnection) -> Result<Vec<(String, Vec<String>)>, DbErr> {
    let backend = db.get_database_backend();
    let names: Vec<String> = match backend {
        DbBackend::Postgres => {
            db.query_all_raw(sea_orm::Statement::from_string(
                backend,
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            ))
            .await?
        }
        _ => {
            // FTS5's own tables (`paper_search_data`, …) belong to `paper_search`.
            db.query_all_raw(sea_orm::Statement::from_string(
                backend,
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 AND name NOT LIKE 'paper\\_search\\_%' ESCAPE '\\'",
            ))
            .await?
        }
    }
    .iter()
    .filter_map(|row| row.try_get_by_index::<String>(0).ok())
    .collect();
    let mut tables = Vec::new();
    for name in names {
        let sql = match backend {
            DbBackend::Postgres => format!(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{name}' \
                 AND is_generated = 'NEVER'"
            ),
            // `hidden` is 0 for ordinary columns (2 and 3 are generated ones).
            _ => format!("SELECT name FROM pragma_table_xinfo('{name}') WHERE hidden = 0"),
        };
        let columns = db
            .query_all_raw(sea_orm::Statement::from_string(backend, sql))
            .await?
            .iter()
            .filter_map(|row| row.try_get_by_index::<String>(0).ok())
            .collect();
        tables.push((name, columns));
    }
    Ok(tables)
}

/// Every table of the target is copied whole or deliberately left out: no table and no column
/// is dropped on the way because this binary's list of entities fell behind its migrations.
fn check_coverage(catalog: &[(String, Vec<String>)], tables: &[Table]) -> CommandResult {
    let mut gaps = Vec::new();
    for (name, columns) in catalog {
        if LEFT_OUT.iter().any(|(left, _)| left == name) {
            continue;
        }
        match tables.iter().find(|t| t.name == name) {
            None => gaps.push(format!("table {name}")),
            Some(table) => {
                for column in columns {
                    if !table.columns.contains(&column.as_str()) {
                        gaps.push(format!("column {name}.{column}"));
                    }
                }
            }
        }
    }
    if gaps.is_empty() {
        Ok(())
    } else {
        Err((
            EXIT_FAILURE,
            format!(
                "this binary cannot transfer {} (nothing was copied)",
                gaps.join(", ")
            ),
        ))
    }
}

/// The highest id the source ever gave out in `table`: its sequence's position (past erased
/// rows), or its largest id.
async fn high_water(source: &DatabaseTransaction, table: &str, column: &str) -> Result<i64, DbErr> {
    let backend = source.get_database_backend();
    let largest = format!("SELECT COALESCE(MAX({column}), 0) FROM {table}");
    let sequence = match backend {
        DbBackend::Postgres => format!(
            "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', '{column}')::regclass), 0)"
        ),
        _ => format!("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = '{table}'"),
    };
    let mut high = 0;
    for sql in [largest, sequence] {
        // SQLite has no `sqlite_sequence` until a table with AUTOINCREMENT exists.
        if let Ok(Some(row)) = source
            .query_one_raw(sea_orm::Statement::from_string(backend, sql))
            .await
        {
            high = high.max(row.try_get_by_index::<i64>(0).unwrap_or(0));
        }
    }
    Ok(high)
}

/// Moves the target's sequence for `table` to `high`: its next row gets `high + 1`.
async fn advance(
    target: &DatabaseTransaction,
    table: &str,
    column: &str,
    high: i64,
) -> Result<(), DbErr> {
    if high <= 0 {
        return Ok(());
    }
    let sql = match target.get_database_backend() {
        DbBackend::Postgres => {
            format!("SELECT setval(pg_get_serial_sequence('{table}', '{column}'), {high}, true)")
        }
        // Rows inserted with their ids moved `sqlite_sequence` to the largest; an erased row's
        // id above it still has to be skipped.
        // (A table whose rows were all erased has no entry yet.)
        _ => format!(
            "UPDATE sqlite_sequence SET seq = MAX(seq, {high}) WHERE name = '{table}'; \
             INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', {high} \
             WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '{table}')"
        ),
    };
    target.execute_unprepared(&sql).await.map(|_| ())
}

/// The JWT secret the source's site signs with, unless one is configured (then the operator
/// configures the new site alike).
async fn source_secret(
    settings: &Settings,
    source: &Side,
    db: &DatabaseTransaction,
) -> Result<Option<String>, (u8, String)> {
    if settings.jwt_secret.is_some() {
        return Ok(None);
    }
    match &source.kind {
        DatabaseKind::SqliteFile(path) => read_secret_beside(path)
            .map_err(|e| (EXIT_FAILURE, format!("cannot read the JWT secret: {e}"))),
        _ => crate::auth::secret::read_shared_jwt_secret(db)
            .await
            .map_err(failed("reading the JWT secret")),
    }
}

/// `papers transfer --from URL --to URL`.
pub async fn transfer(settings: Settings, from: &str, to: &str) -> CommandResult {
    let source = Side::parse(from, "--from")?;
    let target = Side::parse(to, "--to")?;
    if source.describe() == target.describe() {
        return Err((
            EXIT_USAGE,
            "--from and --to name the same database".to_owned(),
        ));
    }
    let started = Instant::now();
    let source_db = source.connect().await?;
    let target_db = target.connect().await?;
    let tables = tables();

    // The source: a Papers database of exactly this binary's schema.
    let known = db::migration_names();
    let source_migrations = applied(&source_db).await;
    if source_migrations.is_empty() {
        return Err((
            EXIT_FAILURE,
            format!("{} is not a Papers database", source.describe()),
        ));
    }
    if source_migrations != known {
        return Err((
            EXIT_FAILURE,
            format!(
                "{} has schema {} and this binary {}: run `papers migrate` on it with the release \
                 that matches, then transfer",
                source.describe(),
                source_migrations.last().map_or("?", String::as_str),
                known.last().map_or("?", String::as_str)
            ),
        ));
    }

    // The target: empty (its migrations may have run), then brought to this schema.
    let target_migrations = applied(&target_db).await;
    if target_migrations.iter().any(|m| !known.contains(m)) {
        return Err((
            EXIT_FAILURE,
            format!("{}'s schema is newer than this binary", target.describe()),
        ));
    }
    for table in &tables {
        if FILLED_BY_MIGRATIONS.contains(&table.name) {
            continue;
        }
        let sql = format!("SELECT 1 FROM {} LIMIT 1", table.name);
        let holds = target_db
            .query_one_raw(sea_orm::Statement::from_string(
                target_db.get_database_backend(),
                sql,
            ))
            .await
            .is_ok_and(|row| row.is_some());
        if holds {
            return Err((
                EXIT_USAGE,
                format!(
                    "{} holds data (table {}): a transfer only fills an empty database",
                    target.describe(),
                    table.name
                ),
            ));
        }
    }
    if target_migrations.is_empty() {
        let tables = catalog(&target_db)
            .await
            .map_err(failed("reading the target's tables"))?;
        if let Some((name, _)) = tables.first() {
            return Err((
                EXIT_USAGE,
                format!(
                    "{} holds tables of something else (table {name}): a transfer only fills an \
                     empty database",
                    target.describe()
                ),
            ));
        }
    }
    db::migrate_up(&target_db)
        .await
        .map_err(failed("migrating the target"))?;
    let target_catalog = catalog(&target_db)
        .await
        .map_err(failed("reading the target's tables"))?;
    check_coverage(&target_catalog, &tables)?;

    // One snapshot of the source, one transaction on the target.
    // (SQLite's read transaction is a snapshot in WAL mode already, and takes no options.)
    let snapshot = match source.kind {
        DatabaseKind::Postgres => source_db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        ),
        _ => source_db.begin_with_config(None, None),
    }
    .await
    .map_err(failed("reading the source"))?;
    let writer = db::begin_write(&target_db)
        .await
        .map_err(failed("writing the target"))?;
    for name in FILLED_BY_MIGRATIONS {
        writer
            .execute_unprepared(&format!("DELETE FROM {name}"))
            .await
            .map_err(failed("emptying the target"))?;
    }
    let on_terminal = std::io::stderr().is_terminal();
    let mut copied = Vec::new();
    for table in &tables {
        let rows = (table.count)(&snapshot)
            .await
            .map_err(failed("counting the source's rows"))?;
        let bar = if on_terminal {
            let bar = ProgressBar::new(rows);
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix:>20} {bar:40} {pos}/{len} rows, {per_sec}, {eta} left",
            ) {
                bar.set_style(style);
            }
            bar.set_prefix(table.name);
            bar
        } else {
            ProgressBar::hidden()
        };
        let tally = (table.copy)(&snapshot, &writer, &bar)
            .await
            .map_err(|e| (EXIT_FAILURE, format!("copying {}: {e}", table.name)))?;
        bar.finish();
        if let Some(column) = table.serial {
            let high = high_water(&snapshot, table.name, column)
                .await
                .map_err(failed("reading the source's sequences"))?;
            advance(&writer, table.name, column, high)
                .await
                .map_err(failed("moving the target's sequences"))?;
        }
        copied.push((table, tally));
    }
    let secret = source_secret(&settings, &source, &snapshot).await?;
    if let (Some(secret), DatabaseKind::Postgres) = (&secret, &target.kind) {
        crate::auth::secret::replace_shared_jwt_secret(&writer, secret)
            .await
            .map_err(failed("keeping the JWT secret"))?;
    }
    writer
        .commit()
        .await
        .map_err(failed("committing the target"))?;
    snapshot.rollback().await.ok();
    if let (Some(secret), DatabaseKind::SqliteFile(path)) = (&secret, &target.kind) {
        replace_secret_beside(path, secret)
            .map_err(|e| (EXIT_FAILURE, format!("cannot keep the JWT secret: {e}")))?;
    }

    // The search index built again, the planner told what the tables now hold.
    let finishing: &[&str] = match target.kind {
        DatabaseKind::Postgres => &["ANALYZE"],
        _ => &[
            "INSERT INTO paper_search(paper_search) VALUES ('rebuild')",
            "ANALYZE",
        ],
    };
    for sql in finishing {
        target_db
            .execute_unprepared(sql)
            .await
            .map_err(failed("building the search index"))?;
    }

    // Read back: every table's rows and checksum as the source's.
    println!(
        "transferred {} to {} in {:.1} s",
        source.describe(),
        target.describe(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {:<22} {:>10} {:>10}  checksum",
        "table", "source", "target"
    );
    let mut mismatched = Vec::new();
    for (table, sent) in &copied {
        let arrived = (table.read)(&target_db)
            .await
            .map_err(failed("reading the target back"))?;
        let verdict = if arrived == *sent {
            "ok"
        } else {
            mismatched.push(table.name);
            "DIFFERS"
        };
        println!(
            "  {:<22} {:>10} {:>10}  {:016x} {verdict}",
            table.name, sent.rows, arrived.rows, sent.sum
        );
    }
    println!(
        "  JWT secret: {}",
        match (&settings.jwt_secret, &secret) {
            (Some(_), _) => "configured (--jwt-secret): configure the new site with the same one",
            (None, Some(_)) => "carried (sessions and tokens the old site issued stay valid)",
            (None, None) => "the source had none yet: the new site makes its own",
        }
    );
    for (name, why) in LEFT_OUT {
        println!("  not copied: {name} ({why})");
    }
    source_db.close().await.ok();
    target_db.close().await.ok();
    if mismatched.is_empty() {
        Ok(())
    } else {
        Err((
            EXIT_FAILURE,
            format!(
                "the target differs from the source in {}",
                mismatched.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_ignores_order_and_sees_every_value() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        for row in ["one", "two", "three"] {
            a.add(&row);
        }
        for row in ["three", "one", "two"] {
            b.add(&row);
        }
        assert_eq!(a, b);
        let mut c = Tally::default();
        for row in ["one", "two", "thre"] {
            c.add(&row);
        }
        assert_ne!(a.sum, c.sum);
        assert_eq!(a.rows, c.rows);
    }

    #[test]
    fn every_table_is_listed_once_after_what_it_points_to() {
        let tables = tables();
        let mut names: Vec<_> = tables.iter().map(|t| t.name).collect();
        let position = |name: &str| names.iter().position(|n| *n == name);
        assert!(position("users") < position("papers"));
        assert!(position("comments") < position("notifications"));
        assert!(position("topics") < position("follows"));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), tables.len());
    }

    #[test]
    fn passwords_in_a_url_are_never_printed() {
        let side = Side::parse("postgres://papers:hunter2@db.example.org:5432/site", "--to")
            .unwrap_or_else(|_| Side {
                kind: DatabaseKind::Postgres,
                url: String::new(),
            });
        assert_eq!(side.describe(), "PostgreSQL db.example.org/site");
    }
}
