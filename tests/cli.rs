//! The `papers` binary: configuration errors, schema output, migrations, signals.

use std::time::Duration;

use tokio::process::Command;

use crate::support::process::{free_port, spawn_server, terminate, wait_healthy};
use crate::support::{TestDb, papers_bin};

/// Runs `papers` with the given arguments and environment; returns (exit code, stderr).
pub(crate) async fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(papers_bin());
    command
        .args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("papers exits")
        .expect("papers runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_bad_setting_stops_start_up_with_exit_code_2_and_one_line_naming_it() {
    /// Arguments, environment, and the setting the error line must name.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (&["--listen", "not-an-address"], &[], "--listen"),
        (&["serve"], &[("PAPERS_LISTEN", "nope:99999")], "--listen"),
        (
            &["serve"],
            &[("PAPERS_JWT_SECRET", "too-short")],
            "PAPERS_JWT_SECRET",
        ),
        (&["--jwt-secret", "short"], &[], "--jwt-secret"),
        (
            &["serve"],
            &[("DATABASE_URL", "mysql://localhost/papers")],
            "DATABASE_URL",
        ),
        (&["serve"], &[("PAPERS_LOG_FORMAT", "xml")], "--log-format"),
        (&["serve"], &[("PAPERS_MAX_DEPTH", "lots")], "--max-depth"),
        (&["serve"], &[("PAPERS_BODY_LIMIT", "0")], "--body-limit"),
        (
            &["serve"],
            &[("PAPERS_RATE_LIMITS", "sometimes")],
            "--rate-limits",
        ),
    ];
    for (args, env, setting) in cases {
        let (code, _, stderr) = run(args, env).await;
        assert_eq!(code, Some(2), "{args:?} {env:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr:?}");
        assert!(stderr.contains(setting), "{setting} named in {stderr:?}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("backtrace"),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn papers_schema_prints_the_sdl() {
    let (code, stdout, _) = run(&["schema"], &[]).await;
    assert_eq!(code, Some(0));
    assert_eq!(stdout, api::graphql::sdl());
}

#[tokio::test]
async fn papers_migrate_reports_status_and_rolls_back() {
    let db = TestDb::new(crate::support::Backend::Sqlite).await;
    let env = [("DATABASE_URL", db.url.as_str())];
    let (code, stdout, stderr) = run(&["migrate", "status"], &env).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.lines().all(|l| l.starts_with("pending ")),
        "{stdout}"
    );
    assert_eq!(run(&["migrate", "up"], &env).await.0, Some(0));
    let (_, stdout, _) = run(&["migrate", "status"], &env).await;
    assert!(
        !stdout.is_empty() && stdout.lines().all(|l| l.starts_with("applied ")),
        "{stdout}"
    );
    assert_eq!(run(&["migrate", "down"], &env).await.0, Some(0));
    let (_, stdout, _) = run(&["migrate", "status"], &env).await;
    assert!(
        stdout.lines().all(|l| l.starts_with("pending ")),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_generated_jwt_secret_is_kept_beside_the_database() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db_file = dir.path().join("papers.db");
    let url = format!("sqlite://{}?mode=rwc", db_file.display());
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = spawn_server(&[
        ("DATABASE_URL", url.as_str()),
        ("PAPERS_LISTEN", listen.as_str()),
    ]);
    wait_healthy(port).await;
    terminate(&mut child).await;
    let secret_file = dir.path().join("papers.db.jwt-secret");
    let secret = std::fs::read_to_string(&secret_file).expect("secret file written");
    assert!(secret.trim().len() >= 32);
    // A second start reuses it.
    let mut child = spawn_server(&[
        ("DATABASE_URL", url.as_str()),
        ("PAPERS_LISTEN", listen.as_str()),
    ]);
    wait_healthy(port).await;
    terminate(&mut child).await;
    assert_eq!(
        std::fs::read_to_string(&secret_file).expect("secret"),
        secret
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let db = TestDb::new(crate::support::Backend::Sqlite).await;
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = spawn_server(&[
        ("DATABASE_URL", db.url.as_str()),
        ("PAPERS_LISTEN", listen.as_str()),
    ]);
    wait_healthy(port).await;
    let status = terminate(&mut child).await;
    assert_eq!(status.code(), Some(0), "exits cleanly on SIGTERM");
}

/// Logs written to a file or a pipe are plain text: no ANSI colour codes (those are for a
/// terminal only).
#[tokio::test]
async fn logs_into_a_pipe_carry_no_colour_codes() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let port = free_port();
    let mut server = Command::new(papers_bin())
        .args(["serve", "--no-demo", "--database-url", "sqlite::memory:"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start papers serve");
    let mut lines = BufReader::new(server.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    let serving = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            let done = line.contains("serving GraphQL");
            seen.push(line);
            if done {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        serving,
        Ok(true),
        "the server logs that it serves: {seen:?}"
    );
    assert!(
        seen.iter().all(|line| !line.contains('\u{1b}')),
        "no escape codes in piped logs: {seen:?}"
    );
    terminate(&mut server).await;
}
