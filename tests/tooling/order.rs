//! Every response map follows the query's order (the spec's CollectFields), at every level, in
//! batches, whatever resolves first: loader fields, counts and plain fields interleaved.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, now};
use crate::support::{Backend, TestApp};

const FEED: &str = r#"
query Feed {
  papers(first: 5, orderBy: SUBMITTED_AT) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        upvoteCount
        authors { name author { papers(first: 1) { totalCount } id paperCount } position }
        title
        ...Counts
        comments(first: 5) {
          totalCount
          edges {
            node {
              body
              replies(first: 3) {
                totalCount
                edges { node { id author { username } body } }
              }
              author { username }
              upvoteCount
              viewerHasUpvoted
            }
          }
        }
        viewerHasUpvoted
        id
        submittedBy { username }
        late: arxivId
      }
      cursor
    }
    totalCount
  }
  ping: __typename
  viewer { username }
}
fragment Counts on Paper { commentCount collections(first: 2) { totalCount } }
"#;

/// The keys of an object, in the order the response lists them.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|map| map.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn items(connection: &Value) -> Vec<&Value> {
    connection["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| &e["node"]).collect())
        .unwrap_or_default()
}

/// Checks the whole feed answer, at every level.
fn assert_feed_order(data: &Value) {
    assert_eq!(keys(data), ["papers", "ping", "viewer"]);
    let papers = &data["papers"];
    assert_eq!(keys(papers), ["pageInfo", "edges", "totalCount"]);
    assert_eq!(keys(&papers["pageInfo"]), ["hasNextPage", "endCursor"]);
    let edges = papers["edges"].as_array().expect("edges");
    assert!(edges.len() >= 2, "the feed has papers");
    let mut replies_seen = 0;
    for edge in edges {
        assert_eq!(keys(edge), ["node", "cursor"]);
        let paper = &edge["node"];
        assert_eq!(
            keys(paper),
            [
                "upvoteCount",
                "authors",
                "title",
                "commentCount",
                "collections",
                "comments",
                "viewerHasUpvoted",
                "id",
                "submittedBy",
                "late"
            ]
        );
        for author in paper["authors"].as_array().expect("authors") {
            assert_eq!(keys(author), ["name", "author", "position"]);
            assert_eq!(keys(&author["author"]), ["papers", "id", "paperCount"]);
        }
        assert_eq!(keys(&paper["comments"]), ["totalCount", "edges"]);
        for comment in items(&paper["comments"]) {
            assert_eq!(
                keys(comment),
                [
                    "body",
                    "replies",
                    "author",
                    "upvoteCount",
                    "viewerHasUpvoted"
                ]
            );
            assert_eq!(keys(&comment["replies"]), ["totalCount", "edges"]);
            for reply in items(&comment["replies"]) {
                assert_eq!(keys(reply), ["id", "author", "body"]);
                replies_seen += 1;
            }
        }
    }
    assert!(replies_seen > 0, "the data reaches the third level");
}

storage_test!(response_maps_follow_the_query_at_every_level);
async fn response_maps_follow_the_query_at_every_level(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let viewer = fixtures::user(&db, "reader").await;
    let token = fixtures::token_for(&viewer);
    for i in 0..3 {
        let names = ["Ada Lovelace", "Alan Turing", "Grace Hopper"];
        let paper = fixtures::paper(
            &db,
            &format!("2401.0000{i}"),
            &format!("Paper {i}"),
            "An abstract.",
            &names[..=i],
            now(),
            Some(viewer.id),
        )
        .await;
        fixtures::upvote(&db, &viewer, &paper).await;
        let top = fixtures::comment(&db, &paper, &viewer, None, "top").await;
        fixtures::comment(&db, &paper, &viewer, Some(&top), "reply").await;
    }
    // Loader fields finish at different times from run to run: ask several times.
    for _ in 0..5 {
        let data = app.data_as(&token, FEED, json!({})).await;
        assert_feed_order(&data);
    }
    app.stop().await;
}

storage_test!(fragments_interfaces_and_batches_keep_the_query_order);
async fn fragments_interfaces_and_batches_keep_the_query_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "writer").await;
    let paper = fixtures::paper(&db, "2402.00001", "T", "A.", &["Ada"], now(), None).await;
    fixtures::comment(&db, &paper, &user, None, "hello").await;
    let id = app
        .data("{ paper(arxivId: \"2402.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    // A field first named inside a fragment keeps that place; a fragment on another type adds
    // nothing; `@skip` drops its field; an interface answers in its concrete type's order.
    let query = r#"
      query Node($id: ID!, $no: Boolean!) {
        node(id: $id) {
          ... on Collection { slug title }
          ... on Paper { commentCount ...Late title }
          skipped: id @skip(if: $no)
          id
          __typename
        }
        first: paper(arxivId: "2402.00001") { comments { edges { node { upvoteCount body } } } id }
      }
      fragment Late on Paper { arxivId upvoteCount commentCount }
    "#;
    let variables = json!({ "id": id, "no": true });
    let batch = json!([
        { "query": query, "variables": variables },
        { "query": "{ ping: __typename paper(arxivId: \"2402.00001\") { upvoteCount title } }" },
    ]);
    for _ in 0..3 {
        let bodies: Value = app
            .post_raw()
            .json(&batch)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON");
        let first = &bodies[0]["data"];
        assert_eq!(keys(first), ["node", "first"]);
        assert_eq!(
            keys(&first["node"]),
            [
                "commentCount",
                "arxivId",
                "upvoteCount",
                "title",
                "id",
                "__typename"
            ]
        );
        assert_eq!(keys(&first["first"]), ["comments", "id"]);
        let comment = &first["first"]["comments"]["edges"][0]["node"];
        assert_eq!(keys(comment), ["upvoteCount", "body"]);
        let second = &bodies[1]["data"];
        assert_eq!(keys(second), ["ping", "paper"]);
        assert_eq!(keys(&second["paper"]), ["upvoteCount", "title"]);
    }
    app.stop().await;
}

storage_test!(each_subscription_event_keeps_the_query_order);
async fn each_subscription_event_keeps_the_query_order(backend: Backend) {
    use crate::support::ws::WsClient;
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let reader = fixtures::user(&db, "watcher").await;
    let token = fixtures::token_for(&reader);
    fixtures::paper(&db, "2403.00001", "T", "A.", &["Ada", "Alan"], now(), None).await;
    let id = app.paper_gid("2403.00001").await;
    let mut client = WsClient::ready(app.addr.port(), Some(&token)).await;
    // Loader fields (authors, the viewer's upvote, the submitter) before and among plain ones.
    let query = "subscription ($id: ID!) { paperUpdated(id: $id) { authors { name position } \
                 viewerHasUpvoted upvoteCount submittedBy { username } arxivId ...Late } } \
                 fragment Late on Paper { commentCount title }";
    client.subscribe("p", query, json!({ "id": id })).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(client.next_message().await["type"], "pong");
    let upvote = "mutation ($p: ID!) { upvotePaper(paperId: $p) { id } }";
    let withdraw = "mutation ($p: ID!) { removePaperUpvote(paperId: $p) { id } }";
    for round in 0..4 {
        let mutation = if round % 2 == 0 { upvote } else { withdraw };
        app.data_as(&token, mutation, json!({ "p": id })).await;
        let event = client.next_data("p").await;
        let paper = &event["paperUpdated"];
        assert_eq!(
            keys(paper),
            [
                "authors",
                "viewerHasUpvoted",
                "upvoteCount",
                "submittedBy",
                "arxivId",
                "commentCount",
                "title"
            ]
        );
        for author in paper["authors"].as_array().expect("authors") {
            assert_eq!(keys(author), ["name", "position"]);
        }
    }
    app.stop().await;
}
