//! The model behind the worker threads: at most one text batch per core is embedded at a time,
//! behind a bounded queue, so that a flood of searches waits its turn instead of starving the
//! server or growing its memory. A query's embedding is awaited inside its request, so it counts
//! against the request timeout; one whose request gave up is skipped.

use std::sync::Arc;

use crate::error::AppError;
use crate::metrics::Metrics;
use crate::services::workers::Workers;

use super::model::{Model, ModelError};

/// Embedding jobs that may wait for a thread; further callers wait to enqueue.
const QUEUE: usize = 64;

/// The loaded model and its threads.
pub struct Embedder {
    model: Arc<Model>,
    workers: Workers,
    metrics: Arc<Metrics>,
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
    /// The model on `threads` threads, its run times recorded in `metrics`.
    pub fn new(model: Model, threads: usize, metrics: Arc<Metrics>) -> std::io::Result<Self> {
        Ok(Self {
            model: Arc::new(model),
            workers: Workers::new("embed", threads, QUEUE)?,
            metrics,
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

    /// One vector per paper text, in order.
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, AppError> {
        self.run(texts, "papers").await
    }

    /// The vector of a search's text.
    pub async fn embed_query(&self, text: String) -> Result<Vec<f32>, AppError> {
        self.run(vec![text], "query")
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the model returned no vector".into()))
    }

    async fn run(&self, texts: Vec<String>, kind: &'static str) -> Result<Vec<Vec<f32>>, AppError> {
        let model = self.model.clone();
        let metrics = self.metrics.clone();
        self.workers
            .run(move || {
                let started = std::time::Instant::now();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let vectors = model.embed(&texts)?;
                metrics.embedding(kind, started.elapsed().as_secs_f64());
                Ok(vectors)
            })
            .await
    }
}
