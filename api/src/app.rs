//! Starting the service: open and migrate the database, load the demo data, serve until told
//! to stop. Shared by `papers serve` and the black-box tests.

use crate::metrics::Metrics;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::auth::jwt::JwtKeys;
use crate::config::{DatabaseKind, JwtSecret, Settings};
use crate::db::wal_index::WalIndex;
use crate::services::Services;
use crate::services::accounts::passwords::Hasher;
use crate::services::accounts::viewers::Viewers;
use crate::services::discovery::Discovery;
use crate::services::discovery::embedder::Embedder;
use crate::services::discovery::model::Model;
use crate::services::papers::{demo, trending};
use crate::state::AppState;
use crate::{db, http};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot open the database: {0}")]
    Database(String),
    #[error("cannot load the demo data: {0}")]
    Demo(String),
    #[error("cannot start the worker threads: {0}")]
    Workers(String),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: SocketAddr, reason: String },
}

/// Opens and migrates the database and, unless `--no-demo`, loads the demo papers into an empty
/// one.
pub async fn prepare(settings: Settings) -> Result<AppState, StartError> {
    settings.validate()?;
    let database_kind = settings.database_kind()?;
    // Resolved now so that a bad or unwritable secret stops start-up, not the first login.
    let secret = settings.resolve_jwt_secret()?;
    // The model too (a bad folder is a configuration error), before the database is touched.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let metrics = Arc::new(Metrics::new());
    let discovery = open_discovery(&settings, threads, &metrics)?;
    let mut db = db::connect(&settings)
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    db::migrate_up(&db)
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    let secret = match secret {
        JwtSecret::Ready(secret) => secret,
        JwtSecret::InDatabase => crate::auth::secret::shared_jwt_secret(&db)
            .await
            .map_err(|e| StartError::Database(e.to_string()))?,
    };
    if !settings.no_demo {
        match demo::load_if_empty(&db).await {
            Ok(Some(report)) => tracing::info!(papers = report.inserted, "loaded the demo papers"),
            Ok(None) => {}
            Err(e) => return Err(StartError::Demo(e.to_string())),
        }
    }
    // Scores decay with time: bring recent ones up to date before serving.
    trending::refresh_recent(&db)
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    if !settings.rate_limits_enabled() {
        tracing::warn!("rate limits are off: every throttle is disabled");
    }
    let statements = Arc::new(AtomicU64::new(0));
    // The same pool for background work, counted in the metrics but not in `statements`, so
    // that a worker polling in the background never shows in a request's statement count.
    let mut background = db.clone();
    let counted = metrics.clone();
    background.set_metric_callback(move |_| counted.statement());
    let counter = statements.clone();
    let counted = metrics.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
        counted.statement();
    });
    let hasher = Hasher::new(threads).map_err(|e| StartError::Workers(e.to_string()))?;
    let throttles = Arc::new(crate::services::throttle::Throttles::new(
        &settings, &metrics, &db,
    ));
    let events = Arc::new(crate::services::events::Events::new(db.clone()));
    let mailer = crate::services::digest::mail::Mailer::from_settings(&settings, metrics.clone())?;
    let vectors = discovery
        .load(&background)
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    if let Some(embedder) = discovery.embedder() {
        tracing::info!(
            model = embedder.identity(),
            vectors,
            "loaded the embedding model"
        );
    }
    Ok(AppState {
        services: Services {
            db,
            jwt: Arc::new(JwtKeys::new(&secret)),
            hasher: Arc::new(hasher),
            throttles,
            events,
            mailer,
            discovery: Arc::new(discovery),
            viewers: Arc::new(viewers(&database_kind, &settings)),
        },
        background,
        metrics,
        settings: Arc::new(settings),
        database_kind,
        statements,
    })
}

/// The cache of signed-in users' rows, kept as long as the database can tell of every change.
fn viewers(kind: &DatabaseKind, settings: &Settings) -> Viewers {
    let ttl = Duration::from_secs(settings.viewer_cache_secs);
    match kind {
        DatabaseKind::Postgres => Viewers::new(ttl),
        DatabaseKind::SqliteFile(path) => Viewers::for_sqlite_file(ttl, WalIndex::of(path)),
        DatabaseKind::SqliteMemory => Viewers::off(),
    }
}

/// The embedding model of `--embedding-model` on one thread per core, or none. A folder it
/// cannot use is a configuration error.
pub fn open_discovery(
    settings: &Settings,
    threads: usize,
    metrics: &Arc<Metrics>,
) -> Result<Discovery, StartError> {
    let Some(dir) = &settings.embedding_model else {
        return Ok(Discovery::off());
    };
    let model = Model::load(dir).map_err(|e| crate::config::ConfigError {
        setting: "--embedding-model (PAPERS_EMBEDDING_MODEL)",
        reason: e.to_string(),
    })?;
    let embedder = Embedder::new(model, threads, metrics.clone())
        .map_err(|e| StartError::Workers(e.to_string()))?;
    Ok(Discovery::new(embedder))
}

/// Binds the listen address.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Listen {
            addr,
            reason: e.to_string(),
        })
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let every = std::time::Duration::from_secs(state.settings.trending_refresh_secs);
    // Scores decay with time; one replica refreshes them each period.
    let refresher = tokio::spawn(crate::services::jobs::run_periodically(
        state.background.clone(),
        "trending_refresh",
        every,
        |db| async move { trending::refresh_recent(&db).await },
    ));
    let events = state.services.events.clone();
    let viewers = state.services.viewers.clone();
    let database_url = state.settings.database_url.clone();
    let relay = tokio::spawn(async move {
        events
            .listen(database_url, |relay| viewers.watch(relay))
            .await
    });
    // Shared throttle windows of keys long quiet are forgotten, by one replica each hour.
    let sweeper = tokio::spawn(crate::services::jobs::run_periodically(
        state.background.clone(),
        "throttle_sweep",
        std::time::Duration::from_secs(3600),
        |db| async move { crate::services::throttle::sweep_shared(&db).await },
    ));
    // Settled webhook deliveries older than a month go, by one replica each day.
    let pruner = tokio::spawn(crate::services::jobs::run_periodically(
        state.background.clone(),
        "webhook_prune",
        std::time::Duration::from_secs(86_400),
        |db| async move { crate::services::webhooks::prune(&db).await },
    ));
    // Every replica delivers webhooks; claims keep them from sending one attempt twice.
    let webhooks = tokio::spawn(crate::services::webhooks::deliver::run(
        state.background.clone(),
        crate::services::webhooks::deliver::Policy::from_settings(
            &state.settings,
            state.metrics.clone(),
        ),
    ));
    let digest = match state.services.mailer.clone() {
        Some(mailer) => Some(tokio::spawn(crate::services::digest::send::schedule(
            state.background.clone(),
            state.services.discovery.clone(),
            mailer,
            state.settings.public_url.clone(),
            state.settings.digest_hour,
        ))),
        None => {
            tracing::info!(
                "mail is off (no --smtp-url): digest subscriptions are kept, nothing is sent"
            );
            None
        }
    };
    // New papers get their vectors, and every replica's index follows.
    let discovery = state.services.discovery.clone();
    let embedding = [
        tokio::spawn(crate::services::discovery::job::embed(
            state.background.clone(),
            discovery.clone(),
            state.services.events.clone(),
        )),
        tokio::spawn(crate::services::discovery::job::follow(
            state.background.clone(),
            discovery,
            state.services.events.clone(),
        )),
    ];
    let db = state.background.clone();
    tokio::spawn(async move {
        match crate::services::discussion::render_missing(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(comments = n, "rendered the markdown of older comments"),
            Err(e) => {
                tracing::warn!(cause = %e, "rendering older comments stopped; they render on read")
            }
        }
    });
    let limits = http::server::ConnectionLimits {
        max_connections: usize::try_from(state.settings.max_connections).unwrap_or(usize::MAX),
        header_timeout: std::time::Duration::from_secs(state.settings.header_timeout),
        idle_timeout: std::time::Duration::from_secs(state.settings.idle_timeout),
    };
    let metrics = match state.settings.metrics_listen {
        Some(addr) => {
            let listener = TcpListener::bind(addr).await?;
            tracing::info!(%addr, "metrics on their own address");
            let router = http::metrics_router(state.clone());
            Some(tokio::spawn(
                async move { axum::serve(listener, router).await },
            ))
        }
        None => None,
    };
    let engine = crate::graphql::Engine::build(state.clone(), &state.settings)
        .await
        .map_err(std::io::Error::other)?;
    let router = http::router(state, engine);
    let served = http::server::serve(listener, router, limits, shutdown).await;
    refresher.abort();
    sweeper.abort();
    relay.abort();
    webhooks.abort();
    pruner.abort();
    for task in embedding {
        task.abort();
    }
    if let Some(digest) = digest {
        digest.abort();
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    served
}

/// Completes on SIGINT or SIGTERM. The handlers are installed when this is called, not when
/// the future is first polled: a signal that arrives while the server is still starting is kept,
/// and the server stops gracefully as soon as it serves (rather than being killed mid-start).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let stopped = {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        let received = |signal: Option<Signal>| async move {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        async move {
            tokio::select! {
                () = received(interrupt) => {}
                () = received(terminate) => {}
            }
        }
    };
    #[cfg(not(unix))]
    let stopped = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    async move {
        stopped.await;
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
