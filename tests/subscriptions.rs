//! Live updates over WebSocket (`graphql-transport-ws`): each close code of the protocol, and
//! events reaching subscribers as each may see them.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::ws::WsClient;
use crate::support::{Backend, TestApp, fixtures};

const PAPER_UPDATED: &str = "subscription ($id: ID!) { paperUpdated(id: $id) { arxivId \
    upvoteCount commentCount viewerHasUpvoted } }";
const COMMENT_ADDED: &str =
    "subscription ($id: ID!) { commentAdded(paperId: $id) { body author { username } } }";
const PAPER_SUBMITTED: &str = "subscription { paperSubmitted { arxivId title } }";
const COLLECTION_UPDATED: &str = "subscription ($id: ID!) { collectionUpdated(id: $id) { \
    itemCount items(first: 10) { edges { node { paper { arxivId } } } } } }";

#[tokio::test]
async fn protocol_faults_close_with_the_protocols_codes() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--ws-init-timeout", "1"]).await;
    let port = app.addr.port();

    // Not JSON, and JSON that is no protocol message: 4400.
    for text in ["not json", r#"{"type":"shout"}"#, r#"{"id":1}"#] {
        let mut client = WsClient::connect(port).await;
        client.send_text(text).await;
        assert_eq!(client.close_code().await, 4400, "{text}");
    }
    // A subscribe before the connection is acknowledged: 4401.
    let mut client = WsClient::connect(port).await;
    client.subscribe("1", PAPER_SUBMITTED, json!({})).await;
    assert_eq!(client.close_code().await, 4401);
    // A bad token: 4403.
    let mut client = WsClient::connect(port).await;
    client
        .send(
            json!({ "type": "connection_init", "payload": { "authorization": "Bearer nonsense" } }),
        )
        .await;
    assert_eq!(client.close_code().await, 4403);
    // Without the subprotocol: 4406.
    let mut client = WsClient::connect_with(port, None).await;
    assert_eq!(client.close_code().await, 4406);
    // No connection_init in time: 4408.
    let mut client = WsClient::connect(port).await;
    assert_eq!(client.close_code().await, 4408);
    // Two subscriptions under one id: 4409.
    let mut client = WsClient::ready(port, None).await;
    client.subscribe("same", PAPER_SUBMITTED, json!({})).await;
    client.subscribe("same", PAPER_SUBMITTED, json!({})).await;
    assert_eq!(client.close_code().await, 4409);
    // A second connection_init: 4429.
    let mut client = WsClient::ready(port, None).await;
    client.send(json!({ "type": "connection_init" })).await;
    assert_eq!(client.close_code().await, 4429);
    // A ping is answered; a query runs once and completes; a refused one is an `error`.
    let mut client = WsClient::ready(port, None).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(client.next_message().await["type"], "pong");
    client.subscribe("q", "{ __typename }", json!({})).await;
    assert_eq!(client.next_data("q").await["__typename"], "Query");
    assert_eq!(
        client.next_message().await,
        json!({ "id": "q", "type": "complete" })
    );
    client.subscribe("bad", "{ nope }", json!({})).await;
    let refused = client.next_message().await;
    assert_eq!(
        (refused["type"].as_str(), refused["id"].as_str()),
        (Some("error"), Some("bad"))
    );
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    // A mutation from a read-only caller is refused as over HTTP (anonymous: no write).
    client
        .subscribe(
            "m",
            "mutation { upvotePaper(paperId: \"x\") { upvoteCount } }",
            json!({}),
        )
        .await;
    let answer = client.next_message().await;
    assert!(
        answer["type"] == "error" || answer["payload"]["errors"].is_array(),
        "{answer}"
    );
}

storage_test!(events_reach_each_subscriber_as_it_may_see_them);
async fn events_reach_each_subscriber_as_it_may_see_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let bob = fixtures::user(&db, "bob").await;
    let (ada_token, bob_token) = (fixtures::token_for(&ada), fixtures::token_for(&bob));
    let paper = fixtures::paper(
        &db,
        "2401.00001",
        "Live",
        "x",
        &["A"],
        fixtures::now(),
        None,
    )
    .await;
    let id = app.paper_gid("2401.00001").await;
    let port = app.addr.port();

    // The same paper watched by its upvoter and by an anonymous reader.
    let mut ada_ws = WsClient::ready(port, Some(&ada_token)).await;
    let mut anonymous = WsClient::ready(port, None).await;
    ada_ws
        .subscribe("p", PAPER_UPDATED, json!({ "id": id }))
        .await;
    anonymous
        .subscribe("p", PAPER_UPDATED, json!({ "id": id }))
        .await;
    anonymous
        .subscribe("c", COMMENT_ADDED, json!({ "id": id }))
        .await;
    anonymous.subscribe("s", PAPER_SUBMITTED, json!({})).await;
    // Subscriptions start when their first event could arrive; a round trip makes sure.
    for client in [&mut ada_ws, &mut anonymous] {
        client.send(json!({ "type": "ping" })).await;
        assert_eq!(client.next_message().await["type"], "pong");
    }

    app.data_as(
        &ada_token,
        "mutation ($p: ID!) { upvotePaper(paperId: $p) { upvoteCount } }",
        json!({ "p": id }),
    )
    .await;
    let seen = ada_ws.next_data("p").await;
    assert_eq!(seen["paperUpdated"]["upvoteCount"], 1);
    assert_eq!(seen["paperUpdated"]["viewerHasUpvoted"], true);
    let seen = anonymous.next_data("p").await;
    assert_eq!(seen["paperUpdated"]["upvoteCount"], 1);
    assert_eq!(
        seen["paperUpdated"]["viewerHasUpvoted"], false,
        "the subscriber's own"
    );

    // A comment: the comment to its watchers, the new count to the paper's.
    app.data_as(
        &bob_token,
        "mutation ($p: ID!) { addComment(input: { paperId: $p, body: \"Nice\" }) { id } }",
        json!({ "p": id }),
    )
    .await;
    let seen = anonymous.next_data_of(&["c", "p"]).await;
    assert_eq!(seen["c"]["commentAdded"]["body"], "Nice");
    assert_eq!(seen["c"]["commentAdded"]["author"]["username"], "bob");
    assert_eq!(seen["p"]["paperUpdated"]["commentCount"], 1);
    assert_eq!(
        ada_ws.next_data("p").await["paperUpdated"]["commentCount"],
        1
    );

    // A submission enters the feed.
    let input =
        json!({ "arxivId": "2402.12345", "title": "Fresh", "abstract": "New.", "authors": ["B"] });
    app.data_as(
        &ada_token,
        "mutation ($input: SubmitPaperInput!) { submitPaper(input: $input) { arxivId } }",
        json!({ "input": input }),
    )
    .await;
    assert_eq!(
        anonymous.next_data("s").await["paperSubmitted"]["arxivId"],
        "2402.12345"
    );

    // A private collection streams to its owner only; to anyone else it is not there.
    let private = fixtures::collection(&db, &ada, "Mine", true, &[]).await;
    let collection = app
        .data_as(
            &ada_token,
            "query ($s: String!) { collection(slug: $s) { id } }",
            json!({ "s": private.slug }),
        )
        .await["collection"]["id"]
        .clone();
    let mut bob_ws = WsClient::ready(port, Some(&bob_token)).await;
    bob_ws
        .subscribe("x", COLLECTION_UPDATED, json!({ "id": collection }))
        .await;
    let refused = bob_ws.next_message().await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        bob_ws.next_message().await,
        json!({ "id": "x", "type": "complete" })
    );
    ada_ws
        .subscribe("x", COLLECTION_UPDATED, json!({ "id": collection }))
        .await;
    ada_ws.send(json!({ "type": "ping" })).await;
    assert_eq!(ada_ws.next_message().await["type"], "pong");
    app.data_as(
        &ada_token,
        "mutation ($c: ID!, $p: ID!) { addCollectionItem(input: { collectionId: $c, paperId: $p \
            }) { itemCount } }",
        json!({ "c": collection, "p": id }),
    )
    .await;
    let updated = ada_ws.next_data("x").await;
    assert_eq!(updated["collectionUpdated"]["itemCount"], 1);
    assert_eq!(
        updated["collectionUpdated"]["items"]["edges"][0]["node"]["paper"]["arxivId"],
        "2401.00001"
    );
    drop(paper);
}

#[tokio::test]
async fn graphiqls_page_runs_subscriptions_against_the_endpoint() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("the page")
        .text()
        .await
        .expect("HTML");
    assert!(
        page.contains("subscriptionUrl: createUrl('/graphql/ws', true)"),
        "{page}"
    );
}

#[tokio::test]
async fn connections_and_operations_are_bounded_and_an_expired_session_ends() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            "--no-demo",
            "--ws-max-connections",
            "2",
            "--ws-max-subscriptions",
            "2",
        ],
    )
    .await;
    let port = app.addr.port();
    let db = app.db.connect().await;

    // Two operations at once per connection; a third is refused on its own.
    let mut client = WsClient::ready(port, None).await;
    client.subscribe("1", PAPER_SUBMITTED, json!({})).await;
    client.subscribe("2", PAPER_SUBMITTED, json!({})).await;
    client.subscribe("3", PAPER_SUBMITTED, json!({})).await;
    let refused = client.next_message().await;
    assert_eq!(
        (refused["type"].as_str(), refused["id"].as_str()),
        (Some("error"), Some("3"))
    );
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // Completing one makes room.
    client.send(json!({ "id": "1", "type": "complete" })).await;
    client.subscribe("q", "{ __typename }", json!({})).await;
    assert_eq!(client.next_data("q").await["__typename"], "Query");

    // A session signed in with an access token ends when the token expires.
    let ada = fixtures::user(&db, "ada").await;
    let mut older: entity::user::ActiveModel = ada.clone().into();
    older.password_changed_at = sea_orm::Set(fixtures::now() - chrono::Duration::hours(1));
    sea_orm::ActiveModelTrait::update(older, &db)
        .await
        .expect("backdate");
    let keys = api::auth::jwt::JwtKeys::new(fixtures::TEST_SECRET.as_bytes());
    let issued = fixtures::now() - api::auth::jwt::ACCESS_TOKEN_TTL + chrono::Duration::seconds(2);
    let (token, _) = keys.issue(ada.id, issued).expect("a token");
    let mut expiring = WsClient::ready(port, Some(&token)).await;
    assert_eq!(expiring.close_code().await, 4403);

    // Two connections at once per process; a third is answered 503.
    let _second = WsClient::ready(port, None).await;
    let request = format!("ws://127.0.0.1:{port}/graphql/ws");
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
        }
        other => panic!("a third connection was not refused: {other:?}"),
    }
}

/// The resident memory of a process, in bytes (Linux).
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib * 1024
}

// A subscriber that never reads must not make the server hold what it does not take: its
// operation waits on a bounded queue and the events it misses fall out of the shared buffer.
// Unbounded, the flood below would keep about 600 messages of 128 KB (77 MB) in the server.
#[tokio::test]
async fn a_subscriber_that_does_not_read_does_not_grow_the_servers_memory() {
    use crate::support::process::{free_port, spawn_server, terminate, wait_healthy};
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("papers.db").display()
    );
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = spawn_server(&[
        ("DATABASE_URL", url.as_str()),
        ("PAPERS_LISTEN", listen.as_str()),
        ("PAPERS_JWT_SECRET", fixtures::TEST_SECRET),
        ("PAPERS_RATE_LIMITS", "off"),
    ]);
    wait_healthy(port).await;
    let pid = server.id().expect("a running server");
    let db = sea_orm::Database::connect(api::db::pool_options(&url))
        .await
        .expect("connect");
    let ada = fixtures::user(&db, "ada").await;
    let token = fixtures::token_for(&ada);
    let long = "word ".repeat(3_200);
    fixtures::paper(
        &db,
        "2401.00001",
        "Big",
        &long,
        &["A"],
        fixtures::now(),
        None,
    )
    .await;
    let client = reqwest::Client::new();
    let graphql = format!("http://127.0.0.1:{port}/graphql");
    let post = |body: Value| {
        let request = client.post(&graphql).bearer_auth(&token).json(&body);
        async move {
            request
                .send()
                .await
                .expect("an answer")
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };
    let id = post(json!({ "query": "{ paper(arxivId: \"2401.00001\") { id } }" })).await["data"]
        ["paper"]["id"]
        .clone();

    // Eight copies of a 16 KB abstract in every message.
    let fields: String = (0..8).map(|i| format!("a{i}: abstract ")).collect();
    let mut slow = WsClient::ready(port, None).await;
    slow.subscribe(
        "p",
        &format!("subscription ($id: ID!) {{ paperUpdated(id: $id) {{ {fields} }} }}"),
        json!({ "id": id }),
    )
    .await;
    slow.send(json!({ "type": "ping" })).await;
    assert_eq!(slow.next_message().await["type"], "pong");
    let before = resident_bytes(pid);

    // 600 events: batches of 10 operations of 30 aliased upvotes and withdrawals each.
    let votes: String = (0..30)
        .map(|i| {
            let field = if i % 2 == 0 {
                "upvotePaper"
            } else {
                "removePaperUpvote"
            };
            format!("v{i}: {field}(paperId: $id) {{ upvoteCount }} ")
        })
        .collect();
    let operation =
        json!({ "query": format!("mutation ($id: ID!) {{ {votes} }}"), "variables": { "id": id } });
    for _ in 0..2 {
        let answers = post(json!(vec![operation.clone(); 10])).await;
        assert!(
            answers
                .as_array()
                .is_some_and(|a| a.iter().all(|r| r.get("errors").is_none())),
            "{answers}"
        );
    }
    // The server has handled the flood once a reading client's round trip comes back.
    let mut reader = WsClient::ready(port, None).await;
    reader.send(json!({ "type": "ping" })).await;
    assert_eq!(reader.next_message().await["type"], "pong");
    let grown = resident_bytes(pid).saturating_sub(before);
    assert!(grown < 40 * 1024 * 1024, "the server grew by {grown} bytes");
    terminate(&mut server).await;
}
