//! Webhooks (Standard Webhooks): signed deliveries verified by the reference library, retries
//! under one `webhook-id`, 410 turning an endpoint off, private targets refused at creation and
//! at delivery, who is told of what, and the outbox written only with committed changes.

use std::process::Stdio;

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::receiver::Receiver;
use crate::support::{Backend, TestApp, error_codes};

const CREATE: &str = "mutation ($url: String!, $events: [WebhookEvent!]!) { createWebhook(input: \
    { url: $url, events: $events, description: \"a test\" }) { secret webhook { id url events \
    isActive description } } }";
const PING: &str =
    "mutation ($id: ID!) { pingWebhook(id: $id) { id messageId event status attempts } }";
const DELIVERIES: &str = "query ($id: ID!) { node(id: $id) { ... on Webhook { isActive \
    deliveries(first: 50) { totalCount nodes { messageId event status attempts responseStatus \
    lastError deliveredAt nextAttemptAt payload } } } } }";
const COMMENT: &str = "mutation ($p: ID!, $body: String!, $parent: ID) { addComment(input: { \
    paperId: $p, body: $body, parentId: $parent }) { id } }";

/// A server whose webhooks may target 127.0.0.1, retrying at once, `retries` times.
async fn app_with_retries(backend: Backend, retries: &str) -> TestApp {
    TestApp::spawn_with(
        backend,
        &[
            "--no-demo",
            "--webhook-allow-private",
            "on",
            "--webhook-retry-delays",
            retries,
        ],
    )
    .await
}

async fn create(app: &TestApp, token: &str, url: &str, events: Value) -> (String, String) {
    let data = app
        .data_as(token, CREATE, json!({ "url": url, "events": events }))
        .await;
    let created = &data["createWebhook"];
    (
        created["webhook"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// The webhook's deliveries, newest first, once none is pending any more (up to 30 s).
async fn settled(app: &TestApp, token: &str, hook: &str, count: usize) -> Value {
    for _ in 0..600 {
        let data = app.data_as(token, DELIVERIES, json!({ "id": hook })).await;
        let nodes = data["node"]["deliveries"]["nodes"].clone();
        let list = nodes.as_array().unwrap();
        if list.len() >= count && list.iter().all(|d| d["status"] != "PENDING") {
            return data["node"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the deliveries of {hook} did not settle");
}

storage_test!(deliveries_are_signed_as_the_reference_library_verifies);
async fn deliveries_are_signed_as_the_reference_library_verifies(backend: Backend) {
    let Some(python) = crate::support::process::venv_python("standardwebhooks") else {
        return;
    };
    let app = app_with_retries(backend, "0").await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let ada_user = fixtures::user(&db, "ada").await;
    let ada = token_for(&ada_user);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    fixtures::paper(
        &db,
        "2401.00001",
        "Ada's paper",
        "x",
        &["A. L."],
        fixtures::now(),
        Some(ada_user.id),
    )
    .await;
    let paper = app.paper_gid("2401.00001").await;
    let (hook, secret) = create(
        &app,
        &ada,
        &receiver.url("/hooks/papers"),
        json!(["PAPER_SUBMITTED", "COMMENT_ADDED"]),
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    let ping = app.data_as(&ada, PING, json!({ "id": hook })).await["pingWebhook"].clone();
    assert_eq!(ping["event"], "webhook.ping");
    assert_eq!(ping["status"], "PENDING");
    let comment = app
        .data_as(
            &bob,
            COMMENT,
            json!({ "p": paper, "body": "Nice *result*" }),
        )
        .await["addComment"]["id"]
        .clone();
    app.data_as(
        &bob,
        "mutation { submitPaper(input: { arxivId: \"2401.00002\", title: \"Bob's\", abstract: \
            \"y\", authors: [\"B. B.\"] }) { id } }",
        json!({}),
    )
    .await;

    let received = receiver.wait_for(3).await;
    let node = settled(&app, &ada, &hook, 3).await;
    let deliveries = node["deliveries"]["nodes"].as_array().unwrap().clone();
    assert_eq!(node["deliveries"]["totalCount"], 3);
    for delivery in &deliveries {
        assert_eq!(delivery["status"], "DELIVERED", "{delivery}");
        assert_eq!(delivery["attempts"], 1);
        assert_eq!(delivery["responseStatus"], 200);
        assert!(delivery["deliveredAt"].is_string());
        assert!(delivery["nextAttemptAt"].is_null());
    }
    let events: Vec<&str> = received
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .map(|id| {
            deliveries
                .iter()
                .find(|d| d["messageId"] == id)
                .and_then(|d| d["event"].as_str())
                .expect("each request is a listed delivery")
        })
        .collect();
    let mut sorted = events.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["comment.added", "paper.submitted", "webhook.ping"]);

    for request in &received {
        assert_eq!(request.path, "/hooks/papers");
        assert_eq!(request.headers["content-type"], "application/json");
        assert!(request.headers["webhook-id"].starts_with("msg_"));
        assert!(request.headers["webhook-signature"].starts_with("v1,"));
        assert!(request.body.len() < 20_000);
        let body: Value = serde_json::from_str(&request.body).unwrap();
        assert!(body["timestamp"].is_string());
        match body["type"].as_str().unwrap() {
            "comment.added" => {
                assert_eq!(body["data"]["id"], comment);
                assert_eq!(body["data"]["paper"]["id"], paper);
                assert_eq!(body["data"]["body"], "Nice *result*");
                assert_eq!(body["data"]["author"]["username"], "bob");
            }
            "paper.submitted" => {
                assert_eq!(body["data"]["arxivId"], "2401.00002");
                assert_eq!(body["data"]["id"], app.paper_gid("2401.00002").await);
                assert_eq!(body["data"]["authors"][0]["name"], "B. B.");
            }
            "webhook.ping" => assert_eq!(body["data"]["webhook"]["id"], hook),
            other => panic!("unexpected event {other}"),
        }
    }

    // The reference library verifies every delivery and refuses a tampered one.
    let messages: Vec<Value> = received
        .iter()
        .map(|r| json!({ "headers": r.headers, "body": r.body }))
        .collect();
    let mut child = tokio::process::Command::new(python)
        .arg(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/py/verify_webhooks.py"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = json!({ "secret": secret, "messages": messages }).to_string();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .await
        .unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert!(output.status.success());
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), 3);
    for result in results {
        assert_eq!(
            result,
            json!({ "verified": true, "tampered_refused": true })
        );
    }
}

storage_test!(a_retried_delivery_keeps_its_webhook_id_until_the_schedule_is_spent);
async fn a_retried_delivery_keeps_its_webhook_id_until_the_schedule_is_spent(backend: Backend) {
    // Three attempts in all: the first and two retries.
    let app = app_with_retries(backend, "0,0").await;
    let recovers = Receiver::start(&[500, 503]).await;
    let broken = Receiver::start(&[500, 502, 500, 500]).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let (good, _) = create(&app, &ada, &recovers.url("/"), json!(["CLAIM_DECIDED"])).await;
    let (bad, _) = create(&app, &ada, &broken.url("/"), json!(["CLAIM_DECIDED"])).await;
    app.data_as(&ada, PING, json!({ "id": good })).await;
    app.data_as(&ada, PING, json!({ "id": bad })).await;

    let delivered = settled(&app, &ada, &good, 1).await["deliveries"]["nodes"][0].clone();
    assert_eq!(delivered["status"], "DELIVERED");
    assert_eq!(delivered["attempts"], 3);
    assert_eq!(delivered["responseStatus"], 200);
    let tries = recovers.wait_for(3).await;
    assert_eq!(tries.len(), 3);
    assert!(
        tries
            .iter()
            .all(|t| t.headers["webhook-id"] == delivered["messageId"])
    );
    assert!(tries.iter().all(|t| t.body == tries[0].body));

    let failed = settled(&app, &ada, &bad, 1).await["deliveries"]["nodes"][0].clone();
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["attempts"], 3);
    assert_eq!(failed["responseStatus"], 500);
    assert!(failed["lastError"].is_string());
    assert!(failed["nextAttemptAt"].is_null());
    // Given up means no fourth attempt.
    assert_eq!(broken.received().len(), 3);
    let metrics = app.metrics().await;
    for line in [
        "papers_webhook_attempts_total{outcome=\"delivered\"} 1",
        "papers_webhook_attempts_total{outcome=\"retry\"} 4",
        "papers_webhook_attempts_total{outcome=\"failed\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} missing from {metrics}");
    }
}

storage_test!(an_endpoint_answering_410_is_turned_off);
async fn an_endpoint_answering_410_is_turned_off(backend: Backend) {
    let app = app_with_retries(backend, "0,0").await;
    let gone = Receiver::start(&[410]).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let (hook, _) = create(&app, &ada, &gone.url("/"), json!(["PAPER_SUBMITTED"])).await;
    app.data_as(&ada, PING, json!({ "id": hook })).await;
    let node = settled(&app, &ada, &hook, 1).await;
    // Read again: the webhook row was read before the settled delivery in that request, and
    // the attempt's transaction may have committed between the two reads.
    let again = app.data_as(&ada, DELIVERIES, json!({ "id": hook })).await;
    assert_eq!(again["node"]["isActive"], false);
    let delivery = &node["deliveries"]["nodes"][0];
    assert_eq!(delivery["status"], "FAILED");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["responseStatus"], 410);
    // A turned-off webhook is told of nothing more.
    app.data_as(
        &bob,
        "mutation { submitPaper(input: { arxivId: \"2401.00003\", title: \"T\", abstract: \"y\", \
            authors: [\"B\"] }) { id } }",
        json!({}),
    )
    .await;
    assert_eq!(app.count_rows("webhook_deliveries").await, 1);
    assert_eq!(gone.received().len(), 1);
    // Its owner may turn it on again.
    let revived = app
        .data_as(
            &ada,
            "mutation ($id: ID!) { updateWebhook(input: { id: $id, isActive: true }) { isActive } \
                }",
            json!({ "id": hook }),
        )
        .await;
    assert_eq!(revived["updateWebhook"]["isActive"], true);
}

storage_test!(private_targets_are_refused_at_creation_and_at_delivery);
async fn private_targets_are_refused_at_creation_and_at_delivery(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--webhook-retry-delays", "0"]).await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let ada_user = fixtures::user(&db, "ada").await;
    let ada = token_for(&ada_user);
    for url in [
        receiver.url("/"),
        "http://localhost:8080/".to_owned(),
        "http://10.0.0.7/hook".to_owned(),
        "http://192.168.1.1/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]:9000/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
        "ftp://example.org/".to_owned(),
        "not a url".to_owned(),
    ] {
        let body = app
            .gql_as(
                &ada,
                CREATE,
                json!({ "url": url, "events": ["PAPER_SUBMITTED"] }),
            )
            .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{url}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "url");
    }
    assert_eq!(app.count_rows("webhooks").await, 0);

    // A webhook whose name resolved to a public address when it was made and to a private
    // one now (DNS rebinding): the delivery checks again and never connects.
    entity::webhook::ActiveModel {
        user_id: Set(ada_user.id),
        url: Set(receiver.url("/")),
        events: Set("paper.submitted".into()),
        description: Set(None),
        secret: Set("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
        is_active: Set(true),
        created_at: Set(fixtures::now()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let hook_id = app
        .data_as(&ada, "{ viewer { webhooks { id } } }", json!({}))
        .await["viewer"]["webhooks"][0]["id"]
        .clone();
    app.data_as(&ada, PING, json!({ "id": hook_id })).await;
    let delivery =
        settled(&app, &ada, hook_id.as_str().unwrap(), 1).await["deliveries"]["nodes"][0].clone();
    assert_eq!(delivery["status"], "FAILED");
    assert_eq!(delivery["attempts"], 2);
    assert!(delivery["responseStatus"].is_null());
    assert!(
        delivery["lastError"]
            .as_str()
            .unwrap()
            .starts_with("refused")
    );
    assert!(
        receiver.received().is_empty(),
        "connected to a private address"
    );
}

storage_test!(webhooks_are_their_owners_alone);
async fn webhooks_are_their_owners_alone(backend: Backend) {
    let app = app_with_retries(backend, "0").await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let ada_user = fixtures::user(&db, "ada").await;
    let ada = token_for(&ada_user);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let (hook, _) = create(&app, &ada, &receiver.url("/"), json!(["COMMENT_ADDED"])).await;

    let mine = app
        .data_as(
            &ada,
            "{ viewer { webhooks { id url events description isActive createdAt } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine["viewer"]["webhooks"][0]["id"], hook);
    assert_eq!(
        mine["viewer"]["webhooks"][0]["events"],
        json!(["COMMENT_ADDED"])
    );
    // Another user sees none of them, by user or by ID, and cannot change, ping or delete them.
    let theirs = app
        .data_as(
            &bob,
            "{ user(username: \"ada\") { webhooks { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(theirs["user"]["webhooks"], json!([]));
    assert_eq!(
        app.data_as(&bob, DELIVERIES, json!({ "id": hook })).await["node"],
        Value::Null
    );
    for mutation in [
        "mutation ($id: ID!) { updateWebhook(input: { id: $id, url: \"http://127.0.0.1:1/\" }) { \
            id } }",
        "mutation ($id: ID!) { pingWebhook(id: $id) { id } }",
        "mutation ($id: ID!) { deleteWebhook(id: $id) }",
    ] {
        let body = app.gql_as(&bob, mutation, json!({ "id": hook })).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{mutation}");
    }
    assert_eq!(app.count_rows("webhook_deliveries").await, 0);
    // Anonymous callers and read-only tokens manage nothing.
    let anonymous = app
        .gql(
            CREATE,
            json!({ "url": receiver.url("/"), "events": ["COMMENT_ADDED"] }),
        )
        .await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    let (read_token, _) = api::services::tokens::create(
        &db,
        &api::auth::Caller::session(ada_user.clone()),
        api::services::tokens::TokenName::parse("reader", "name").unwrap(),
        &[api::auth::Scope::Read],
    )
    .await
    .unwrap();
    let refused = app
        .gql_as(
            &read_token,
            CREATE,
            json!({ "url": receiver.url("/"), "events": ["COMMENT_ADDED"] }),
        )
        .await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"]);
    // No events is refused; at most ten webhooks per user.
    let empty = app
        .gql_as(
            &ada,
            CREATE,
            json!({ "url": receiver.url("/"), "events": [] }),
        )
        .await;
    assert_eq!(error_codes(&empty), ["BAD_USER_INPUT"]);
    for _ in 1..10 {
        create(&app, &ada, &receiver.url("/"), json!(["CLAIM_DECIDED"])).await;
    }
    let eleventh = app
        .gql_as(
            &ada,
            CREATE,
            json!({ "url": receiver.url("/"), "events": ["CLAIM_DECIDED"] }),
        )
        .await;
    assert_eq!(error_codes(&eleventh), ["BAD_USER_INPUT"]);
    assert_eq!(app.count_rows("webhooks").await, 10);
    // The owner deletes one, deliveries and all.
    let deleted = app
        .data_as(
            &ada,
            "mutation ($id: ID!) { deleteWebhook(id: $id) }",
            json!({ "id": hook }),
        )
        .await;
    assert_eq!(deleted["deleteWebhook"], true);
    assert_eq!(app.count_rows("webhooks").await, 9);
}

storage_test!(comments_reach_the_submitter_the_authors_and_the_parent_but_not_the_commenter);
async fn comments_reach_the_submitter_the_authors_and_the_parent_but_not_the_commenter(
    backend: Backend,
) {
    let app = app_with_retries(backend, "0").await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let users = ["submitter", "author", "parent", "replier", "stranger"];
    let mut tokens = std::collections::HashMap::new();
    let mut hooks = std::collections::HashMap::new();
    let mut rows = std::collections::HashMap::new();
    for name in users {
        let row = fixtures::user(&db, name).await;
        let token = token_for(&row);
        let (hook, _) = create(
            &app,
            &token,
            &receiver.url(&format!("/{name}")),
            json!(["COMMENT_ADDED", "CLAIM_DECIDED"]),
        )
        .await;
        tokens.insert(name, token);
        hooks.insert(name, hook);
        rows.insert(name, row);
    }
    fixtures::paper(
        &db,
        "2401.00009",
        "P",
        "x",
        &["The Author"],
        fixtures::now(),
        Some(rows["submitter"].id),
    )
    .await;
    let paper = app.paper_gid("2401.00009").await;
    // "author" claims the paper's author and a moderator approves: the claimant is told.
    let (_, moderator) = fixtures::moderator(&db, "mo").await;
    let claim = app
        .data_as(
            &tokens["author"],
            "mutation ($p: ID!) { claimAuthorship(input: { paperId: $p, position: 0 }) { id } }",
            json!({ "p": paper }),
        )
        .await["claimAuthorship"]["id"]
        .clone();
    app.data_as(
        &moderator,
        "mutation ($id: ID!) { decideAuthorshipClaim(id: $id, approve: true) { status } }",
        json!({ "id": claim }),
    )
    .await;

    let parent = app
        .data_as(
            &tokens["parent"],
            COMMENT,
            json!({ "p": paper, "body": "first" }),
        )
        .await["addComment"]["id"]
        .clone();
    app.data_as(
        &tokens["replier"],
        COMMENT,
        json!({ "p": paper, "body": "a reply", "parent": parent }),
    )
    .await;
    // The submitter commenting on their own paper tells the author only.
    app.data_as(
        &tokens["submitter"],
        COMMENT,
        json!({ "p": paper, "body": "thanks" }),
    )
    .await;

    let counted = |name: &'static str| {
        let (app, token, hook) = (&app, tokens[name].clone(), hooks[name].clone());
        async move {
            let data = app.data_as(&token, DELIVERIES, json!({ "id": hook })).await;
            let nodes = data["node"]["deliveries"]["nodes"]
                .as_array()
                .unwrap()
                .clone();
            nodes
                .iter()
                .map(|d| {
                    let body: Value = serde_json::from_str(d["payload"].as_str().unwrap()).unwrap();
                    let who = body["data"]["author"]["username"]
                        .as_str()
                        .map(str::to_owned);
                    format!(
                        "{}:{}",
                        d["event"].as_str().unwrap(),
                        who.unwrap_or_default()
                    )
                })
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    let set = |items: &[&str]| {
        items
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<std::collections::BTreeSet<_>>()
    };
    // Submitter: the parent's comment and the reply (not their own).
    assert_eq!(
        counted("submitter").await,
        set(&["comment.added:parent", "comment.added:replier"])
    );
    // Author (claim approved first): all three comments, and the claim's decision.
    assert_eq!(
        counted("author").await,
        set(&[
            "claim.decided:",
            "comment.added:parent",
            "comment.added:replier",
            "comment.added:submitter"
        ])
    );
    // Parent: the reply to their comment only.
    assert_eq!(counted("parent").await, set(&["comment.added:replier"]));
    assert!(counted("replier").await.is_empty());
    assert!(counted("stranger").await.is_empty());
    let decided = app
        .data_as(
            &tokens["author"],
            DELIVERIES,
            json!({ "id": hooks["author"] }),
        )
        .await;
    let claim_payload = decided["node"]["deliveries"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event"] == "claim.decided")
        .map(|d| serde_json::from_str::<Value>(d["payload"].as_str().unwrap()).unwrap())
        .unwrap();
    assert_eq!(claim_payload["data"]["id"], claim);
    assert_eq!(claim_payload["data"]["status"], "APPROVED");
    assert_eq!(claim_payload["data"]["paper"]["id"], paper);
}

storage_test!(the_outbox_holds_only_committed_changes);
async fn the_outbox_holds_only_committed_changes(backend: Backend) {
    let app = app_with_retries(backend, "0").await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let ada_user = fixtures::user(&db, "ada").await;
    let ada = token_for(&ada_user);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    create(
        &app,
        &ada,
        &receiver.url("/"),
        json!(["PAPER_SUBMITTED", "COMMENT_ADDED"]),
    )
    .await;
    let paper = fixtures::paper(
        &db,
        "2401.00004",
        "P",
        "x",
        &["A"],
        fixtures::now(),
        Some(ada_user.id),
    )
    .await;
    let paper_gid = app.paper_gid("2401.00004").await;

    // Refused changes write no delivery: a submission of a listed paper, a blank comment.
    let duplicate = app
        .gql_as(
            &bob,
            "mutation { submitPaper(input: { arxivId: \"2401.00004\", title: \"T\", \
            abstract: \"y\", authors: [\"B\"] }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&duplicate), ["CONFLICT"]);
    let blank = app
        .gql_as(&bob, COMMENT, json!({ "p": paper_gid, "body": "  " }))
        .await;
    assert_eq!(error_codes(&blank), ["BAD_USER_INPUT"]);
    assert_eq!(app.count_rows("webhook_deliveries").await, 0);

    // An event written in a transaction that rolls back leaves nothing; one that commits stays.
    use sea_orm::TransactionTrait;
    let txn = db.begin().await.unwrap();
    api::services::webhooks::outbox::paper_submitted(&txn, &paper, &["A"])
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(app.count_rows("webhook_deliveries").await, 0);
    let txn = db.begin().await.unwrap();
    api::services::webhooks::outbox::paper_submitted(&txn, &paper, &["A"])
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(app.count_rows("webhook_deliveries").await, 1);
    // And a committed comment is delivered.
    app.data_as(&bob, COMMENT, json!({ "p": paper_gid, "body": "hello" }))
        .await;
    let pending = entity::webhook_delivery::Entity::find()
        .filter(entity::webhook_delivery::Column::Event.eq("comment.added"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    receiver.wait_for(2).await;
}

storage_test!(imported_papers_are_announced_and_old_settled_deliveries_are_pruned);
async fn imported_papers_are_announced_and_old_settled_deliveries_are_pruned(backend: Backend) {
    let app = app_with_retries(backend, "0").await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let (hook, _) = create(&app, &ada, &receiver.url("/"), json!(["PAPER_SUBMITTED"])).await;
    let file = json!([
        { "arxiv_id": "2402.00001", "title": "Imported one", "authors": ["I. One"],
            "abstract": "a" },
        { "arxiv_id": "2402.00002", "title": "Imported two", "authors": ["I. Two"],
            "abstract": "b" }
    ])
    .to_string();
    let records = api::services::papers::import::parse_file(&file).unwrap();
    api::services::papers::import::import(&db, &records, |_| fixtures::now())
        .await
        .unwrap();
    let node = settled(&app, &ada, &hook, 2).await;
    let mut imported: Vec<String> = node["deliveries"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let body: Value = serde_json::from_str(d["payload"].as_str().unwrap()).unwrap();
            assert_eq!(body["type"], "paper.submitted");
            body["data"]["arxivId"].as_str().unwrap().to_owned()
        })
        .collect();
    imported.sort();
    assert_eq!(imported, ["2402.00001", "2402.00002"]);

    // Pruning: settled deliveries older than 30 days go; recent and pending ones stay.
    let old = fixtures::now() - chrono::Duration::days(31);
    let rows = entity::webhook_delivery::Entity::find()
        .all(&db)
        .await
        .unwrap();
    let mut aged: entity::webhook_delivery::ActiveModel = rows[0].clone().into();
    aged.created_at = Set(old);
    aged.update(&db).await.unwrap();
    let mut pending: entity::webhook_delivery::ActiveModel = rows[1].clone().into();
    pending.created_at = Set(old);
    pending.status = Set("PENDING".into());
    pending.next_attempt_at = Set(Some(fixtures::now() + chrono::Duration::days(1)));
    pending.update(&db).await.unwrap();
    app.data_as(&ada, PING, json!({ "id": hook })).await;
    settled_or_pending(&app, &ada, &hook).await;
    assert_eq!(api::services::webhooks::prune(&db).await.unwrap(), 1);
    let left = entity::webhook_delivery::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|d| d.id != rows[0].id));
}

/// Waits until the newest delivery (a ping) is delivered.
async fn settled_or_pending(app: &TestApp, token: &str, hook: &str) {
    for _ in 0..600 {
        let data = app.data_as(token, DELIVERIES, json!({ "id": hook })).await;
        if data["node"]["deliveries"]["nodes"][0]["status"] == "DELIVERED" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the ping was not delivered");
}

storage_test!(parallel_creations_stop_at_ten_webhooks);
async fn parallel_creations_stop_at_ten_webhooks(backend: Backend) {
    let app = app_with_retries(backend, "0").await;
    let receiver = Receiver::start(&[]).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let url = receiver.url("/");
    let creations = (0..20).map(|_| {
        app.gql_as(
            &ada,
            CREATE,
            json!({ "url": url, "events": ["PAPER_SUBMITTED"] }),
        )
    });
    let bodies = futures_util::future::join_all(creations).await;
    let created = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    for body in bodies.iter().filter(|b| b.get("errors").is_some()) {
        assert_eq!(error_codes(body), ["BAD_USER_INPUT"], "{body}");
    }
    assert_eq!(created, 10);
    assert_eq!(app.count_rows("webhooks").await, 10);
}
