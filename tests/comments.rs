//! Comment threads: top-level order, nested replies, tombstones.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;
use crate::support::fixtures;

const THREAD: &str = "query ($order: CommentOrder) { paper(arxivId: \"2401.00001\") { commentCount
  comments(orderBy: $order) { totalCount edges { node { body bodyHtml isDeleted author { username } replyCount
    replies { totalCount edges { node { body parent { body } } } } } } } } }";

fn bodies(data: &Value) -> Vec<String> {
    data["paper"]["comments"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["body"].as_str().expect("body").to_owned())
        .collect()
}

storage_test!(threads_nest_replies_and_order_top_level_comments);
async fn threads_nest_replies_and_order_top_level_comments(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let bob = fixtures::user(&db, "bob").await;
    let paper = fixtures::paper(
        &db,
        "2401.00001",
        "One",
        "x",
        &["A"],
        fixtures::now() - Duration::hours(1),
        None,
    )
    .await;
    let first = fixtures::comment(&db, &paper, &alice, None, "first").await;
    let second = fixtures::comment(&db, &paper, &bob, None, "second <script>x</script>").await;
    fixtures::comment(&db, &paper, &bob, Some(&first), "reply to first").await;
    // Upvotes on the second make it top.
    let mut top: entity::comment::ActiveModel = second.clone().into();
    top.upvote_count = Set(5);
    top.update(&db).await.expect("votes");

    let oldest = app.data(THREAD, json!({})).await;
    assert_eq!(bodies(&oldest), ["first", "second <script>x</script>"]);
    assert_eq!(oldest["paper"]["commentCount"], 3);
    assert_eq!(
        oldest["paper"]["comments"]["totalCount"], 2,
        "top level only"
    );
    let replies = &oldest["paper"]["comments"]["edges"][0]["node"]["replies"];
    assert_eq!(replies["edges"][0]["node"]["body"], "reply to first");
    assert_eq!(replies["edges"][0]["node"]["parent"]["body"], "first");
    assert!(
        !oldest["paper"]["comments"]["edges"][1]["node"]["bodyHtml"]
            .as_str()
            .expect("html")
            .contains("<script")
    );
    assert_eq!(
        bodies(&app.data(THREAD, json!({ "order": "NEWEST" })).await),
        ["second <script>x</script>", "first"]
    );
    assert_eq!(
        bodies(&app.data(THREAD, json!({ "order": "TOP" })).await),
        ["second <script>x</script>", "first"]
    );

    // A deleted comment reads as a tombstone and keeps its replies.
    let mut deleted: entity::comment::ActiveModel = first.into();
    deleted.deleted_at = Set(Some(fixtures::now()));
    deleted.update(&db).await.expect("delete");
    let data = app.data(THREAD, json!({})).await;
    let tombstone = &data["paper"]["comments"]["edges"][0]["node"];
    assert_eq!(tombstone["isDeleted"], true);
    assert_eq!(tombstone["body"], "");
    assert_eq!(tombstone["author"], Value::Null);
    assert_eq!(tombstone["replies"]["totalCount"], 1);
}
