//! Which database a `--database-url` names: the few places that differ between a SQLite file,
//! an in-memory SQLite database and PostgreSQL ask this rather than the URL.

use std::path::PathBuf;

use super::{ConfigError, Settings};

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseKind {
    /// A SQLite file at this path.
    SqliteFile(PathBuf),
    /// An in-memory SQLite database (a single connection, gone at exit).
    SqliteMemory,
    Postgres,
}

impl Settings {
    pub fn database_kind(&self) -> Result<DatabaseKind, ConfigError> {
        DatabaseKind::of(&self.database_url)
    }
}

impl DatabaseKind {
    /// Which database `url` names.
    pub fn of(url: &str) -> Result<Self, ConfigError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseKind::Postgres);
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let rest = rest.trim_start_matches("//");
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" || rest.contains("mode=memory") {
                return Ok(DatabaseKind::SqliteMemory);
            }
            return Ok(DatabaseKind::SqliteFile(PathBuf::from(path)));
        }
        Err(ConfigError {
            setting: "--database-url (DATABASE_URL)",
            reason: "expected a sqlite:// or postgres:// URL".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(url: &str) -> Option<DatabaseKind> {
        super::super::parse(&["--database-url", url])
            .database_kind()
            .ok()
    }

    #[test]
    fn database_urls_are_classified() {
        assert_eq!(
            kind("sqlite://papers.db?mode=rwc"),
            Some(DatabaseKind::SqliteFile(PathBuf::from("papers.db")))
        );
        assert_eq!(kind("sqlite::memory:"), Some(DatabaseKind::SqliteMemory));
        assert_eq!(kind("postgres://u@h/db"), Some(DatabaseKind::Postgres));
        assert_eq!(kind("mysql://x"), None);
    }
}
