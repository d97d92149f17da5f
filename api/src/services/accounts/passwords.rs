//! Password hashing: argon2id with 19 MiB of memory and 2 iterations (OWASP's minimum).
//!
//! Each hash takes tens of milliseconds of CPU and 19 MiB of memory: it runs on the hashing
//! threads (`Workers`), never on the async runtime.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::services::workers::Workers;

/// Memory per hash, in KiB.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const ITERATIONS: u32 = 2;
/// Hashing jobs that may wait for a thread; further requests wait to enqueue.
const QUEUE: usize = 256;

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password on the calling thread (for commands, not for request handlers).
pub fn hash_now(password: &str) -> Result<String, AppError> {
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}

/// Checks a password against a stored hash on the calling thread.
fn verify_now(password: &str, stored: &str) -> Result<bool, AppError> {
    let parsed =
        PasswordHash::new(stored).map_err(|e| AppError::Internal(format!("stored hash: {e}")))?;
    Ok(hasher()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// The hashing threads: one per core.
pub struct Hasher {
    workers: Workers,
    /// A hash to check passwords against when the account does not exist, so that an unknown
    /// account takes as long to refuse as a wrong password; made once, on the pool.
    dummy: OnceCell<String>,
}

impl Hasher {
    /// A pool of `threads` hashing threads.
    pub fn new(threads: usize) -> std::io::Result<Self> {
        Ok(Self {
            workers: Workers::new("hash", threads, QUEUE)?,
            dummy: OnceCell::new(),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.workers.run(work).await
    }

    /// A PHC string with its salt.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_now(&password)).await
    }

    /// Whether the password matches the stored hash.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, AppError> {
        self.run(move || verify_now(&password, &stored)).await
    }

    /// Spends the time of a real check, for an account that does not exist; always false.
    pub async fn verify_unknown(&self, password: String) -> Result<bool, AppError> {
        let dummy = self
            .dummy
            .get_or_try_init(|| self.hash("not the password of anyone".into()))
            .await?
            .clone();
        self.verify(password, dummy).await.map(|_| false)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_pool_hashes_and_verifies() {
        let pool = Hasher::new(1).expect("threads");
        let hash = pool.hash("a long password".into()).await.expect("hash");
        assert!(
            pool.verify("a long password".into(), hash.clone())
                .await
                .expect("verify")
        );
        assert!(
            !pool
                .verify("another one".into(), hash)
                .await
                .expect("verify")
        );
        assert!(
            !pool
                .verify_unknown("a long password".into())
                .await
                .expect("verify")
        );
    }
}
