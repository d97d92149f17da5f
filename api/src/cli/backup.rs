//! `papers backup --to FILE` and `papers restore --from FILE`: a consistent copy of the SQLite
//! database while the server keeps serving, and that copy put back in place.
//!
//! The copy is SQLite's `VACUUM INTO`, which reads one snapshot (a read transaction in WAL
//! mode: writers go on, and what they commit later is not in it) and writes a compact file.
//! The copy is then checked (`PRAGMA integrity_check`, its schema version) and given a small
//! manifest table, `papers_backup`: when it was taken, its schema version and, unless the
//! secret is configured, the JWT secret the site signs sessions with, so that a restored site
//! accepts the tokens it issued. PostgreSQL has its own tools (`pg_dump`, base backups).

use std::path::{Path, PathBuf};
use std::time::Instant;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::config::{DatabaseKind, JwtSecret, Settings, replace_secret_beside};
use crate::db;

use super::{CommandResult, EXIT_FAILURE, EXIT_USAGE};

/// The manifest table a backup carries (dropped on restore).
const MANIFEST: &str = "papers_backup";
/// The tables whose rows the summary counts.
const COUNTED: &[&str] = &[
    "users",
    "papers",
    "paper_upvotes",
    "comments",
    "collections",
    "follows",
];

fn failed(what: &str) -> impl Fn(sea_orm::DbErr) -> (u8, String) + '_ {
    move |e| (EXIT_FAILURE, format!("{what}: {e}"))
}

/// The SQLite file the settings name, or why this command does not apply.
fn sqlite_file(settings: &Settings, command: &str) -> Result<PathBuf, (u8, String)> {
    match settings
        .database_kind()
        .map_err(|e| (EXIT_USAGE, e.to_string()))?
    {
        DatabaseKind::SqliteFile(path) => Ok(path),
        DatabaseKind::SqliteMemory => Err((
            EXIT_USAGE,
            format!("papers {command} needs a SQLite file, not an in-memory database"),
        )),
        DatabaseKind::Postgres => Err((
            EXIT_USAGE,
            format!(
                "papers {command} is for the embedded SQLite database; back up PostgreSQL with \
                 its own tools (pg_dump -Fc, or the provider's base backups and point-in-time \
                 recovery) and restore with pg_restore"
            ),
        )),
    }
}

/// One plain connection to a SQLite file (no pool, no WAL switch): for backups.
async fn open_file(path: &Path) -> Result<DatabaseConnection, (u8, String)> {
    let url = format!("sqlite://{}?mode=rw", path.display());
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("cannot open {}: {e}", path.display())))
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> Result<Option<String>, sea_orm::DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(match row {
        Some(row) => row
            .try_get_by_index::<String>(0)
            .ok()
            .or_else(|| row.try_get_by_index::<i64>(0).ok().map(|n| n.to_string())),
        None => None,
    })
}

/// The migrations applied to a database, in order.
async fn applied_migrations(db: &DatabaseConnection) -> Result<Vec<String>, (u8, String)> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(|_| {
            (
                EXIT_FAILURE,
                "not a Papers database: it has no migrations table".to_owned(),
            )
        })?;
    Ok(rows
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect())
}

/// `PRAGMA integrity_check` says `ok`.
async fn check_integrity(db: &DatabaseConnection, path: &Path) -> CommandResult {
    let verdict = scalar(db, "PRAGMA integrity_check")
        .await
        .map_err(failed("integrity check"))?
        .unwrap_or_default();
    if verdict == "ok" {
        Ok(())
    } else {
        Err((
            EXIT_FAILURE,
            format!(
                "{} fails SQLite's integrity check: {verdict}",
                path.display()
            ),
        ))
    }
}

/// `table: rows` for the counted tables.
async fn counts(db: &DatabaseConnection) -> Result<Vec<(String, i64)>, (u8, String)> {
    let mut counts = Vec::new();
    for table in COUNTED {
        let n = scalar(db, &format!("SELECT COUNT(*) FROM {table}"))
            .await
            .map_err(failed("counting rows"))?
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        counts.push(((*table).to_owned(), n));
    }
    Ok(counts)
}

fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `papers backup --to FILE`.
pub async fn backup(settings: Settings, to: &Path) -> CommandResult {
    let source = sqlite_file(&settings, "backup")?;
    if to.exists() {
        return Err((
            EXIT_USAGE,
            format!(
                "{} exists: a backup is never written over a file",
                to.display()
            ),
        ));
    }
    let started = Instant::now();
    let db = super::connect(&settings).await?;
    let applied = applied_migrations(&db).await?;
    let to_text = to
        .to_str()
        .ok_or((EXIT_USAGE, "the backup's path is not UTF-8".to_owned()))?;
    db.execute_unprepared(&format!("VACUUM INTO {}", sql_text(to_text)))
        .await
        .map_err(failed("the backup failed"))?;
    db.close().await.ok();
    let copied = started.elapsed();
    // The copy will hold the JWT secret: its owner's alone, as the secret's own file is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600)).map_err(|e| {
            (
                EXIT_FAILURE,
                format!("cannot restrict {}: {e}", to.display()),
            )
        })?;
    }

    let copy = open_file(to).await?;
    check_integrity(&copy, to).await?;
    let version = applied_migrations(&copy)
        .await?
        .last()
        .cloned()
        .unwrap_or_default();
    if Some(&version) != applied.last() {
        return Err((
            EXIT_FAILURE,
            "the copy's schema differs from the source's".to_owned(),
        ));
    }
    // The secret the site signs with, unless it is configured (then it is configuration, and
    // stays out of the data).
    let secret = match (&settings.jwt_secret, settings.resolve_jwt_secret()) {
        (None, Ok(JwtSecret::Ready(bytes))) => String::from_utf8(bytes).ok(),
        _ => None,
    };
    let mut manifest = vec![
        ("taken_at", crate::services::now().to_rfc3339()),
        ("schema_version", version.clone()),
        ("source", source.display().to_string()),
    ];
    if let Some(secret) = &secret {
        manifest.push(("jwt_secret", secret.clone()));
    }
    copy.execute_unprepared(&format!(
        "CREATE TABLE {MANIFEST} (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
    ))
    .await
    .map_err(failed("writing the manifest"))?;
    for (name, value) in &manifest {
        copy.execute_unprepared(&format!(
            "INSERT INTO {MANIFEST} (name, value) VALUES ({}, {})",
            sql_text(name),
            sql_text(value)
        ))
        .await
        .map_err(failed("writing the manifest"))?;
    }
    let rows = counts(&copy).await?;
    copy.close().await.ok();
    let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {} to {} in {:.1} s: {} bytes, schema {version}, integrity ok",
        source.display(),
        to.display(),
        copied.as_secs_f64(),
        size
    );
    for (table, n) in rows {
        println!("  {table}: {n}");
    }
    println!(
        "  JWT secret: {}",
        if secret.is_some() {
            "kept in the backup (issued sessions stay valid after a restore); keep the file private"
        } else {
            "configured (--jwt-secret), not in the backup"
        }
    );
    Ok(())
}

/// `papers restore --from FILE [--force]`: onto the SQLite file of `--database-url`, which must
/// not be served while it runs.
pub async fn restore(settings: Settings, from: &Path, force: bool) -> CommandResult {
    let target = sqlite_file(&settings, "restore")?;
    if !from.is_file() {
        return Err((EXIT_USAGE, format!("no backup at {}", from.display())));
    }
    // The backup: whole, and of a schema this binary knows.
    let backup = open_file(from).await?;
    check_integrity(&backup, from).await?;
    let applied = applied_migrations(&backup).await?;
    let known: Vec<String> = db::migration_names();
    if let Some(unknown) = applied.iter().find(|m| !known.contains(m)) {
        return Err((
            EXIT_FAILURE,
            format!(
                "the backup's schema is newer than this binary (it has migration {unknown}); \
                 restore it with the release that made it"
            ),
        ));
    }
    let secret = scalar(
        &backup,
        &format!("SELECT value FROM {MANIFEST} WHERE name = 'jwt_secret'"),
    )
    .await
    .ok()
    .flatten();
    backup.close().await.ok();

    // The target: empty, or `--force`.
    if target.exists() && !force {
        let existing = open_file(&target).await?;
        let tables = counts(&existing).await.unwrap_or_default();
        existing.close().await.ok();
        if tables.iter().any(|(_, n)| *n > 0) {
            return Err((
                EXIT_USAGE,
                format!(
                    "{} holds data; give --force to replace it with the backup",
                    target.display()
                ),
            ));
        }
    }

    // Copied beside the target, brought up to this binary's schema, then moved into place.
    let staging = target.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(from, &staging)
        .map_err(|e| (EXIT_FAILURE, format!("cannot copy the backup: {e}")))?;
    let staged = open_file(&staging).await?;
    staged
        .execute_unprepared(&format!("DROP TABLE IF EXISTS {MANIFEST}"))
        .await
        .map_err(failed("preparing the copy"))?;
    db::migrate_up(&staged)
        .await
        .map_err(failed("migrating the backup up"))?;
    let version = applied_migrations(&staged)
        .await?
        .last()
        .cloned()
        .unwrap_or_default();
    let rows = counts(&staged).await?;
    staged.close().await.ok();
    for suffix in ["-wal", "-shm"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::rename(&staging, &target)
        .map_err(|e| (EXIT_FAILURE, format!("cannot put the backup in place: {e}")))?;

    let kept = match (&settings.jwt_secret, &secret) {
        (None, Some(secret)) => {
            replace_secret_beside(&target, secret)
                .map_err(|e| (EXIT_FAILURE, format!("cannot keep the JWT secret: {e}")))?;
            "the backup's (issued sessions stay valid)"
        }
        (Some(_), _) => "configured (--jwt-secret)",
        (None, None) => "none in the backup: the file beside the database is used",
    };
    println!(
        "restored {} onto {}: schema {version}",
        from.display(),
        target.display()
    );
    for (table, n) in rows {
        println!("  {table}: {n}");
    }
    println!("  JWT secret: {kept}");
    Ok(())
}
