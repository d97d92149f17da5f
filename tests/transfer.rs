//! `papers transfer`: a SQLite site with a bit of everything moved into an empty database (a
//! SQLite file, or PostgreSQL and from there back to SQLite), then served to the sessions and
//! tokens the old site issued.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::process::{free_port, graphql_at, spawn_server, terminate, wait_healthy};
use crate::support::{Backend, TestDb, count_rows, error_codes};

const PASSWORD: &str = "correct horse battery";

async fn papers(args: &[&str]) -> (Option<i32>, String, String) {
    crate::cli::run(args, &[]).await
}

/// The `data` of an operation that must succeed.
async fn data(port: u16, token: Option<&str>, query: &str, variables: Value) -> Value {
    let answer = graphql_at(port, token, query, variables).await;
    assert!(answer.get("errors").is_none(), "{answer}");
    answer["data"].clone()
}

/// A new account's session: (access token, refresh token, user ID).
async fn register(port: u16, name: &str) -> (String, String, String) {
    let session = data(
        port,
        None,
        "mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken } }",
        json!({ "input": { "username": name, "email": format!("{name}@example.org"),
                "password": PASSWORD } }),
    )
    .await;
    let access = session["register"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh = session["register"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = data(port, Some(&access), "{ viewer { id } }", json!({})).await["viewer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (access, refresh, id)
}

/// Starts `papers serve` on `url` with no configured JWT secret (the site's own is used).
async fn serve(url: &str) -> (tokio::process::Child, u16) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let server = spawn_server(&[
        ("DATABASE_URL", url),
        ("PAPERS_LISTEN", &listen),
        ("PAPERS_RATE_LIMITS", "off"),
        ("PAPERS_WEBHOOK_ALLOW_PRIVATE", "on"),
    ]);
    wait_healthy(port).await;
    (server, port)
}

/// The per-table lines of a transfer's report (name, rows, checksum), which two transfers of
/// the same site print alike.
fn table_lines(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|line| line.trim_end().ends_with(" ok") || line.contains("DIFFERS"))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            format!("{} {} {}", words[0], words[1], words[3])
        })
        .collect()
}

storage_test!(a_site_moves_with_its_rows_ids_and_sessions);
async fn a_site_moves_with_its_rows_ids_and_sessions(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site.db");
    let site_url = format!("sqlite://{}?mode=rwc", site.display());
    let (code, _, err) = papers(&["seed", "--synthetic", "200", "--database-url", &site_url]).await;
    assert_eq!(code, Some(0), "{err}");

    // The old site: accounts, a token, votes, a reply under a deleted comment (a tombstone), a
    // notification, a private collection, a webhook, a follow, an erased account.
    let (mut server, port) = serve(&site_url).await;
    let (alice, _, alice_id) = register(port, "alice").await;
    let (bob, bob_refresh, _) = register(port, "bob").await;
    let (dave, _, dave_id) = register(port, "dave").await;
    let api_token = data(
        port,
        Some(&alice),
        "mutation { createApiToken(input: { name: \"script\", scopes: [READ, WRITE] }) { token } }",
        json!({}),
    )
    .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = data(
        port,
        None,
        "{ papers(first: 3) { nodes { id title } } }",
        json!({}),
    )
    .await;
    let paper = |i: usize| {
        listed["papers"]["nodes"][i]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let upvote = "mutation ($id: ID!) { upvotePaper(paperId: $id) { upvoteCount } }";
    data(port, Some(&bob), upvote, json!({ "id": paper(0) })).await;
    let comment = "mutation ($p: ID!, $b: String!, $parent: ID) { addComment(input: \
                   { paperId: $p, body: $b, parentId: $parent }) { id } }";
    let first = data(
        port,
        Some(&alice),
        comment,
        json!({ "p": paper(0), "b": "A question about table 2" }),
    )
    .await["addComment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = data(
        port,
        Some(&bob),
        comment,
        json!({ "p": paper(0), "b": "It is answered in the appendix", "parent": first }),
    )
    .await["addComment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    data(
        port,
        Some(&alice),
        "mutation ($id: ID!) { deleteComment(id: $id) { id } }",
        json!({ "id": first }),
    )
    .await;
    let shelf = data(
        port,
        Some(&alice),
        "mutation { createCollection(input: { title: \"To read\", isPrivate: true }) { id } }",
        json!({}),
    )
    .await["createCollection"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    data(
        port,
        Some(&alice),
        "mutation ($c: ID!, $p: ID!) { addCollectionItem(input: { collectionId: $c, paperId: $p }) { id } }",
        json!({ "c": shelf, "p": paper(1) }),
    )
    .await;
    data(
        port,
        Some(&alice),
        "mutation { createWebhook(input: { url: \"http://127.0.0.1:9/hook\", \
         events: [COMMENT_ADDED] }) { secret } }",
        json!({}),
    )
    .await;
    data(
        port,
        Some(&bob),
        "mutation ($id: ID!) { follow(targetId: $id) { __typename } }",
        json!({ "id": alice_id }),
    )
    .await;
    data(
        port,
        Some(&dave),
        "mutation ($p: String!) { deleteAccount(password: $p) }",
        json!({ "p": PASSWORD }),
    )
    .await;
    terminate(&mut server).await;
    // A paper's vector (no model runs here): four little-endian f32s, carried byte for byte.
    let vector: Vec<u8> = [0.5f32, -0.25, 1.0, 0.0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let source_db = sea_orm::Database::connect(&site_url).await.unwrap();
    sea_orm::ConnectionTrait::execute_raw(
        &source_db,
        sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            "INSERT INTO paper_embeddings (paper_id, model, dimensions, vector, created_at) \
             VALUES (1, 'test-model@0', 4, ?, '2026-12-01T00:00:00+00:00')",
            [vector.clone().into()],
        ),
    )
    .await
    .unwrap();
    source_db.close().await.unwrap();

    // Moved into an empty database.
    let target = TestDb::new(backend).await;
    let (code, report, err) = papers(&["transfer", "--from", &site_url, "--to", &target.url]).await;
    assert_eq!(code, Some(0), "{err}\n{report}");
    let lines = table_lines(&report);
    assert!(lines.len() >= 25, "a line per table: {report}");
    assert!(!report.contains("DIFFERS"), "{report}");
    assert!(report.contains("JWT secret: carried"), "{report}");
    assert!(
        lines.iter().any(|l| l.starts_with("comments "))
            && lines.iter().any(|l| l.starts_with("follows 1 ")),
        "{report}"
    );

    // Refused a second time: the target holds data, and stays as it is.
    let target_db = target.connect().await;
    let carried = sea_orm::ConnectionTrait::query_one_raw(
        &target_db,
        sea_orm::Statement::from_string(
            target_db.get_database_backend(),
            "SELECT vector FROM paper_embeddings WHERE paper_id = 1",
        ),
    )
    .await
    .unwrap()
    .expect("the vector's row");
    assert_eq!(carried.try_get_by_index::<Vec<u8>>(0).unwrap(), vector);
    let users = count_rows(&target_db, "users").await;
    let (code, _, err) = papers(&["transfer", "--from", &site_url, "--to", &target.url]).await;
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("holds data"), "{err}");
    assert_eq!(count_rows(&target_db, "users").await, users);

    // The new site knows the old sessions and tokens.
    let (mut server, port) = serve(&target.url).await;
    let viewer = data(
        port,
        Some(&alice),
        "query ($c: ID!) { viewer { id unreadNotificationCount } node(id: $c) { ... on Collection { title isPrivate itemCount } } }",
        json!({ "c": shelf }),
    )
    .await;
    assert_eq!(viewer["viewer"]["id"], alice_id.as_str());
    assert_eq!(
        viewer["viewer"]["unreadNotificationCount"], 1,
        "bob's reply"
    );
    assert_eq!(viewer["node"]["title"], "To read");
    assert_eq!(viewer["node"]["itemCount"], 1);
    let anonymous = graphql_at(
        port,
        None,
        "query ($c: ID!) { node(id: $c) { id } }",
        json!({ "c": shelf }),
    )
    .await;
    assert!(
        anonymous["data"]["node"].is_null(),
        "still private: {anonymous}"
    );
    // The tombstone keeps its place above the reply.
    let thread = data(
        port,
        None,
        "query ($id: ID!) { node(id: $id) { ... on Comment { body parent { id isDeleted } } } }",
        json!({ "id": reply }),
    )
    .await;
    assert_eq!(thread["node"]["parent"]["id"], first.as_str());
    assert_eq!(thread["node"]["parent"]["isDeleted"], true);
    // A write with the old API token, a session refreshed with the old refresh token.
    let voted = data(port, Some(&api_token), upvote, json!({ "id": paper(2) })).await;
    assert!(voted["upvotePaper"]["upvoteCount"].as_i64().unwrap() >= 1);
    let refreshed = data(
        port,
        None,
        "mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
        json!({ "t": bob_refresh }),
    )
    .await;
    assert!(refreshed["refreshSession"]["accessToken"].is_string());
    // The search index was built: a paper is found by its title.
    let title = listed["papers"]["nodes"][0]["title"].as_str().unwrap();
    let found = data(
        port,
        None,
        "query ($q: String!) { searchPapers(query: $q, first: 5) { nodes { id } } }",
        json!({ "q": title }),
    )
    .await;
    assert!(
        found["searchPapers"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == paper(0).as_str()),
        "{found}"
    );
    // A new account never gets the id of the erased one (whose old session says that id).
    let (_, _, eve_id) = register(port, "eve").await;
    assert_ne!(eve_id, dave_id);
    let stale = graphql_at(port, Some(&dave), "{ viewer { id } }", json!({})).await;
    assert!(
        stale["data"]["viewer"].is_null() || !error_codes(&stale).is_empty(),
        "the erased account's session names no one: {stale}"
    );
    terminate(&mut server).await;

    // And back from PostgreSQL to a SQLite file: the same rows, the same checksums.
    if backend == Backend::Postgres {
        let copy = dir.path().join("copy.db");
        let copy_url = format!("sqlite://{}", copy.display());
        let (code, back, err) =
            papers(&["transfer", "--from", &target.url, "--to", &copy_url]).await;
        assert_eq!(code, Some(0), "{err}\n{back}");
        let after: Vec<String> = table_lines(&back);
        // The new site has had a vote, sessions, an account and its periodic jobs (trending
        // scores) since: compare the tables those leave alone.
        let kept = [
            "authors",
            "paper_authors",
            "comments",
            "comment_upvotes",
            "collection_items",
            "webhooks",
            "follows",
            "topics",
            "paper_topics",
        ];
        let same = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .filter(|l| kept.iter().any(|k| l.starts_with(&format!("{k} "))))
                .cloned()
                .collect()
        };
        assert_eq!(same(&lines), same(&after), "{report}\n{back}");
    }
}

#[tokio::test]
async fn a_transfer_refuses_what_it_cannot_copy_whole() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("none.db").display());
    let target = format!("sqlite://{}", dir.path().join("target.db").display());
    std::fs::write(dir.path().join("existing.db"), b"").unwrap();
    let existing = format!("sqlite://{}", dir.path().join("existing.db").display());
    let cases: &[(&[&str], &str)] = &[
        (&["--from", &missing, "--to", &target], "no database at"),
        (&["--from", "sqlite::memory:", "--to", &target], "in-memory"),
        (
            &["--from", "mysql://x/y", "--to", &target],
            "expected a sqlite://",
        ),
        (&["--from", &existing, "--to", &existing], "same database"),
    ];
    for (args, says) in cases {
        let mut full = vec!["transfer"];
        full.extend_from_slice(args);
        let (code, _, err) = papers(&full).await;
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(
        !dir.path().join("none.db").exists(),
        "a missing source is never made"
    );

    // A database of something else is not filled (nor given Papers' tables).
    let source = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("source.db").display()
    );
    let (code, _, err) = papers(&["migrate", "--database-url", &source]).await;
    assert_eq!(code, Some(0), "{err}");
    let other = dir.path().join("other.db");
    let other_url = format!("sqlite://{}?mode=rwc", other.display());
    let db = sea_orm::Database::connect(&other_url).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&db, "CREATE TABLE notes (body TEXT)")
        .await
        .unwrap();
    let (code, _, err) = papers(&["transfer", "--from", &source, "--to", &other_url]).await;
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("something else"), "{err}");
    assert_eq!(crate::support::tables(&db).await, vec!["notes".to_owned()]);
}
