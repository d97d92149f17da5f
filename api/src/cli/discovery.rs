//! `papers embed` (vectors for the papers that lack one) and `papers model download` (a model
//! from the Hugging Face Hub, in the folder layout `--embedding-model` reads).

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rand::{Rng, SeedableRng};

use super::{CommandResult, EXIT_FAILURE, EXIT_USAGE, connect, start_error};
use crate::config::Settings;
use crate::db;
use crate::ids::PaperId;
use crate::services::discovery::job::{self, Batch};
use crate::services::discovery::model::Model;
use crate::services::discovery::store;
use crate::services::events::{Event, Events};

/// The Hub repository `papers model download` fetches when none is named.
pub const DEFAULT_MODEL_REPO: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// How often plain progress lines are printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// `papers embed`: embeds every paper without a vector of the model, newest first, one batch
/// (one transaction) at a time, so that an interrupted run loses at most a batch and the next
/// run goes on from there. A running server of the same database takes part: on PostgreSQL the
/// batches are claimed, so the two never embed the same paper, and the `PaperEmbedded` events
/// reach every replica's index.
pub async fn embed(
    settings: Settings,
    limit: Option<u64>,
    drop_other_models: bool,
    random_vectors: bool,
) -> CommandResult {
    if settings.embedding_model.is_none() {
        return Err((
            EXIT_USAGE,
            "name the model: --embedding-model DIR (PAPERS_EMBEDDING_MODEL)".to_owned(),
        ));
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let metrics = std::sync::Arc::new(crate::metrics::Metrics::new());
    let discovery =
        crate::app::open_discovery(&settings, threads, &metrics).map_err(start_error)?;
    let Some(embedder) = discovery.embedder() else {
        return Err((EXIT_USAGE, "no embedding model".to_owned()));
    };
    let database = connect(&settings).await?;
    db::migrate_up(&database)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    let model = embedder.identity();
    let failed = |e: crate::error::AppError| (EXIT_FAILURE, format!("embedding failed: {e}"));
    let lacking = store::count_lacking(&database, model)
        .await
        .map_err(failed)?;
    let most = limit.unwrap_or(u64::MAX);
    let progress = Progress::new(lacking.min(most));
    let started = Instant::now();
    let mut embedded = 0_u64;
    if random_vectors {
        embedded = fill_random(&database, model, embedder.dimensions(), most, &progress)
            .await
            .map_err(failed)?;
    } else {
        let events = Events::new(database.clone());
        while embedded < most {
            let batch = job::embed_batch(&database, embedder, most - embedded).await;
            match batch.map_err(failed)? {
                Batch::Embedded(ids) => {
                    embedded += u64::try_from(ids.len()).unwrap_or(0);
                    progress.advance(embedded);
                    let done: Vec<Event> = ids
                        .into_iter()
                        .map(|paper| Event::PaperEmbedded { paper })
                        .collect();
                    events.publish(&done).await;
                }
                Batch::Done => break,
                // A server of this database holds the claim for one batch: wait for it.
                Batch::Busy => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    // Counts below a few billion are exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let rate = embedded as f64 / seconds.max(1e-9);
    let have = store::count(&database, model).await.map_err(failed)?;
    let papers = store::count_papers(&database).await.map_err(failed)?;
    println!(
        "embedded {embedded} papers in {seconds:.1} s ({rate:.1} papers/s){}; {have} of \
         {papers} papers have a vector of {model}",
        if random_vectors {
            ", random vectors for benchmarks"
        } else {
            ""
        }
    );
    let others = store::count_other_models(&database, model)
        .await
        .map_err(failed)?;
    if drop_other_models {
        let dropped = store::drop_other_models(&database, model)
            .await
            .map_err(failed)?;
        println!("dropped {dropped} vectors of other models");
    } else if others > 0 {
        println!(
            "{others} vectors of other models are kept (--drop-other-models deletes them once \
             no server uses them)"
        );
    }
    Ok(())
}

/// `--bench-random-vectors`: a pseudo-random unit vector per paper (the same for the same paper)
/// instead of the model's, for benchmarks of 100,000 papers that the model would take hours to
/// embed on a small machine. Search by meaning over them finds nothing meaningful, but it costs
/// what it costs over real vectors: the index is exhaustive and reads every vector.
async fn fill_random(
    database: &sea_orm::DatabaseConnection,
    model: &str,
    dimensions: usize,
    most: u64,
    progress: &Progress,
) -> Result<u64, crate::error::AppError> {
    let mut written = 0_u64;
    while written < most {
        let pending = store::lacking(database, model, (most - written).min(2048)).await?;
        if pending.is_empty() {
            return Ok(written);
        }
        let vectors: Vec<(PaperId, Vec<f32>)> = pending
            .iter()
            .map(|p| (p.id, random_unit(p.id, dimensions)))
            .collect();
        store::save(database, model, &vectors).await?;
        written += u64::try_from(vectors.len()).unwrap_or(0);
        progress.advance(written);
    }
    Ok(written)
}

fn random_unit(paper: PaperId, dimensions: usize) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(paper.0.cast_unsigned());
    let raw: Vec<f32> = (0..dimensions).map(|_| rng.random::<f32>() - 0.5).collect();
    let norm = raw
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    raw.into_iter().map(|x| x / norm).collect()
}

/// A progress bar on a terminal, a plain line every [`PLAIN_EVERY`] otherwise (a log file, CI).
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    started: Instant,
    printed: std::sync::Mutex<Instant>,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} papers, {per_sec}, {eta} left")
            {
                bar.set_style(style);
            }
            bar
        });
        if bar.is_none() {
            eprintln!("{total} papers to embed");
        }
        Self {
            bar,
            total,
            started: Instant::now(),
            printed: std::sync::Mutex::new(Instant::now()),
        }
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        let Ok(mut printed) = self.printed.lock() else {
            return;
        };
        if printed.elapsed() >= PLAIN_EVERY {
            *printed = Instant::now();
            let seconds = self.started.elapsed().as_secs();
            eprintln!("embedded {done} of {} papers ({seconds} s)", self.total);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The files of a model's Hub repository that `--embedding-model` reads; the first four are
/// required.
const MODEL_FILES: [&str; 7] = [
    "config.json",
    "tokenizer.json",
    "model.safetensors",
    "1_Pooling/config.json",
    "modules.json",
    "sentence_bert_config.json",
    "README.md",
];
const REQUIRED_FILES: usize = 4;

/// `papers model download`: fetches a sentence-embedding model's files from the Hugging Face
/// Hub (through its cache, `HF_HOME`; `HF_TOKEN` for a gated model; `HF_ENDPOINT` for a
/// mirror), copies them into `to` in the repository's layout, and loads the folder once to
/// check it.
pub async fn download(repo: &str, revision: &str, to: &Path) -> CommandResult {
    use hf_hub::api::tokio::ApiBuilder;
    use hf_hub::{Repo, RepoType};
    let api = ApiBuilder::from_env()
        .with_progress(std::io::stderr().is_terminal())
        .build()
        .map_err(|e| (EXIT_FAILURE, format!("cannot reach the Hub: {e}")))?;
    let hub = api.repo(Repo::with_revision(
        repo.to_owned(),
        RepoType::Model,
        revision.to_owned(),
    ));
    for (i, file) in MODEL_FILES.iter().enumerate() {
        let cached = match hub.get(file).await {
            Ok(path) => path,
            Err(_) if i >= REQUIRED_FILES => continue,
            Err(e) => {
                return Err((EXIT_FAILURE, format!("cannot fetch {file} of {repo}: {e}")));
            }
        };
        let target = to.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                (
                    EXIT_FAILURE,
                    format!("cannot create {}: {e}", parent.display()),
                )
            })?;
        }
        std::fs::copy(&cached, &target).map_err(|e| {
            (
                EXIT_FAILURE,
                format!("cannot write {}: {e}", target.display()),
            )
        })?;
    }
    let model = Model::load(to).map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    println!(
        "{} ({} dimensions) is in {}: serve it with --embedding-model {}",
        model.identity(),
        model.dimensions(),
        to.display(),
        to.display()
    );
    Ok(())
}
