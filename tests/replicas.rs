//! Several replicas of the service on one database: what they share through it (the generated
//! JWT secret, throttle windows, background-job runs) works across processes.

use std::time::Duration;

use api::services::{jobs, throttle::Throttle};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::process::{free_port, spawn_server, terminate, wait_healthy};
use crate::support::ws::WsClient;
use crate::support::{Backend, TestDb, error_codes};

const REGISTER: &str =
    "mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }";
const LOGIN: &str = "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }";

/// One `papers serve` process on the database, with no JWT secret configured.
struct Replica {
    port: u16,
    child: tokio::process::Child,
}

impl Replica {
    async fn start(db: &TestDb) -> Self {
        Self::start_with(db, &[]).await
    }

    /// With more environment.
    async fn start_with(db: &TestDb, more: &[(&str, &str)]) -> Self {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut env = vec![
            ("DATABASE_URL", db.url.as_str()),
            ("PAPERS_LISTEN", listen.as_str()),
        ];
        env.extend_from_slice(more);
        let child = spawn_server(&env);
        wait_healthy(port).await;
        Self { port, child }
    }

    async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        crate::support::process::graphql_at(self.port, token, query, variables).await
    }
}

#[tokio::test]
async fn two_replicas_share_the_secret_the_login_throttle_and_live_events() {
    if !Backend::postgres_available() {
        return;
    }
    let db = TestDb::new(Backend::Postgres).await;
    // Started together: both race to create the secret, and must end up with the same one.
    let (mut one, mut two) = tokio::join!(Replica::start(&db), Replica::start(&db));

    let registered = one
        .gql(
            REGISTER,
            json!({ "input": { "username": "ada", "email": "ada@example.org", "password": "correct \
                horse battery" } }),
            None,
        )
        .await;
    let token = registered["data"]["register"]["accessToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    let viewer = two
        .gql("{ viewer { username } }", json!({}), Some(&token))
        .await;
    assert_eq!(viewer["data"]["viewer"]["username"], "ada", "{viewer}");

    // Live events cross replicas: what happens on one streams from the other, as each
    // subscriber sees it.
    let mut watcher = WsClient::ready(two.port, Some(&token)).await;
    watcher
        .subscribe(
            "s",
            "subscription { paperSubmitted { id arxivId } }",
            json!({}),
        )
        .await;
    watcher.send(json!({ "type": "ping" })).await;
    assert_eq!(watcher.next_message().await["type"], "pong");
    let input =
        json!({ "arxivId": "2402.12345", "title": "Fresh", "abstract": "New.", "authors": ["B"] });
    let submitted = one
        .gql(
            "mutation ($input: SubmitPaperInput!) { submitPaper(input: $input) { id } }",
            json!({ "input": input }),
            Some(&token),
        )
        .await;
    let paper = submitted["data"]["submitPaper"]["id"].clone();
    let seen = watcher.next_data("s").await;
    assert_eq!(seen["paperSubmitted"]["arxivId"], "2402.12345");
    watcher
        .subscribe(
            "p",
            "subscription ($id: ID!) { paperUpdated(id: $id) { upvoteCount commentCount \
                viewerHasUpvoted } }",
            json!({ "id": paper }),
        )
        .await;
    watcher.send(json!({ "type": "ping" })).await;
    assert_eq!(watcher.next_message().await["type"], "pong");
    one.gql(
        "mutation ($p: ID!) { upvotePaper(paperId: $p) { upvoteCount } }",
        json!({ "p": paper }),
        Some(&token),
    )
    .await;
    let seen = watcher.next_data("p").await;
    assert_eq!(seen["paperUpdated"]["upvoteCount"], 1);
    assert_eq!(seen["paperUpdated"]["viewerHasUpvoted"], true);

    // A comment on one replica reaches the other's thread watchers (and the paper's count).
    watcher
        .subscribe(
            "c",
            "subscription ($id: ID!) { commentAdded(paperId: $id) { body } }",
            json!({ "id": paper }),
        )
        .await;
    let created = one
        .gql(
            "mutation { createCollection(input: { title: \"Reading\", isPrivate: true }) { id } }",
            json!({}),
            Some(&token),
        )
        .await;
    let collection = created["data"]["createCollection"]["id"].clone();
    watcher
        .subscribe(
            "x",
            "subscription ($id: ID!) { collectionUpdated(id: $id) { itemCount } }",
            json!({ "id": collection }),
        )
        .await;
    watcher.send(json!({ "type": "ping" })).await;
    assert_eq!(watcher.next_message().await["type"], "pong");
    one.gql(
        "mutation ($p: ID!) { addComment(input: { paperId: $p, body: \"Across\" }) { id } }",
        json!({ "p": paper }),
        Some(&token),
    )
    .await;
    let seen = watcher.next_data_of(&["c", "p"]).await;
    assert_eq!(seen["c"]["commentAdded"]["body"], "Across");
    assert_eq!(seen["p"]["paperUpdated"]["commentCount"], 1);
    // The owner's private collection, changed on one replica, streams to the owner on the other.
    one.gql(
        "mutation ($c: ID!, $p: ID!) { addCollectionItem(input: { collectionId: $c, paperId: $p \
            }) { itemCount } }",
        json!({ "c": collection, "p": paper }),
        Some(&token),
    )
    .await;
    assert_eq!(
        watcher.next_data("x").await["collectionUpdated"]["itemCount"],
        1
    );

    // `papers import`, a process of its own, is heard too.
    let file = db.dir().join("import.json");
    let record = json!([{ "arxiv_id": "2403.00001", "title": "Imported", "authors": ["C"],
                          "abstract": "From a file.", "published_on": "2024-05-01" }]);
    std::fs::write(&file, record.to_string()).expect("write the import file");
    let imported = tokio::process::Command::new(crate::support::papers_bin())
        .arg("import")
        .arg(&file)
        .env("DATABASE_URL", &db.url)
        .output()
        .await
        .expect("run papers import");
    assert!(imported.status.success(), "{imported:?}");
    let seen = watcher.next_data("s").await;
    assert_eq!(seen["paperSubmitted"]["arxivId"], "2403.00001");

    // Five failed sign-ins are allowed per account, wherever they land; the sixth is refused.
    let wrong = json!({ "input": { "usernameOrEmail": "ada", "password": "wrong password!" } });
    for attempt in 0..5 {
        let replica = if attempt % 2 == 0 { &one } else { &two };
        let body = replica.gql(LOGIN, wrong.clone(), None).await;
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "attempt {attempt}");
    }
    for replica in [&one, &two] {
        let body = replica.gql(LOGIN, wrong.clone(), None).await;
        assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    }
    terminate(&mut one.child).await;
    terminate(&mut two.child).await;
}

#[tokio::test]
async fn a_shared_throttle_admits_its_limit_once_among_parallel_requests() {
    if !Backend::postgres_available() {
        return;
    }
    let test_db = TestDb::new(Backend::Postgres).await;
    let db = test_db.connect().await;
    api::db::migrate_up(&db).await.expect("migrate");
    // Two throttles on one table stand for two replicas.
    let one = Throttle::new(3, Duration::from_secs(60), true).shared(db.clone(), "test");
    let two = Throttle::new(3, Duration::from_secs(60), true).shared(db.clone(), "test");
    let attempts = (0..10).map(|i| if i % 2 == 0 { &one } else { &two });
    let results = futures_util::future::join_all(attempts.map(|t| t.reserve("key"))).await;
    let (admitted, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!((admitted.len(), refused.len()), (3, 7));
    // A released slot admits one more; other keys and throttles count apart.
    let mut admitted: Vec<_> = admitted.into_iter().flatten().collect();
    admitted.pop().expect("a slot").release().await;
    assert!(one.reserve("key").await.is_ok());
    assert!(two.reserve("key").await.is_err());
    assert!(two.reserve("other key").await.is_ok());
    let elsewhere = Throttle::new(1, Duration::from_secs(60), true).shared(db.clone(), "other");
    assert!(elsewhere.reserve("key").await.is_ok());
}

storage_test!(one_of_many_replicas_claims_each_run_of_a_job);
async fn one_of_many_replicas_claims_each_run_of_a_job(backend: Backend) {
    let test_db = TestDb::new(backend).await;
    let db = test_db.connect().await;
    api::db::migrate_up(&db).await.expect("migrate");
    let every = Duration::from_secs(300);
    let claims = (0..8).map(|_| jobs::claim(&db, "job", every));
    let won: Vec<bool> = futures_util::future::join_all(claims)
        .await
        .into_iter()
        .map(|claimed| claimed.expect("a claim"))
        .collect();
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    assert!(!jobs::claim(&db, "job", every).await.expect("a claim"));
    assert!(
        jobs::claim(&db, "another job", every)
            .await
            .expect("a claim")
    );
    // A job whose period has passed is due again.
    assert!(
        jobs::claim(&db, "job", Duration::ZERO)
            .await
            .expect("a claim")
    );
}

/// Two replicas deliver webhooks from one outbox: every delivery reaches the endpoint exactly
/// once (`FOR UPDATE SKIP LOCKED` keeps them from taking the same one).
#[tokio::test]
async fn two_replicas_deliver_each_webhook_message_once() {
    if !Backend::postgres_available() {
        return;
    }
    let db = TestDb::new(Backend::Postgres).await;
    let receiver = crate::support::receiver::Receiver::start(&[]).await;
    let env = [
        ("PAPERS_WEBHOOK_ALLOW_PRIVATE", "on"),
        ("PAPERS_RATE_LIMITS", "off"),
    ];
    let (mut one, mut two) = tokio::join!(
        Replica::start_with(&db, &env),
        Replica::start_with(&db, &env)
    );
    let registered = one
        .gql(
            REGISTER,
            json!({ "input": { "username": "ada", "email": "ada@example.org", "password": "correct \
                horse battery" } }),
            None,
        )
        .await;
    let token = registered["data"]["register"]["accessToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    let created = two
        .gql(
            "mutation ($url: String!) { createWebhook(input: { url: $url, events: \
                [PAPER_SUBMITTED] }) { webhook { id } } }",
            json!({ "url": receiver.url("/") }),
            Some(&token),
        )
        .await;
    let hook = created["data"]["createWebhook"]["webhook"]["id"].clone();
    const MESSAGES: usize = 40;
    for n in 0..MESSAGES {
        let replica = if n % 2 == 0 { &one } else { &two };
        let ping = replica
            .gql(
                "mutation ($id: ID!) { pingWebhook(id: $id) { id } }",
                json!({ "id": hook }),
                Some(&token),
            )
            .await;
        assert!(ping.get("errors").is_none(), "{ping}");
    }
    let received = receiver.wait_for(MESSAGES).await;
    // Every delivery settled as delivered once; then no late duplicate arrives.
    let settled = async {
        loop {
            let data = one
                .gql(
                    "query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 100) { \
                        nodes { status attempts } } } } }",
                    json!({ "id": hook }),
                    Some(&token),
                )
                .await;
            let nodes = data["data"]["node"]["deliveries"]["nodes"].clone();
            let nodes = nodes.as_array().expect("deliveries");
            if nodes.len() == MESSAGES && nodes.iter().all(|d| d["status"] == "DELIVERED") {
                assert!(nodes.iter().all(|d| d["attempts"] == 1), "{nodes:?}");
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), settled)
        .await
        .expect("the deliveries settle");
    let mut ids: Vec<String> = received
        .iter()
        .map(|r| r.headers["webhook-id"].clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), MESSAGES);
    assert_eq!(
        receiver.received().len(),
        MESSAGES,
        "a message was sent twice"
    );
    terminate(&mut one.child).await;
    terminate(&mut two.child).await;
    db.destroy().await;
}
