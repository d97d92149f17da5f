//! Comment threads: top-level order, nested replies, tombstones.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;
use crate::support::fixtures;

const THREAD: &str = "query ($order: CommentOrder) { paper(arxivId: \"2401.00001\") { commentCount
  comments(orderBy: $order) { totalCount edges { node { body bodyHtml isDeleted author {
  username } replyCount
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

const ONE_PAPER: &str = "query ($order: CommentOrder, $first: Int, $after: String, $last: Int,
$before: String) {
  paper(arxivId: \"2401.00001\") { comments(orderBy: $order, first: $first, after: $after,
  last: $last, before: $before) {
    edges { node { body } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";

const MANY_PAPERS: &str = "query ($order: CommentOrder, $after: String) {
  papers(first: 10) { edges { node { arxivId comments(orderBy: $order, first: 3, after: $after) {
    edges { node { body } } pageInfo { hasNextPage endCursor } } } } } }";

/// The bodies of a page of the first paper's comments, from either query.
fn page_bodies(comments: &Value) -> Vec<String> {
    comments["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["body"].as_str().expect("body").to_owned())
        .collect()
}

// A lone paper's page is read straight from an index, several papers' pages at once by
// numbering each paper's rows: both must give the same pages, in every order and direction.
storage_test!(one_papers_comment_pages_match_the_batched_pages_in_every_order);
async fn one_papers_comment_pages_match_the_batched_pages_in_every_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let hour_ago = fixtures::now() - Duration::hours(1);
    let paper = fixtures::paper(&db, "2401.00001", "One", "x", &["A"], hour_ago, None).await;
    let other = fixtures::paper(&db, "2401.00002", "Two", "x", &["A"], hour_ago, None).await;
    for i in 0..8 {
        let comment = fixtures::comment(&db, &paper, &alice, None, &format!("c{i}")).await;
        fixtures::comment(&db, &paper, &alice, Some(&comment), &format!("reply {i}")).await;
        fixtures::comment(&db, &other, &alice, None, &format!("other {i}")).await;
        // Ties in upvotes, so that the tiebreak shows.
        let mut votes: entity::comment::ActiveModel = comment.into();
        votes.upvote_count = Set(i % 3);
        votes.update(&db).await.expect("votes");
    }
    for order in ["OLDEST", "NEWEST", "TOP"] {
        let all = app
            .data(ONE_PAPER, json!({ "order": order, "first": 100 }))
            .await;
        let expected = page_bodies(&all["paper"]["comments"]);
        assert_eq!(expected.len(), 8, "{order}: top-level comments only");

        // Forward in threes, alone and among other papers.
        let (mut forward, mut batched) = (Vec::new(), Vec::new());
        let (mut after, mut batched_after) = (Value::Null, Value::Null);
        loop {
            let page = app
                .data(
                    ONE_PAPER,
                    json!({ "order": order, "first": 3, "after": after }),
                )
                .await;
            let comments = &page["paper"]["comments"];
            forward.extend(page_bodies(comments));
            let many = app
                .data(
                    MANY_PAPERS,
                    json!({ "order": order, "after": batched_after }),
                )
                .await;
            let ours = many["papers"]["edges"]
                .as_array()
                .expect("papers")
                .iter()
                .find(|e| e["node"]["arxivId"] == "2401.00001")
                .expect("the paper")["node"]["comments"]
                .clone();
            batched.extend(page_bodies(&ours));
            assert_eq!(
                comments["pageInfo"]["hasNextPage"], ours["pageInfo"]["hasNextPage"],
                "{order}"
            );
            if comments["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = comments["pageInfo"]["endCursor"].clone();
            batched_after = ours["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(forward, expected, "{order} forward");
        assert_eq!(batched, expected, "{order} batched");

        // Backward in threes from the end.
        let mut backward = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = app
                .data(
                    ONE_PAPER,
                    json!({ "order": order, "last": 3, "before": before }),
                )
                .await;
            let comments = &page["paper"]["comments"];
            let mut bodies = page_bodies(comments);
            bodies.extend(backward);
            backward = bodies;
            if comments["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = comments["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(backward, expected, "{order} backward");
    }
}
