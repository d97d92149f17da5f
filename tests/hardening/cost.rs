//! A query costs what it would read: page sizes multiply. Fan-outs are refused before a row is
//! read, real pages pass, a batch shares one budget, and nested lists are loaded in batches
//! whatever their page arguments.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

/// The 50-paper feed of the site's front page, as `bench/run.sh` asks it.
const FEED: &str = "query { dailyPapers(first: 50) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id arxivId title abstract authorCount authors { name author { id } user
  { username } }
  publishedAt submittedAt upvoteCount commentCount viewerHasUpvoted trendingScore githubRepo
  submittedBy { username displayName avatarUrl } } } } }";

/// A paper's page: its collections and 20 comments with 20 replies each.
const PAPER_PAGE: &str = "query { paper(arxivId: \"2401.00000\") { id title abstract authors {
name }
  upvoteCount viewerHasUpvoted commentCount collections(first: 10) { edges { node { slug title } } }
  comments(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { node {
    id bodyHtml createdAt editedAt isDeleted upvoteCount viewerHasUpvoted replyCount author {
    username avatarUrl }
    replies(first: 20) { pageInfo { hasNextPage } edges { node {
      id bodyHtml createdAt upvoteCount viewerHasUpvoted author { username avatarUrl } } } } }
      } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_outs_are_refused_before_anything_runs_and_real_pages_pass() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = app.db.connect().await;
    let viewer = token_for(&fixtures::user(&db, "viewer").await);
    let refused = [
        "{ papers(first: 100) { edges { node { comments(first: 100) { edges { node { \
            replies(first: 100) { edges { node { id } } } } } } } } } }",
        "{ papers { edges { node { upvoters { edges { node { upvotedPapers { edges { node { id } \
            } } } } } } } } }",
        "{ collections(first: 100) { edges { node { items(first: 100) { edges { node { paper { \
            upvoters(first: 100) { totalCount } } } } } } } } }",
    ];
    for query in refused {
        let body = app.gql_as(&viewer, query, json!({})).await;
        assert_eq!(
            error_codes(&body),
            ["GRAPHQL_VALIDATION_FAILED"],
            "{query}: {body}"
        );
        assert!(body["data"].is_null(), "{body}");
    }
    // The same fan-out with page sizes given as variables is counted the same way.
    let body = app.gql_as(&viewer,
        "query ($n: Int) { papers(first: $n) { edges { node { comments(first: $n) { edges { node \
            { replies(first: $n) { edges { node { id } } } } } } } } } }",
        json!({ "n": 100 })).await;
    assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"], "{body}");
    for query in [FEED, PAPER_PAGE] {
        let body = app.gql_as(&viewer, query, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operations_of_a_batch_share_one_budget() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--max-complexity", "200"]).await;
    // Each costs 1 + 100 × (1 + 1 + 1) = 301 > 200 alone; at 20 papers, 61 each.
    let one = json!({ "query": "{ papers(first: 20) { edges { node { id } } } }" });
    let response = app
        .post_raw()
        .json(&json!([one, one, one]))
        .send()
        .await
        .expect("request");
    let bodies: Vec<Value> = response.json().await.expect("JSON");
    assert!(
        bodies.iter().all(|b| b.get("errors").is_none()),
        "{bodies:?}"
    );
    let response = app
        .post_raw()
        .json(&json!([one, one, one, one]))
        .send()
        .await
        .expect("request");
    let bodies: Vec<Value> = response.json().await.expect("JSON");
    assert!(
        bodies[..3].iter().all(|b| b.get("errors").is_none()),
        "{bodies:?}"
    );
    assert_eq!(
        error_codes(&bodies[3]),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{bodies:?}"
    );
    // Alone, the same operation passes again: the budget is per request.
    let body = app
        .gql("{ papers(first: 20) { edges { node { id } } } }", json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let body = app
        .gql(
            "{ papers(first: 100) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"], "{body}");
}

/// Every nested list, with any page arguments and its `totalCount`, costs a fixed number of
/// statements whatever the number of parents on the page.
async fn nested_list_statements(backend: Backend, n: usize) -> u64 {
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let viewer = fixtures::user(&db, "viewer").await;
    let mut users = Vec::new();
    for i in 0..n {
        let user = fixtures::user(&db, &format!("user{i}")).await;
        let paper = fixtures::paper(
            &db,
            &format!("2401.{i:05}"),
            &format!("Paper {i}"),
            "x",
            &[&format!("Author {i}"), "Shared Author"],
            fixtures::earlier_today() - Duration::minutes(i as i64),
            Some(user.id),
        )
        .await;
        fixtures::upvote(&db, &user, &paper).await;
        fixtures::upvote(&db, &viewer, &paper).await;
        fixtures::collection(&db, &user, &format!("List {i}"), false, &[&paper]).await;
        for c in 0..3 {
            let top = fixtures::comment(&db, &paper, &user, None, &format!("top {c}")).await;
            for r in 0..3 {
                fixtures::comment(&db, &paper, &viewer, Some(&top), &format!("reply {r}")).await;
            }
        }
        users.push(api::ids::Global::global(user.id));
    }
    let papers = "{ papers(first: 50, orderBy: SUBMITTED_AT) { edges { node { id
        comments(first: 2, orderBy: NEWEST) { totalCount edges { cursor node { body
          replies(first: 2) { totalCount edges { node { body } } }
          r2: replies(last: 1) { edges { node { body } } } } } }
        c2: comments(first: 1, orderBy: TOP) { edges { node { id } } }
        upvoters(first: 1) { totalCount edges { node { username } } }
        collections(first: 1) { totalCount edges { node { slug items(first: 1) { totalCount
        edges { node { position } } } } } }
        authors { author { papers(first: 1) { totalCount edges { node { id } } } } } } } } }";
    let people = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on User {
        upvotedPapers(first: 1) { totalCount edges { node { id } } }
        submittedPapers(first: 1) { totalCount edges { node { id } } }
        authoredPapers(first: 1) { totalCount edges { node { id } } }
        comments(first: 1) { totalCount edges { node { id } } }
        collections(first: 1) { totalCount edges { node { id } } } } } }";
    let token = token_for(&viewer);
    let count = app.statements_for(Some(&token), papers, json!({})).await
        + app
            .statements_for(Some(&token), people, json!({ "ids": users }))
            .await;
    app.stop().await;
    count
}

crate::storage_test!(nested_lists_with_any_page_arguments_are_batched);
async fn nested_lists_with_any_page_arguments_are_batched(backend: Backend) {
    let few = nested_list_statements(backend, 3).await;
    let many = nested_list_statements(backend, 12).await;
    assert_eq!(
        few, many,
        "statements grow with the page: {few} for 3 parents, {many} for 12"
    );
}

#[tokio::test]
async fn every_connection_is_priced_by_the_page_it_asks_forward_or_back() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--max-complexity", "200"]).await;
    // 100 items of 2 fields each cost 1 + 100 × (1 + 1 + 1) = 301, over the budget whichever
    // way the page runs; 20 items (the default) cost 61.
    for field in [
        "papers",
        "dailyPapers",
        "collections",
        "searchPapers(query: \"x\",",
    ] {
        let call = |args: &str| match field.strip_suffix(',') {
            Some(open) => format!("{open} {args})"),
            None => format!("{field}({args})"),
        };
        for args in ["first: 100", "last: 100"] {
            let query = format!("{{ {} {{ edges {{ node {{ id }} }} }} }}", call(args));
            let body = app.gql(&query, json!({})).await;
            assert_eq!(
                error_codes(&body),
                ["GRAPHQL_VALIDATION_FAILED"],
                "{query}: {body}"
            );
        }
        let query = format!("{{ {} {{ edges {{ node {{ id }} }} }} }}", call("last: 20"));
        let body = app.gql(&query, json!({})).await;
        assert!(body.get("errors").is_none(), "{query}: {body}");
    }
    app.stop().await;
}
