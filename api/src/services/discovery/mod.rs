//! Discovery: papers found by what they are about.
//!
//! - `model`: a sentence-embedding model run in process turns a text into a vector;
//! - `embedder`: the model behind a bounded set of threads;
//! - `store`: the vectors in the database, one per paper and model;
//! - `index`: each replica's in-memory copy of its model's vectors, searched for nearest
//!   neighbours;
//! - `job`: the background work that embeds new papers (and any backlog) and keeps every
//!   replica's index current.
//!
//! Without a model (`--embedding-model` unset) all of it is off: search is by words only and
//! similar papers are found through the full-text engine (`papers::similar`).

pub mod embedder;
pub mod index;
pub mod job;
pub mod model;
pub mod store;
mod weights;

use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::ids::PaperId;
use embedder::Embedder;
use index::{Index, Quantized};

/// The model, when one is loaded, and the index of its vectors.
pub struct Discovery {
    embedder: Option<Embedder>,
    index: Index,
}

impl Discovery {
    /// No model: search by words only.
    pub fn off() -> Self {
        Self {
            embedder: None,
            index: Index::new(0),
        }
    }

    /// With a model; its index is empty until [`Discovery::load`].
    pub fn new(embedder: Embedder) -> Self {
        Self {
            index: Index::new(embedder.dimensions()),
            embedder: Some(embedder),
        }
    }

    /// The model, when one is loaded.
    pub fn embedder(&self) -> Option<&Embedder> {
        self.embedder.as_ref()
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Fills the index with every vector of the model in the database; how many it holds.
    pub async fn load(&self, db: &DatabaseConnection) -> Result<usize, AppError> {
        let Some(embedder) = &self.embedder else {
            return Ok(0);
        };
        let model = embedder.identity();
        // Built aside, sized once, filled page by page, then swapped in whole.
        let expected = usize::try_from(store::count(db, model).await?).unwrap_or(0);
        let fresh = Index::with_capacity(embedder.dimensions(), expected);
        store::load_all(db, model, embedder.dimensions(), |page| fresh.insert(page)).await?;
        self.index.replace(fresh);
        Ok(self.index.len())
    }

    /// The `k` papers nearest in meaning to a text, best first with their cosine; `None`
    /// without a model.
    pub async fn nearest_to_text(
        &self,
        text: &str,
        k: usize,
    ) -> Result<Option<Vec<(PaperId, f32)>>, AppError> {
        let Some(embedder) = &self.embedder else {
            return Ok(None);
        };
        let vector = embedder.embed_query(text.to_owned()).await?;
        Ok(Some(self.index.nearest(&Quantized::new(&vector), k, None)))
    }

    /// The `k` papers nearest in meaning to a set of papers taken together (their mean
    /// direction); `None` when none of them has a vector (no model, or not embedded yet).
    pub fn nearest_to_papers(&self, papers: &[PaperId], k: usize) -> Option<Vec<(PaperId, f32)>> {
        let centroid = self.index.centroid(papers)?;
        Some(self.index.nearest(&centroid, k, None))
    }

    /// The `k` papers nearest in meaning to a paper, itself left out; `None` when the paper has
    /// no vector (no model, or not embedded yet).
    pub fn nearest_to_paper(&self, paper: PaperId, k: usize) -> Option<Vec<(PaperId, f32)>> {
        let vector = self.index.get(paper)?;
        Some(self.index.nearest(&vector, k, Some(paper)))
    }
}
