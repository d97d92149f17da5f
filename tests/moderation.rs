//! Reports and the moderation queue: one open report per user and comment, the queue, pending
//! claims and the log for moderators only, hiding through a report (resolving every open report
//! on the comment), dismissing, unhiding, the reason shown to the author, and every act logged.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes, papers_bin};

const REPORT: &str = "mutation ($c: ID!, $r: ReportReason!, $d: String) { reportComment(input: { \
    commentId: $c, reason: $r, details: $d }) { id status reason details reporter { username } \
    comment { id } } }";
const RESOLVE: &str = "mutation ($id: ID!, $hide: Boolean!, $reason: String) { resolveReport(id: \
    $id, hide: $hide, reason: $reason) { status resolvedBy { username } resolvedAt } }";
const QUEUE: &str = "{ reports { totalCount edges { node { id reason status comment { id } } } } }";
const LOG: &str = "{ moderationLog(first: 50) { totalCount edges { node { action targetId reason \
    moderator { username } } } } }";
const HIDDEN_REASON: &str = "query ($p: String!) { paper(arxivId: $p) { comments(first: 10) { \
    edges { node { id hiddenReason } } } } }";

fn log_entries(data: &Value) -> Vec<String> {
    data["moderationLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} by {}",
                e["node"]["action"].as_str().unwrap(),
                e["node"]["moderator"]["username"].as_str().unwrap()
            )
        })
        .collect()
}

/// `hiddenReason` of a comment of paper 2404.00001, as the token's user reads it.
async fn hidden_reason(app: &TestApp, token: &str, comment: &str) -> Value {
    let data = app
        .data_as(token, HIDDEN_REASON, json!({ "p": "2404.00001" }))
        .await;
    data["paper"]["comments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["id"] == comment)
        .map(|e| e["node"]["hiddenReason"].clone())
        .unwrap()
}

storage_test!(reports_go_to_a_queue_that_moderators_alone_work_and_every_act_is_logged);
async fn reports_go_to_a_queue_that_moderators_alone_work_and_every_act_is_logged(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let carol_row = fixtures::user(&db, "carol").await;
    let carol = token_for(&carol_row);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let dave = token_for(&fixtures::user(&db, "dave").await);
    let (_, mo) = fixtures::moderator(&db, "mo").await;
    let paper = fixtures::paper(&db, "2404.00001", "P", "x", &["A"], fixtures::now(), None).await;
    let rude = fixtures::comment(&db, &paper, &carol_row, None, "rude words").await;
    let fine = fixtures::comment(&db, &paper, &carol_row, None, "fine words").await;
    let gid = |id: api::ids::CommentId| api::ids::Global::global(id);
    let (rude_id, fine_id) = (gid(rude.id), gid(fine.id));

    // Reporting: one open report per user and comment; not one's own; signed in only.
    let first = app
        .data_as(
            &bob,
            REPORT,
            json!({ "c": rude_id, "r": "ABUSE", "d": "insults" }),
        )
        .await["reportComment"]
        .clone();
    assert_eq!(first["status"], "OPEN");
    assert_eq!(first["reporter"]["username"], "bob");
    let again = app
        .gql_as(&bob, REPORT, json!({ "c": rude_id, "r": "SPAM" }))
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);
    let own = app
        .gql_as(&carol, REPORT, json!({ "c": rude_id, "r": "SPAM" }))
        .await;
    assert_eq!(error_codes(&own), ["BAD_USER_INPUT"]);
    assert_eq!(
        error_codes(&app.gql(REPORT, json!({ "c": rude_id, "r": "SPAM" })).await),
        ["UNAUTHENTICATED"]
    );
    app.data_as(&dave, REPORT, json!({ "c": rude_id, "r": "OFF_TOPIC" }))
        .await;
    let dismissable = app
        .data_as(&dave, REPORT, json!({ "c": fine_id, "r": "OTHER" }))
        .await["reportComment"]["id"]
        .clone();
    assert_eq!(app.count_rows("comment_reports").await, 3);

    // The queue, the pending claims and the log: moderators only.
    for query in [QUEUE, "{ pendingClaims { totalCount } }", LOG] {
        assert_eq!(
            error_codes(&app.gql_as(&bob, query, json!({})).await),
            ["FORBIDDEN"],
            "{query}"
        );
        assert_eq!(
            error_codes(&app.gql(query, json!({})).await),
            ["UNAUTHENTICATED"],
            "{query}"
        );
    }
    let queue = app.data_as(&mo, QUEUE, json!({})).await;
    assert_eq!(queue["reports"]["totalCount"], 3);
    let reasons: Vec<&str> = queue["reports"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["ABUSE", "OFF_TOPIC", "OTHER"], "oldest first");
    // Others cannot resolve or unhide; nothing changes.
    let refused = app
        .gql_as(&bob, RESOLVE, json!({ "id": first["id"], "hide": true }))
        .await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"]);
    let refused = app
        .gql_as(
            &bob,
            "mutation ($id: ID!) { unhideComment(id: $id) { id } }",
            json!({ "id": rude_id }),
        )
        .await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"]);
    assert_eq!(
        app.data_as(&mo, QUEUE, json!({})).await["reports"]["totalCount"],
        3
    );

    // Hiding through one report resolves both open reports on the comment.
    let resolved = app
        .data_as(
            &mo,
            RESOLVE,
            json!({ "id": first["id"], "hide": true, "reason": "abusive" }),
        )
        .await["resolveReport"]
        .clone();
    assert_eq!(resolved["status"], "HIDDEN");
    assert_eq!(resolved["resolvedBy"]["username"], "mo");
    let queue = app.data_as(&mo, QUEUE, json!({})).await;
    assert_eq!(queue["reports"]["totalCount"], 1);
    let hidden = app
        .data_as(&mo, "{ reports(status: HIDDEN) { totalCount } }", json!({}))
        .await;
    assert_eq!(hidden["reports"]["totalCount"], 2);
    let twice = app
        .gql_as(&mo, RESOLVE, json!({ "id": first["id"], "hide": false }))
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);
    // The reason: to the author and moderators only.
    assert_eq!(hidden_reason(&app, &carol, &rude_id).await, "abusive");
    assert_eq!(hidden_reason(&app, &mo, &rude_id).await, "abusive");
    assert_eq!(hidden_reason(&app, &bob, &rude_id).await, Value::Null);
    let told = app
        .data_as(
            &carol,
            "{ viewer { notifications { edges { node { kind comment { id hiddenReason } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        told["viewer"]["notifications"]["edges"][0]["node"]["kind"],
        "COMMENT_HIDDEN"
    );
    assert_eq!(
        told["viewer"]["notifications"]["edges"][0]["node"]["comment"]["hiddenReason"],
        "abusive"
    );

    // Dismissing, then unhiding.
    let dismissed = app
        .data_as(&mo, RESOLVE, json!({ "id": dismissable, "hide": false }))
        .await;
    assert_eq!(dismissed["resolveReport"]["status"], "DISMISSED");
    app.data_as(
        &mo,
        "mutation ($id: ID!) { unhideComment(id: $id) { id } }",
        json!({ "id": rude_id }),
    )
    .await;
    assert_eq!(hidden_reason(&app, &carol, &rude_id).await, Value::Null);
    let not_hidden = app
        .gql_as(
            &mo,
            "mutation ($id: ID!) { unhideComment(id: $id) { id } }",
            json!({ "id": rude_id }),
        )
        .await;
    assert_eq!(error_codes(&not_hidden), ["CONFLICT"]);

    // A claim decision and a role change at the command line are logged too.
    let claim = app
        .data_as(
            &carol,
            "mutation ($p: ID!) { claimAuthorship(input: { paperId: $p, position: 0 }) { id } }",
            json!({ "p": api::ids::Global::global(paper.id) }),
        )
        .await["claimAuthorship"]["id"]
        .clone();
    let pending = app
        .data_as(
            &mo,
            "{ pendingClaims { totalCount edges { node { id status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(pending["pendingClaims"]["edges"][0]["node"]["id"], claim);
    app.data_as(
        &mo,
        "mutation ($id: ID!) { decideAuthorshipClaim(id: $id, approve: false) { status } }",
        json!({ "id": claim }),
    )
    .await;
    let output = tokio::process::Command::new(papers_bin())
        .args(["user", "promote", "dave", "moderator", "--by", "mo"])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let log = app.data_as(&mo, LOG, json!({})).await;
    assert_eq!(
        log_entries(&log),
        [
            "set_role by mo",
            "reject_claim by mo",
            "unhide_comment by mo",
            "dismiss_report by mo",
            "hide_comment by mo"
        ],
        "newest first"
    );
    assert_eq!(
        log["moderationLog"]["edges"][4]["node"]["targetId"],
        rude_id.as_str()
    );
    assert_eq!(
        log["moderationLog"]["edges"][4]["node"]["reason"],
        "abusive"
    );
    assert_eq!(
        log["moderationLog"]["edges"][0]["node"]["reason"],
        "role: moderator"
    );

    // A user sees their own claims with their status, nobody else's.
    let mine = app
        .data_as(
            &carol,
            "{ viewer { claims { totalCount edges { node { status } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["viewer"]["claims"]["edges"][0]["node"]["status"],
        "REJECTED"
    );
    let theirs = app
        .data_as(
            &bob,
            "{ user(username: \"carol\") { claims { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(theirs["user"]["claims"]["totalCount"], 0);
}

storage_test!(reports_are_throttled_per_user_and_refused_ones_do_not_count);
async fn reports_are_throttled_per_user_and_refused_ones_do_not_count(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--throttle-reports", "2"]).await;
    let db = app.db.connect().await;
    let carol = fixtures::user(&db, "carol").await;
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let paper = fixtures::paper(&db, "2404.00009", "P", "x", &["A"], fixtures::now(), None).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let row = fixtures::comment(&db, &paper, &carol, None, &format!("c{n}")).await;
        ids.push(api::ids::Global::global(row.id));
    }
    app.data_as(&bob, REPORT, json!({ "c": ids[0], "r": "SPAM" }))
        .await;
    // A refused report (a second open one on the same comment) gives its slot back.
    let again = app
        .gql_as(&bob, REPORT, json!({ "c": ids[0], "r": "SPAM" }))
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);
    app.data_as(&bob, REPORT, json!({ "c": ids[1], "r": "SPAM" }))
        .await;
    let third = app
        .gql_as(&bob, REPORT, json!({ "c": ids[2], "r": "SPAM" }))
        .await;
    assert_eq!(error_codes(&third), ["RATE_LIMITED"]);
    assert_eq!(app.count_rows("comment_reports").await, 2);
}

storage_test!(parallel_reports_of_one_comment_by_one_user_make_one_report);
async fn parallel_reports_of_one_comment_by_one_user_make_one_report(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--rate-limits", "off"]).await;
    let db = app.db.connect().await;
    let carol = fixtures::user(&db, "carol").await;
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let paper = fixtures::paper(&db, "2404.00010", "P", "x", &["A"], fixtures::now(), None).await;
    let row = fixtures::comment(&db, &paper, &carol, None, "c").await;
    let id = api::ids::Global::global(row.id);
    let reports = (0..12).map(|_| app.gql_as(&bob, REPORT, json!({ "c": id, "r": "SPAM" })));
    let bodies = futures_util::future::join_all(reports).await;
    let accepted = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    for body in bodies.iter().filter(|b| b.get("errors").is_some()) {
        assert_eq!(error_codes(body), ["CONFLICT"], "{body}");
    }
    assert_eq!(accepted, 1);
    assert_eq!(app.count_rows("comment_reports").await, 1);
}
