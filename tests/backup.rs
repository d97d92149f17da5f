//! `papers backup` and `papers restore`: a consistent copy of a SQLite site taken while it
//! serves writes, put back in place with the JWT secret its sessions were signed with.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Mutex;

use crate::seed::{MISMATCHES, scalar};
use crate::support::process::{free_port, graphql_at, spawn_server, terminate, wait_healthy};

const REGISTER: &str =
    "mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }";
const UPVOTE: &str = "mutation ($id: ID!) { upvotePaper(paperId: $id) { id } }";
const COMMENT: &str = "mutation ($id: ID!, $body: String!) { addComment(input: { paperId: $id, body: $body }) { id } }";

/// Runs `papers` with arguments; (exit code, stdout, stderr).
async fn papers(args: &[&str]) -> (Option<i32>, String, String) {
    crate::cli::run(args, &[]).await
}

/// What a writer had acknowledged: comment ids and (user, paper) upvotes.
#[derive(Default)]
struct Acknowledged {
    comments: Vec<String>,
    upvotes: Vec<(usize, String)>,
}

#[tokio::test]
async fn a_backup_taken_under_writes_restores_one_consistent_moment_with_its_sessions() {
    let dir = tempfile::tempdir().expect("dir");
    let site = dir.path().join("site.db");
    let site_url = format!("sqlite://{}?mode=rwc", site.display());
    // Enough data for the copy to take a while, writes going on during it.
    let (code, _, err) =
        papers(&["seed", "--synthetic", "3000", "--database-url", &site_url]).await;
    assert_eq!(code, Some(0), "{err}");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let env = [
        ("DATABASE_URL", site_url.as_str()),
        ("PAPERS_LISTEN", listen.as_str()),
        ("PAPERS_RATE_LIMITS", "off"),
    ];
    let mut server = spawn_server(&env);
    wait_healthy(port).await;
    let mut tokens = Vec::new();
    for n in 0..3 {
        let input = json!({ "input": { "username": format!("writer{n}"),
            "email": format!("w{n}@example.org"), "password": "correct horse battery" } });
        let data = graphql_at(port, None, REGISTER, input).await;
        tokens.push(
            data["data"]["register"]["accessToken"]
                .as_str()
                .expect("token")
                .to_owned(),
        );
    }
    let papers_page = graphql_at(
        port,
        None,
        "{ papers(first: 100) { nodes { id } } }",
        json!({}),
    )
    .await;
    let ids: Vec<String> = papers_page["data"]["papers"]["nodes"]
        .as_array()
        .expect("papers")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_owned())
        .collect();

    // Writers: upvotes and comments as fast as the server takes them, each acknowledged one
    // recorded with whether it was acknowledged before the backup began.
    let before = Arc::new(Mutex::new(Acknowledged::default()));
    let started = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for (n, token) in tokens.iter().cloned().enumerate() {
        let (before, started, stop, ids) =
            (before.clone(), started.clone(), stop.clone(), ids.clone());
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let paper = &ids[(i * 7 + n * 13) % ids.len()];
                let (query, variables) = if i % 2 == 0 {
                    (UPVOTE, json!({ "id": paper }))
                } else {
                    (
                        COMMENT,
                        json!({ "id": paper, "body": format!("writer {n} says {i}") }),
                    )
                };
                let answer = graphql_at(port, Some(&token), query, variables).await;
                // Acknowledged before the backup began: it must be in the copy.
                let early = !started.load(Ordering::SeqCst);
                if early {
                    let mut seen = before.lock().await;
                    if let Some(id) = answer["data"]["addComment"]["id"].as_str() {
                        seen.comments.push(id.to_owned());
                    } else if answer["data"]["upvotePaper"]["id"].is_string() {
                        seen.upvotes.push((n, paper.clone()));
                    }
                }
                i += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let copy = dir.path().join("backup.db");
    started.store(true, Ordering::SeqCst);
    let (code, out, err) = papers(&[
        "backup",
        "--to",
        copy.to_str().expect("path"),
        "--database-url",
        &site_url,
    ])
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("writer");
    }
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("integrity ok"), "{out}");
    assert!(out.contains("papers: 3000"), "{out}");
    terminate(&mut server).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).expect("copy").permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the backup holds the JWT secret: owner only"
        );
    }

    // Restored elsewhere: refused over data without --force, then in place.
    let restored = dir.path().join("restored.db");
    let restored_url = format!("sqlite://{}?mode=rwc", restored.display());
    let copy_path = copy.to_str().expect("path");
    let (code, _, err) = papers(&[
        "restore",
        "--from",
        copy_path,
        "--database-url",
        &restored_url,
    ])
    .await;
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = papers(&[
        "restore",
        "--from",
        copy_path,
        "--database-url",
        &restored_url,
    ])
    .await;
    assert_eq!(
        code,
        Some(2),
        "a second restore over data needs --force: {err}"
    );
    let (code, _, err) = papers(&[
        "restore",
        "--from",
        copy_path,
        "--database-url",
        &restored_url,
        "--force",
    ])
    .await;
    assert_eq!(code, Some(0), "{err}");

    let db = sea_orm::Database::connect(&restored_url)
        .await
        .expect("restored");
    for (what, sql) in MISMATCHES {
        assert_eq!(scalar(&db, sql).await, 0, "{what} agree with their rows");
    }
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) AS n FROM comments WHERE body = '' OR body IS NULL"
        )
        .await,
        0,
        "no half-written comment"
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'papers_backup'"
        )
        .await,
        0,
        "the manifest is not restored"
    );
    let acknowledged = before.lock().await;
    assert!(
        !acknowledged.comments.is_empty() && !acknowledged.upvotes.is_empty(),
        "writes went on before the backup"
    );
    db.close().await.ok();

    // A server on the restored file accepts the old sessions and holds every write they had
    // acknowledged before the backup began.
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let env = [
        ("DATABASE_URL", restored_url.as_str()),
        ("PAPERS_LISTEN", listen.as_str()),
    ];
    let mut server = spawn_server(&env);
    wait_healthy(port).await;
    let viewer = graphql_at(port, Some(&tokens[1]), "{ viewer { username } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"]["username"], "writer1", "{viewer}");
    let comments: HashSet<&String> = acknowledged.comments.iter().collect();
    for id in comments {
        let found = graphql_at(
            port,
            None,
            "query ($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
        assert_eq!(
            found["data"]["node"]["id"], *id,
            "comment {id} is in the backup"
        );
    }
    for (n, paper) in &acknowledged.upvotes {
        let found = graphql_at(
            port,
            Some(&tokens[*n]),
            "query ($id: ID!) { node(id: $id) { ... on Paper { viewerHasUpvoted } } }",
            json!({ "id": paper }),
        )
        .await;
        assert_eq!(found["data"]["node"]["viewerHasUpvoted"], true, "{found}");
    }
    terminate(&mut server).await;
}

#[tokio::test]
async fn backup_and_restore_refuse_what_they_cannot_do_and_change_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    // PostgreSQL has its own tools: said, and a non-zero exit.
    let (code, _, err) = papers(&[
        "backup",
        "--to",
        dir.path().join("x.db").to_str().expect("path"),
        "--database-url",
        "postgres://postgres@127.0.0.1:5432/whatever",
    ])
    .await;
    assert_eq!(code, Some(2));
    assert!(err.contains("pg_dump"), "{err}");
    // A backup never overwrites a file.
    let site = dir.path().join("site.db");
    let url = format!("sqlite://{}?mode=rwc", site.display());
    let (code, _, err) = papers(&["migrate", "--database-url", &url]).await;
    assert_eq!(code, Some(0), "{err}");
    let taken = dir.path().join("taken.db");
    std::fs::write(&taken, "keep me").expect("write");
    let (code, _, _) = papers(&[
        "backup",
        "--to",
        taken.to_str().expect("p"),
        "--database-url",
        &url,
    ])
    .await;
    assert_eq!(code, Some(2));
    assert_eq!(std::fs::read_to_string(&taken).expect("read"), "keep me");
    // Not a backup at all, and a backup of a newer schema: refused, the target untouched.
    let target = dir.path().join("target.db");
    let target_url = format!("sqlite://{}?mode=rwc", target.display());
    let (code, _, _) = papers(&[
        "restore",
        "--from",
        taken.to_str().expect("p"),
        "--database-url",
        &target_url,
    ])
    .await;
    assert_eq!(code, Some(1));
    assert!(!target.exists());
    let newer = dir.path().join("newer.db");
    let (code, _, err) = papers(&[
        "backup",
        "--to",
        newer.to_str().expect("p"),
        "--database-url",
        &url,
    ])
    .await;
    assert_eq!(code, Some(0), "{err}");
    let db = sea_orm::Database::connect(format!("sqlite://{}?mode=rw", newer.display()))
        .await
        .expect("open");
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_future', 0)",
    )
    .await
    .expect("a future migration");
    db.close().await.ok();
    let (code, _, err) = papers(&[
        "restore",
        "--from",
        newer.to_str().expect("p"),
        "--database-url",
        &target_url,
    ])
    .await;
    assert_eq!(code, Some(1));
    assert!(err.contains("newer than this binary"), "{err}");
    assert!(!target.exists());
}
