//! The notifications inbox: who is told of what (and who is not), one notification per person
//! and comment, read marks, another user's inbox invisible and unchangeable, a page at a fixed
//! statement count, and live delivery to the owner alone.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::ws::WsClient;
use crate::support::{Backend, TestApp, error_codes};

const COMMENT: &str = "mutation ($p: ID!, $body: String!, $parent: ID) { addComment(input: { \
    paperId: $p, body: $body, parentId: $parent }) { id } }";
const INBOX: &str = "{ viewer { unreadNotificationCount notifications(first: 50) { totalCount \
    edges { node { id kind readAt createdAt actor { username } paper { arxivId } comment { id \
    body } claim { id status } } } } } }";

/// The viewer's notifications as `KIND by ACTOR`, newest first.
async fn inbox(app: &TestApp, token: &str) -> (Vec<String>, Value) {
    let data = app.data_as(token, INBOX, json!({})).await;
    let viewer = data["viewer"].clone();
    let kinds = viewer["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} by {}",
                e["node"]["kind"].as_str().unwrap(),
                e["node"]["actor"]["username"].as_str().unwrap_or("nobody")
            )
        })
        .collect();
    (kinds, viewer)
}

storage_test!(each_person_concerned_is_told_once_and_nobody_of_their_own_act);
async fn each_person_concerned_is_told_once_and_nobody_of_their_own_act(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let submitter_row = fixtures::user(&db, "submitter").await;
    let submitter = token_for(&submitter_row);
    let author = token_for(&fixtures::user(&db, "author").await);
    let replier = token_for(&fixtures::user(&db, "replier").await);
    let stranger = token_for(&fixtures::user(&db, "stranger").await);
    let (_, mo) = fixtures::moderator(&db, "mo").await;
    fixtures::paper(
        &db,
        "2403.00001",
        "P",
        "x",
        &["The Author"],
        fixtures::now(),
        Some(submitter_row.id),
    )
    .await;
    let paper = app.paper_gid("2403.00001").await;
    let claim = app
        .data_as(
            &author,
            "mutation ($p: ID!) { claimAuthorship(input: { paperId: $p, position: 0 }) { id } }",
            json!({ "p": paper }),
        )
        .await["claimAuthorship"]["id"]
        .clone();
    app.data_as(
        &mo,
        "mutation ($id: ID!) { decideAuthorshipClaim(id: $id, approve: true) { status } }",
        json!({ "id": claim }),
    )
    .await;

    // The submitter comments on their own paper: the author is told, the submitter is not.
    let top = app
        .data_as(
            &submitter,
            COMMENT,
            json!({ "p": paper, "body": "we did it" }),
        )
        .await["addComment"]["id"]
        .clone();
    // A reply to the submitter's comment: the submitter is told once, as a reply.
    let reply = app
        .data_as(
            &replier,
            COMMENT,
            json!({ "p": paper, "body": "congrats", "parent": top }),
        )
        .await["addComment"]["id"]
        .clone();
    // A moderator hides the reply: its author is told, with the reason shown to them.
    app.data_as(
        &mo,
        "mutation ($id: ID!) { hideComment(id: $id, reason: \"off topic\") { id } }",
        json!({ "id": reply }),
    )
    .await;

    let (kinds, viewer) = inbox(&app, &submitter).await;
    assert_eq!(kinds, ["COMMENT_REPLY by replier"]);
    let node = &viewer["notifications"]["edges"][0]["node"];
    assert_eq!(node["comment"]["id"], reply);
    assert_eq!(node["paper"]["arxivId"], "2403.00001");
    assert!(node["readAt"].is_null());
    assert_eq!(viewer["unreadNotificationCount"], 1);

    let (kinds, viewer) = inbox(&app, &author).await;
    assert_eq!(
        kinds,
        [
            "PAPER_COMMENT by replier",
            "PAPER_COMMENT by submitter",
            "CLAIM_DECIDED by mo"
        ]
    );
    assert_eq!(
        viewer["notifications"]["edges"][2]["node"]["claim"]["id"],
        claim
    );
    assert_eq!(
        viewer["notifications"]["edges"][2]["node"]["claim"]["status"],
        "APPROVED"
    );

    let (kinds, _) = inbox(&app, &replier).await;
    assert_eq!(kinds, ["COMMENT_HIDDEN by mo"]);
    let (kinds, viewer) = inbox(&app, &stranger).await;
    assert!(kinds.is_empty());
    assert_eq!(viewer["unreadNotificationCount"], 0);
    let (kinds, _) = inbox(&app, &mo).await;
    assert!(
        kinds.is_empty(),
        "the moderator is told of nothing they did"
    );

    // A refused comment (a parent on another paper) writes no notification.
    fixtures::paper(
        &db,
        "2403.00002",
        "Q",
        "x",
        &["Q"],
        fixtures::now(),
        Some(submitter_row.id),
    )
    .await;
    let other = app.paper_gid("2403.00002").await;
    let before = app.count_rows("notifications").await;
    let refused = app
        .gql_as(
            &replier,
            COMMENT,
            json!({ "p": other, "body": "x", "parent": top }),
        )
        .await;
    assert_eq!(error_codes(&refused), ["BAD_USER_INPUT"]);
    assert_eq!(app.count_rows("notifications").await, before);
}

storage_test!(an_inbox_is_its_owners_alone_and_read_marks_count_what_changed);
async fn an_inbox_is_its_owners_alone_and_read_marks_count_what_changed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada_row = fixtures::user(&db, "ada").await;
    let ada = token_for(&ada_row);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let carol = token_for(&fixtures::user(&db, "carol").await);
    fixtures::paper(
        &db,
        "2403.00003",
        "P",
        "x",
        &["A"],
        fixtures::now(),
        Some(ada_row.id),
    )
    .await;
    let paper = app.paper_gid("2403.00003").await;
    for n in 0..3 {
        app.data_as(
            &bob,
            COMMENT,
            json!({ "p": paper, "body": format!("c{n}") }),
        )
        .await;
    }
    // Bob's own comment on Carol's nothing: Carol has an empty inbox to mark.
    let (_, viewer) = inbox(&app, &ada).await;
    let ids: Vec<Value> = viewer["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert_eq!(ids.len(), 3);

    // Others see null, by user and by ID, and change nothing.
    let seen = app
        .data_as(
            &bob,
            "{ user(username: \"ada\") { notifications { totalCount } unreadNotificationCount } }",
            json!({}),
        )
        .await;
    assert_eq!(seen["user"]["notifications"], Value::Null);
    assert_eq!(seen["user"]["unreadNotificationCount"], Value::Null);
    let by_id = app
        .data_as(
            &bob,
            "query ($id: ID!) { node(id: $id) { id } }",
            json!({ "id": ids[0] }),
        )
        .await;
    assert_eq!(by_id["node"], Value::Null);
    let mark =
        "mutation ($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }";
    let theirs = app.data_as(&carol, mark, json!({ "ids": ids })).await;
    assert_eq!(theirs["markNotificationsRead"], 0);
    assert_eq!(
        app.data_as(&carol, mark, json!({ "all": true })).await["markNotificationsRead"],
        0
    );
    let (_, viewer) = inbox(&app, &ada).await;
    assert_eq!(viewer["unreadNotificationCount"], 3);
    let anonymous = app.gql(mark, json!({ "all": true })).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    assert_eq!(
        error_codes(&app.gql_as(&ada, mark, json!({})).await),
        ["BAD_USER_INPUT"]
    );

    // The owner marks one, then all: each call answers how many changed.
    assert_eq!(
        app.data_as(&ada, mark, json!({ "ids": [ids[0], ids[0]] }))
            .await["markNotificationsRead"],
        1
    );
    assert_eq!(
        app.data_as(&ada, mark, json!({ "ids": [ids[0]] })).await["markNotificationsRead"],
        0
    );
    let unread = app
        .data_as(
            &ada,
            "{ viewer { notifications(unreadOnly: true) { totalCount edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(unread["viewer"]["notifications"]["totalCount"], 2);
    assert!(
        unread["viewer"]["notifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["id"] != ids[0])
    );
    assert_eq!(
        app.data_as(&ada, mark, json!({ "all": true })).await["markNotificationsRead"],
        2
    );
    let (_, viewer) = inbox(&app, &ada).await;
    assert_eq!(viewer["unreadNotificationCount"], 0);
    assert_eq!(viewer["notifications"]["totalCount"], 3);
    assert!(
        viewer["notifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["readAt"].is_string())
    );
    // By ID, the owner finds their own.
    let own = app
        .data_as(
            &ada,
            "query ($id: ID!) { node(id: $id) { ... on Notification { kind } } }",
            json!({ "id": ids[0] }),
        )
        .await;
    assert_eq!(own["node"]["kind"], "PAPER_COMMENT");
}

/// Statements for one page of the inbox, with `n` notifications from `n` commenters on `n`
/// papers.
async fn inbox_statements(backend: Backend, n: usize) -> u64 {
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let owner = fixtures::user(&db, "owner").await;
    for i in 0..n {
        let paper = fixtures::paper(
            &db,
            &format!("2403.{:05}", 100 + i),
            "P",
            "x",
            &["A"],
            fixtures::now(),
            Some(owner.id),
        )
        .await;
        let commenter = fixtures::user(&db, &format!("c{i}")).await;
        fixtures::comment(&db, &paper, &commenter, None, "hi").await;
    }
    let count = app
        .statements_for(Some(&token_for(&owner)), INBOX, json!({}))
        .await;
    app.stop().await;
    count
}

storage_test!(a_page_of_notifications_costs_the_same_whatever_its_size);
async fn a_page_of_notifications_costs_the_same_whatever_its_size(backend: Backend) {
    let few = inbox_statements(backend, 3).await;
    let many = inbox_statements(backend, 12).await;
    assert_eq!(few, many, "{few} statements for 3, {many} for 12");
}

storage_test!(new_notifications_stream_to_their_owner_alone);
async fn new_notifications_stream_to_their_owner_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada_row = fixtures::user(&db, "ada").await;
    let ada = token_for(&ada_row);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    fixtures::paper(
        &db,
        "2403.00004",
        "P",
        "x",
        &["A"],
        fixtures::now(),
        Some(ada_row.id),
    )
    .await;
    let paper = app.paper_gid("2403.00004").await;
    let subscription =
        "subscription { notificationAdded { kind actor { username } paper { arxivId } } }";
    // Anonymous: refused.
    let mut anonymous = WsClient::ready(app.addr.port(), None).await;
    anonymous.subscribe("n", subscription, json!({})).await;
    let refused = anonymous.next_message().await;
    // A resolver's error: a `next` with the error, then `complete`.
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );

    let mut ada_ws = WsClient::ready(app.addr.port(), Some(&ada)).await;
    let mut bob_ws = WsClient::ready(app.addr.port(), Some(&bob)).await;
    for ws in [&mut ada_ws, &mut bob_ws] {
        ws.subscribe("n", subscription, json!({})).await;
        ws.send(json!({ "type": "ping" })).await;
        assert_eq!(ws.next_message().await["type"], "pong");
    }
    app.data_as(&bob, COMMENT, json!({ "p": paper, "body": "hello" }))
        .await;
    let data = ada_ws.next_data("n").await;
    assert_eq!(
        data["notificationAdded"],
        json!({ "kind": "PAPER_COMMENT", "actor": { "username": "bob" },
            "paper": { "arxivId": "2403.00004" } })
    );
    // Bob, who commented, hears nothing: the next thing on his socket is the pong of a ping.
    bob_ws.send(json!({ "type": "ping" })).await;
    assert_eq!(bob_ws.next_message().await["type"], "pong");
}
