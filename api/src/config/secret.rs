//! The secret that signs access tokens: configured, or kept in a file beside the SQLite
//! database (created on first use), or for PostgreSQL kept in the database that every replica
//! shares.

use std::path::{Path, PathBuf};

use super::{ConfigError, DatabaseKind, Settings};

/// The smallest accepted JWT secret, in bytes (HS256 wants at least its own output size).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

impl Settings {
    /// The JWT secret: the configured one, or the one kept beside the SQLite database (created
    /// on first use), or a fresh one for an in-memory database. Without a configured secret,
    /// PostgreSQL's is kept in the database, which every replica shares: that is
    /// [`JwtSecret::InDatabase`], read once the database is open.
    pub fn resolve_jwt_secret(&self) -> Result<JwtSecret, ConfigError> {
        if let Some(secret) = &self.jwt_secret {
            check_length(secret, "--jwt-secret (PAPERS_JWT_SECRET)")?;
            return Ok(JwtSecret::Ready(secret.as_bytes().to_vec()));
        }
        match self.database_kind()? {
            DatabaseKind::SqliteFile(db) => {
                load_or_create_secret(&secret_file_beside(&db)).map(JwtSecret::Ready)
            }
            DatabaseKind::SqliteMemory => Ok(JwtSecret::Ready(random_secret().into_bytes())),
            DatabaseKind::Postgres => Ok(JwtSecret::InDatabase),
        }
    }
}

pub(super) fn check_length(secret: &str, setting: &'static str) -> Result<(), ConfigError> {
    if secret.len() < MIN_JWT_SECRET_BYTES {
        return Err(ConfigError {
            setting,
            reason: format!(
                "must be at least {MIN_JWT_SECRET_BYTES} bytes, got {}",
                secret.len()
            ),
        });
    }
    Ok(())
}

/// Puts `secret` in the file beside the SQLite database `db` in place of any there (a restored
/// backup keeps the secret its tokens were signed with).
pub fn replace_secret_beside(db: &Path, secret: &str) -> std::io::Result<()> {
    check_length(secret, "the backup's JWT secret")
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    let path = secret_file_beside(db);
    let fresh = path.with_extension("jwt-secret.new");
    let _ = std::fs::remove_file(&fresh);
    write_private(&fresh, secret)?;
    std::fs::rename(&fresh, &path)
}

/// The secret kept beside the SQLite database `db`, if there is one (never created here: a
/// transfer reads the source's without giving it one).
pub fn read_secret_beside(db: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(secret_file_beside(db)) {
        Ok(secret) => Ok(Some(secret.trim().to_owned())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// `papers.db` → `papers.db.jwt-secret`, in the same directory.
fn secret_file_beside(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".jwt-secret");
    db.with_file_name(name)
}

/// Where the JWT secret comes from.
#[derive(Debug)]
pub enum JwtSecret {
    /// Configured, or read from (or created in) a file.
    Ready(Vec<u8>),
    /// Generated once in PostgreSQL's `app_secrets` and shared by every replica.
    InDatabase,
}

/// A new random secret: 48 random bytes, hex-encoded.
pub fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn load_or_create_secret(path: &Path) -> Result<Vec<u8>, ConfigError> {
    const SETTING: &str = "generated JWT secret file";
    let fail = |reason: String| ConfigError {
        setting: SETTING,
        reason: format!("{}: {reason}", path.display()),
    };
    match std::fs::read_to_string(path) {
        Ok(secret) => {
            let secret = secret.trim().to_owned();
            check_length(&secret, SETTING)?;
            Ok(secret.into_bytes())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_secret();
            write_private(path, &secret).map_err(|e| fail(e.to_string()))?;
            Ok(secret.into_bytes())
        }
        Err(err) => Err(fail(err.to_string())),
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_file_sits_beside_the_database() {
        assert_eq!(
            secret_file_beside(Path::new("/data/papers.db")),
            PathBuf::from("/data/papers.db.jwt-secret")
        );
    }
}
