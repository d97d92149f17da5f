//! The subcommands of the `papers` binary.

mod backup;
mod discovery;
mod transfer;

use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use entity::user::Role;
use sea_orm::ActiveEnum;

use crate::config::Settings;
use crate::services::events::{Event, Events};
use crate::services::papers::import;
use crate::{app, db, graphql};

/// Papers: the backend of a community research-papers site, served as one GraphQL API.
#[derive(Debug, Parser)]
#[command(name = "papers", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, load the demo data into an empty one, and serve (the default).
    Serve,
    /// Apply, roll back or list the schema migrations.
    Migrate {
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
    },
    /// Import papers, all or nothing, from a file (the project's JSON, Hugging Face daily papers,
    /// or an arXiv API response) or from the arXiv API by id; papers already present (by arXiv
    /// id) are left as they are.
    Import {
        /// The file to import.
        #[arg(required_unless_present = "arxiv")]
        file: Option<PathBuf>,
        /// Fetch these arXiv ids from the arXiv API instead (at most 100 per request, one
        /// request every 3 seconds).
        #[arg(long, num_args = 1.., conflicts_with = "file")]
        arxiv: Vec<String>,
        /// The arXiv API's query endpoint.
        #[arg(
            long,
            env = "PAPERS_ARXIV_API_URL",
            default_value = "https://export.arxiv.org/api/query"
        )]
        arxiv_api_url: String,
        /// Milliseconds between two requests to the arXiv API (arXiv asks for 3000; less only
        /// for a mirror or a test server). A `503` is retried after 2, 4 and 8 times as long.
        #[arg(long, env = "PAPERS_ARXIV_PAUSE_MS", default_value_t = 3000)]
        arxiv_pause_ms: u64,
    },
    /// Print the GraphQL schema (SDL) that the server answers.
    Schema,
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// The trending-papers email digest.
    Digest {
        #[command(subcommand)]
        action: DigestAction,
    },
    /// Give every paper without a vector of the embedding model (`--embedding-model`) its
    /// vector, newest first, in batches: an interrupted run goes on where it stopped, and a new
    /// model embeds every paper again. A running server does the same in the background; this
    /// is the faster way through a large backlog.
    Embed {
        /// Embed at most N papers in this run (the newest that lack a vector), e.g. to spread a
        /// backlog over quiet hours.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        limit: Option<u64>,
        /// Then delete the vectors of every other model (after a change of model, once no
        /// server uses the old one).
        #[arg(long)]
        drop_other_models: bool,
        /// For benchmarks only: a pseudo-random unit vector per paper instead of the model's
        /// (the model is loaded for its name and dimensions). Searches by meaning then find
        /// nothing meaningful; see bench/README.md.
        #[arg(long, hide = true)]
        bench_random_vectors: bool,
    },
    /// Sentence-embedding models for `--embedding-model`.
    Model {
        #[command(subcommand)]
        action: ModelAction,
    },
    /// Copy the SQLite database, consistently, while the server keeps serving (SQLite's
    /// `VACUUM INTO`), check the copy and print what it holds. PostgreSQL: use pg_dump.
    Backup {
        /// The file to write (it must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Put a backup in place of the SQLite database of `--database-url` (stop the server
    /// first): checked, migrated up to this binary's schema, with the JWT secret it kept.
    Restore {
        /// The backup to restore.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
    /// Copy a whole site into an empty database (SQLite to PostgreSQL, or back): ids, sequences,
    /// vectors and the JWT secret carried, the search index built, every table checked.
    /// Stop writes to the source first: what it commits later is not copied.
    Transfer {
        /// The site's database (`sqlite://papers.db`, `postgres://…`); only read.
        #[arg(long, value_name = "URL")]
        from: String,
        /// An empty database to fill (a SQLite file is made when missing); its migrations run
        /// first.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Fill an empty database with synthetic papers, users, votes, comments and collections.
    Seed {
        /// How many papers to make (with N/5 users, ~10N upvotes, N comments, N/20 collections).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        synthetic: u64,
        /// The random seed: the same seed makes the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelAction {
    /// Fetch a model from the Hugging Face Hub into a folder (`config.json`, `tokenizer.json`,
    /// `model.safetensors`, `1_Pooling/config.json`, …): needs internet; `HF_TOKEN` and
    /// `HF_ENDPOINT` are read as the Hub's own clients read them.
    Download {
        /// The model's repository (a BERT-class sentence-transformers model).
        #[arg(default_value = discovery::DEFAULT_MODEL_REPO)]
        repo: String,
        /// The folder to write (created if missing).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// A branch, tag or commit of the repository.
        #[arg(long, default_value = "main")]
        revision: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DigestAction {
    /// Mail the digest of a period to every confirmed subscriber who has not had it (for cron;
    /// `serve` also sends on its own schedule, `--digest-hour`). Needs `--smtp-url`.
    Send {
        /// Which digest.
        #[arg(long, value_enum)]
        frequency: FrequencyArg,
        /// A date in the period (`YYYY-MM-DD`); by default yesterday (daily) or a week ago
        /// (weekly: the whole ISO week before this one).
        #[arg(long)]
        date: Option<String>,
    },
}

/// A digest frequency, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrequencyArg {
    Daily,
    Weekly,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Give a user a role: `user`, `moderator` or `admin` (how the first moderator is made).
    Promote {
        /// The user's username.
        username: String,
        /// The role to give.
        #[arg(value_enum)]
        role: RoleArg,
        /// Who gives it, as the moderation log records (by default the user themself).
        #[arg(long, value_name = "USERNAME")]
        by: Option<String>,
    },
}

/// A role, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    User,
    Moderator,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::User => Self::User,
            RoleArg::Moderator => Self::Moderator,
            RoleArg::Admin => Self::Admin,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back every applied migration.
    Down,
    /// List the migrations and whether each is applied.
    Status,
}

/// Exit code for a bad configuration or bad command-line input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failure at run time (database unreachable, port taken, bad import file).
pub const EXIT_FAILURE: u8 = 1;

/// Runs a subcommand; failures are reported as one line on stderr.
pub async fn run(settings: Settings, command: Command) -> ExitCode {
    let result = match command {
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => migrate(settings, action).await,
        Command::Import {
            file,
            arxiv,
            arxiv_api_url,
            arxiv_pause_ms,
        } => match file {
            Some(file) => import_file(settings, &file).await,
            None => {
                let pause = std::time::Duration::from_millis(arxiv_pause_ms);
                import_arxiv(settings, &arxiv, &arxiv_api_url, pause).await
            }
        },
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Embed {
            limit,
            drop_other_models,
            bench_random_vectors,
        } => {
            let random = bench_random_vectors;
            discovery::embed(settings, limit, drop_other_models, random).await
        }
        Command::Model {
            action: ModelAction::Download { repo, to, revision },
        } => discovery::download(&repo, &revision, &to).await,
        Command::Backup { to } => backup::backup(settings, &to).await,
        Command::Restore { from, force } => backup::restore(settings, &from, force).await,
        Command::Transfer { from, to } => transfer::transfer(settings, &from, &to).await,
        Command::Seed { synthetic, seed } => seed_synthetic(settings, synthetic, seed).await,
        Command::Digest {
            action: DigestAction::Send { frequency, date },
        } => send_digest(settings, frequency, date.as_deref()).await,
        Command::User {
            action: UserAction::Promote { username, role, by },
        } => promote(settings, &username, role.into(), by.as_deref()).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("papers: {message}");
            ExitCode::from(code)
        }
    }
}

type CommandResult = Result<(), (u8, String)>;

fn start_error(err: app::StartError) -> (u8, String) {
    let code = match err {
        app::StartError::Config(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    };
    (code, err.to_string())
}

async fn serve(settings: Settings) -> CommandResult {
    // First: a SIGTERM while the server starts stops it once it serves.
    let shutdown = app::shutdown_signal();
    let listen = settings.listen;
    let state = app::prepare(settings).await.map_err(start_error)?;
    let listener = app::bind(listen).await.map_err(start_error)?;
    let addr = listener
        .local_addr()
        .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    tracing::info!(%addr, "serving GraphQL at http://{addr}/graphql");
    app::serve(state, listener, shutdown)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("server error: {e}")))
}

async fn connect(settings: &Settings) -> Result<sea_orm::DatabaseConnection, (u8, String)> {
    settings
        .validate()
        .map_err(|e| (EXIT_USAGE, e.to_string()))?;
    db::connect(settings)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("cannot open the database: {e}")))
}

async fn migrate(settings: Settings, action: MigrateAction) -> CommandResult {
    let db = connect(&settings).await?;
    let failed = |e: sea_orm::DbErr| (EXIT_FAILURE, format!("migration failed: {e}"));
    match action {
        MigrateAction::Up => db::migrate_up(&db).await.map_err(failed)?,
        MigrateAction::Down => db::migrate_down(&db).await.map_err(failed)?,
        MigrateAction::Status => {
            for (name, applied) in db::migration_status(&db).await.map_err(failed)? {
                println!("{} {name}", if applied { "applied" } else { "pending" });
            }
        }
    }
    Ok(())
}

async fn import_file(settings: Settings, file: &std::path::Path) -> CommandResult {
    let text = std::fs::read_to_string(file)
        .map_err(|e| (EXIT_FAILURE, format!("cannot read {}: {e}", file.display())))?;
    let papers = import::parse_file(&text).map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    import_records(settings, &papers).await
}

/// `papers import --arxiv ID…`: fetched politely, then imported as a file would be; ids arXiv
/// does not know are reported on stderr, not fatal.
async fn import_arxiv(
    settings: Settings,
    ids: &[String],
    url: &str,
    pause: std::time::Duration,
) -> CommandResult {
    use crate::services::papers::arxiv_api;
    let long = ids.len() > arxiv_api::BATCH;
    let fetched = arxiv_api::fetch(url, ids, pause, |asked, all| {
        if long {
            eprintln!("fetched {asked} of {all} ids from arXiv");
        }
    })
    .await
    .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    if !fetched.unknown.is_empty() {
        eprintln!("arXiv does not know: {}", fetched.unknown.join(", "));
    }
    import_records(settings, &fetched.records).await
}

async fn import_records(settings: Settings, papers: &[import::ImportRecord]) -> CommandResult {
    let db = connect(&settings).await?;
    db::migrate_up(&db)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    let now = crate::services::now();
    let report = import::import(&db, papers, |_| now)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("import failed: {e}")))?;
    // On PostgreSQL every running replica hears of the new papers (`paperSubmitted`); a SQLite
    // server in another process does not.
    let events: Vec<Event> = report
        .ids
        .iter()
        .map(|&paper| Event::PaperSubmitted { paper })
        .collect();
    Events::new(db.clone()).publish(&events).await;
    println!(
        "imported {} papers, skipped {} already present",
        report.inserted, report.skipped
    );
    Ok(())
}

async fn seed_synthetic(settings: Settings, papers: u64, seed: u64) -> CommandResult {
    let db = connect(&settings).await?;
    db::migrate_up(&db)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    let started = std::time::Instant::now();
    let n =
        usize::try_from(papers).map_err(|_| (EXIT_USAGE, "--synthetic is too large".to_owned()))?;
    let report = crate::services::seed::seed(&db, n, seed)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("seed failed: {e}")))?;
    println!(
        "seeded in {:.1} s: {} papers, {} authors ({} links), {} users, {} paper upvotes, {} comments ({} upvotes), {} collections ({} items, {} upvotes)",
        started.elapsed().as_secs_f64(),
        report.papers,
        report.authors,
        report.author_links,
        report.users,
        report.paper_upvotes,
        report.comments,
        report.comment_upvotes,
        report.collections,
        report.collection_items,
        report.collection_upvotes,
    );
    Ok(())
}

async fn promote(
    settings: Settings,
    username: &str,
    role: Role,
    by: Option<&str>,
) -> CommandResult {
    let db = connect(&settings).await?;
    db::migrate_up(&db)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    let user = crate::services::accounts::set_role(&db, username, role, by)
        .await
        .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    println!("{} is now {}", user.username, user.role.to_value());
    Ok(())
}

async fn send_digest(
    settings: Settings,
    frequency: FrequencyArg,
    date: Option<&str>,
) -> CommandResult {
    use crate::services::digest::{Frequency, mail::Mailer, send};
    let frequency = match frequency {
        FrequencyArg::Daily => Frequency::Daily,
        FrequencyArg::Weekly => Frequency::Weekly,
    };
    let mailer = Mailer::from_settings(
        &settings,
        std::sync::Arc::new(crate::metrics::Metrics::new()),
    )
    .map_err(|e| (EXIT_USAGE, e.to_string()))?
    .ok_or_else(|| {
        (
            EXIT_USAGE,
            "mail is off: give --smtp-url (PAPERS_SMTP_URL)".to_owned(),
        )
    })?;
    let date = match date {
        Some(text) => crate::services::papers::dates::parse_date(text, "--date")
            .map_err(|e| (EXIT_USAGE, e.to_string()))?,
        None => send::default_date(frequency, chrono::Utc::now().date_naive()),
    };
    let db = connect(&settings).await?;
    db::migrate_up(&db)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    // FOR_YOU digests rank by the papers' vectors when a model is named, as the server does.
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let metrics = std::sync::Arc::new(crate::metrics::Metrics::new());
    let discovery = app::open_discovery(&settings, threads, &metrics).map_err(start_error)?;
    discovery.load(&db).await.map_err(|e| {
        (
            EXIT_FAILURE,
            format!("cannot read the papers' vectors: {e}"),
        )
    })?;
    let report = send::run(
        &db,
        &discovery,
        &mailer,
        settings.public_url.as_deref(),
        frequency,
        date,
    )
    .await
    .map_err(|e| (EXIT_FAILURE, format!("digest failed: {e}")))?;
    println!(
        "digest {}: {} papers, sent {}, failed {}",
        report.period, report.papers, report.sent, report.failed
    );
    if report.failed > 0 {
        return Err((
            EXIT_FAILURE,
            format!("{} mails failed; the next run retries them", report.failed),
        ));
    }
    Ok(())
}
