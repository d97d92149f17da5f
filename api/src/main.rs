//! The `papers` binary.

use std::process::ExitCode;

use api::cli::{self, EXIT_USAGE};
use api::cli::{Cli, Command};
use clap::Parser;
use clap::error::ErrorKind;

// The request path allocates many small objects (rows, GraphQL values, JSON); mimalloc serves
// them faster than glibc's allocator, which a profile of the feed showed at a fifth of the CPU.
// With the `override` feature (Cargo.toml) it serves SQLite's C allocations too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            // One line naming the setting, no usage dump.
            let text = err.to_string();
            let line = text.lines().next().unwrap_or("invalid command line");
            eprintln!("papers: {}", line.trim_start_matches("error: "));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Err(err) = cli.settings.validate() {
        eprintln!("papers: {err}");
        return ExitCode::from(EXIT_USAGE);
    }
    api::telemetry::init(cli.settings.log_format);
    cli::run(cli.settings, cli.command.unwrap_or(Command::Serve)).await
}
