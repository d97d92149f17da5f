//! The model behind the worker threads: at most one text batch per core is embedded at a time,
//! behind a bounded queue, so that a flood of searches waits its turn instead of starving the
//! server or growing its memory. A query's embedding is awaited inside its request, so it counts
//! against the request timeout; one whose request gave up is skipped.

use std::sync::Arc;

use crate::error::AppError;
use crate::services::workers::Workers;

use super::model::{Model, ModelError};

/// Embedding jobs that may wait for a thread; further callers wait to enqueue.
const QUEUE: usize = 64;

/// The loaded model and its threads.
pub struct Embedder {
    model: Arc<Model>,
    workers: Workers,
}

impl From<ModelError> for AppError {
    fn from(err: ModelError) -> Self {
        AppError::Internal(err.to_string())
    }
}

/// The text that stands for a paper: its title, then its abstract (the model reads as much of
/// it as its window holds).
pub fn paper_text(title: &str, r#abstract: &str) -> String {
    let title = title.trim();
    let joint = if title.ends_with(['.', '?', '!']) {
        " "
    } else {
        ". "
    };
    format!("{title}{joint}{}", r#abstract.trim())
}

impl Embedder {
    /// The model on `threads` threads.
    pub fn new(model: Model, threads: usize) -> std::io::Result<Self> {
        Ok(Self {
            model: Arc::new(model),
            workers: Workers::new("embed", threads, QUEUE)?,
        })
    }

    /// The model's identity, recorded with every vector.
    pub fn identity(&self) -> &str {
        self.model.identity()
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        self.model.name()
    }

    /// The length of its vectors.
    pub fn dimensions(&self) -> usize {
        self.model.dimensions()
    }

    /// One vector per text, in order.
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, AppError> {
        let model = self.model.clone();
        self.workers
            .run(move || {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                Ok(model.embed(&texts)?)
            })
            .await
    }

    /// The vector of one text.
    pub async fn embed_one(&self, text: String) -> Result<Vec<f32>, AppError> {
        self.embed(vec![text])
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the model returned no vector".into()))
    }
}
