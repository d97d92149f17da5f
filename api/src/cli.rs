//! The subcommands of the `papers` binary.

use std::process::ExitCode;

use crate::config::{Command, MigrateAction, Settings, UserAction};
use crate::services::papers::import;
use crate::{app, db, graphql};

/// Exit code for a bad configuration or bad command-line input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failure at run time (database unreachable, port taken, bad import file).
pub const EXIT_FAILURE: u8 = 1;

/// Runs a subcommand; failures are reported as one line on stderr.
pub async fn run(settings: Settings, command: Command) -> ExitCode {
    let result = match command {
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => migrate(settings, action).await,
        Command::Import { file } => import_file(settings, &file).await,
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Seed { synthetic, seed } => seed_synthetic(settings, synthetic, seed).await,
        Command::User {
            action: UserAction::Promote { username, role },
        } => promote(settings, &username, &role).await,
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
    let listen = settings.listen;
    let state = app::prepare(settings).await.map_err(start_error)?;
    let listener = app::bind(listen).await.map_err(start_error)?;
    let addr = listener
        .local_addr()
        .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    tracing::info!(%addr, "serving GraphQL at http://{addr}/graphql");
    app::serve(state, listener, app::shutdown_signal())
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
    let db = connect(&settings).await?;
    db::migrate_up(&db)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    let now = crate::services::now();
    let report = import::import(&db, &papers, |_| now)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("import failed: {e}")))?;
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

async fn promote(settings: Settings, username: &str, role: &str) -> CommandResult {
    let db = connect(&settings).await?;
    db::migrate_up(&db)
        .await
        .map_err(|e| (EXIT_FAILURE, format!("migration failed: {e}")))?;
    let user = crate::services::accounts::set_role(&db, username, role)
        .await
        .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    println!("{} is now {}", user.username, user.role);
    Ok(())
}
