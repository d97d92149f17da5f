//! The background work of discovery, on every replica that has a model:
//!
//! - `embed`: papers without a vector of the model are embedded in small batches, newest first,
//!   woken by each submission and every half minute (for imports by other processes and for the
//!   backlog of a database that had no model). On PostgreSQL each batch is claimed with a
//!   transaction-scoped advisory lock, so that replicas never embed the same papers twice; the
//!   vectors are written in that transaction. On SQLite there is one process.
//! - `follow`: every `PaperEmbedded` event (from this replica or, through `NOTIFY`, another)
//!   adds the papers' vectors to this replica's index; a replica that missed events (a full
//!   ring, a lost listener connection) reloads the whole index when its count disagrees with the
//!   database's, checked every minute.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use tokio::sync::broadcast::error::RecvError;

use crate::error::AppError;
use crate::ids::PaperId;
use crate::services::events::{Event, Events};

use super::embedder::{Embedder, paper_text};
use super::index::Quantized;
use super::{Discovery, store};

/// Papers embedded together. Small: the model's working memory grows with the batch times the
/// square of its longest text (8 abstracts of 256 tokens take about 25 MB per layer), and a
/// search waiting for a thread waits at most one batch.
pub const BATCH: u64 = 8;
/// The advisory lock that claims a batch on PostgreSQL (`papers_e` in ASCII).
const LOCK: i64 = 0x7061_7065_7273_5f65;
/// How often the job looks for papers to embed when no submission woke it.
const TICK: Duration = Duration::from_secs(30);
/// How often a replica checks that its index holds every vector of the database.
const RECONCILE: Duration = Duration::from_secs(60);

/// What one batch did.
#[derive(Debug, PartialEq, Eq)]
pub enum Batch {
    /// These papers got their vectors.
    Embedded(Vec<PaperId>),
    /// Nothing is left to embed.
    Done,
    /// Another replica is embedding a batch.
    Busy,
}

/// Embeds the next batch (at most `most` papers, at most [`BATCH`]) of papers that lack a
/// vector of the model.
pub async fn embed_batch(
    db: &DatabaseConnection,
    embedder: &Embedder,
    most: u64,
) -> Result<Batch, AppError> {
    let model = embedder.identity();
    let size = most.min(BATCH);
    if db.get_database_backend() != DbBackend::Postgres {
        let pending = store::lacking(db, model, size).await?;
        let vectors = embed_pending(embedder, &pending).await?;
        store::save(db, model, &vectors).await?;
        return Ok(done_or(vectors));
    }
    let txn = db.begin().await?;
    let claimed = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock($1) AS claimed",
            [LOCK.into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "claimed"))
        .transpose()?
        .unwrap_or(false);
    if !claimed {
        return Ok(Batch::Busy);
    }
    let pending = store::lacking(&txn, model, size).await?;
    let vectors = embed_pending(embedder, &pending).await?;
    store::save(&txn, model, &vectors).await?;
    txn.commit().await?;
    Ok(done_or(vectors))
}

fn done_or(vectors: Vec<(PaperId, Vec<f32>)>) -> Batch {
    if vectors.is_empty() {
        Batch::Done
    } else {
        Batch::Embedded(vectors.into_iter().map(|(id, _)| id).collect())
    }
}

async fn embed_pending(
    embedder: &Embedder,
    pending: &[store::Pending],
) -> Result<Vec<(PaperId, Vec<f32>)>, AppError> {
    let texts = pending
        .iter()
        .map(|p| paper_text(&p.title, &p.r#abstract))
        .collect();
    let vectors = embedder.embed(texts).await?;
    Ok(pending.iter().map(|p| p.id).zip(vectors).collect())
}

/// Embeds batches until none is left (or another replica holds the claim), publishing each.
async fn drain(db: &DatabaseConnection, embedder: &Embedder, events: &Events) -> usize {
    let mut embedded = 0;
    loop {
        match embed_batch(db, embedder, BATCH).await {
            Ok(Batch::Embedded(ids)) => {
                embedded += ids.len();
                let done: Vec<Event> = ids
                    .into_iter()
                    .map(|paper| Event::PaperEmbedded { paper })
                    .collect();
                events.publish(&done).await;
            }
            Ok(Batch::Done | Batch::Busy) => return embedded,
            Err(err) => {
                tracing::warn!(error = %err, "embedding papers failed; retrying later");
                return embedded;
            }
        }
    }
}

/// Embeds new papers until the process ends (see the module's comment).
pub async fn embed(db: DatabaseConnection, discovery: Arc<Discovery>, events: Arc<Events>) {
    let Some(embedder) = discovery.embedder() else {
        return;
    };
    let mut heard = events.subscribe();
    loop {
        let n = drain(&db, embedder, &events).await;
        if n > 0 {
            tracing::info!(papers = n, model = embedder.identity(), "embedded papers");
        }
        // Until a paper is submitted, or the tick.
        let _ = tokio::time::timeout(TICK, async {
            loop {
                match heard.recv().await {
                    Ok(Event::PaperSubmitted { .. }) | Err(RecvError::Lagged(_)) => return,
                    Ok(_) => {}
                    Err(RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        })
        .await;
    }
}

/// Keeps this replica's index current until the process ends (see the module's comment).
pub async fn follow(db: DatabaseConnection, discovery: Arc<Discovery>, events: Arc<Events>) {
    let Some(embedder) = discovery.embedder() else {
        return;
    };
    let model = embedder.identity();
    let mut heard = events.subscribe();
    let mut reconcile = tokio::time::interval(RECONCILE);
    reconcile.tick().await;
    loop {
        let mut fresh = Vec::new();
        let mut reload = false;
        tokio::select! {
            event = heard.recv() => match event {
                Ok(Event::PaperEmbedded { paper }) => {
                    fresh.push(paper);
                    // Those that came with it, in one read.
                    while let Ok(event) = heard.try_recv() {
                        if let Event::PaperEmbedded { paper } = event {
                            fresh.push(paper);
                        }
                    }
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => reload = true,
                Err(RecvError::Closed) => return,
            },
            _ = reconcile.tick() => {
                match store::count(&db, model).await {
                    Ok(n) => reload = usize::try_from(n).ok() != Some(discovery.index().len()),
                    Err(err) => tracing::warn!(error = %err, "cannot count the vectors"),
                }
            }
        }
        if reload {
            match discovery.load(&db).await {
                Ok(n) => tracing::info!(papers = n, "reloaded the vector index"),
                Err(err) => tracing::warn!(error = %err, "cannot reload the vector index"),
            }
            continue;
        }
        match store::load(&db, model, &fresh).await {
            Ok(vectors) => discovery.index().insert(
                vectors
                    .iter()
                    .map(|(id, vector)| (*id, Quantized::new(vector))),
            ),
            Err(err) => tracing::warn!(error = %err, "cannot read new vectors"),
        }
    }
}
