//! Synthetic data for scale: `papers seed --synthetic N [--seed S]`. Deterministic for a given
//! seed; proportions as on a busy instance (for N papers: N/5 users, ~3N author links, ~10N paper
//! upvotes, N comments of which ~30% replies, N/20 collections); counters equal to their rows.
//! Everything is generated in memory first (counters need the votes), then written with
//! multi-row inserts in one transaction.

mod generate;
mod words;
mod write;

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::error::AppError;

/// The password of every synthetic user (for benchmarks that sign in).
pub const SYNTHETIC_PASSWORD: &str = "synthetic-password";

/// How many rows of each kind a seed wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeedReport {
    pub users: usize,
    pub authors: usize,
    pub papers: usize,
    pub author_links: usize,
    pub paper_upvotes: usize,
    pub comments: usize,
    pub comment_upvotes: usize,
    pub collections: usize,
    pub collection_items: usize,
    pub collection_upvotes: usize,
}

/// Seeds `n` papers and their community into an empty database.
pub async fn seed(db: &DatabaseConnection, n: usize, seed: u64) -> Result<SeedReport, AppError> {
    if entity::paper::Entity::find().count(db).await? > 0
        || entity::user::Entity::find().count(db).await? > 0
    {
        return Err(AppError::Conflict(
            "synthetic data goes into an empty database (start with --no-demo or a new file)"
                .into(),
        ));
    }
    let world = generate::World::generate(n, seed, crate::services::now());
    write::write(db, world).await
}
