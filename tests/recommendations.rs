//! Papers for you and "also upvoted": co-upvotes, what the reader follows, the trending list for
//! a new reader; never what they upvoted or collected; the owner's alone.

use chrono::Duration;
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

const RECOMMENDED: &str = "query ($since: DateTime) { viewer { recommendedPapers(first: 20, \
    since: $since) { totalCount nodes { arxivId } } } }";

fn ids(list: &Value) -> Vec<String> {
    list["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|p| p["arxivId"].as_str().expect("id").to_owned())
        .collect()
}

storage_test!(co_upvotes_recommend_what_like_minded_readers_upvoted);
async fn co_upvotes_recommend_what_like_minded_readers_upvoted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let now = fixtures::now();
    let mut papers = Vec::new();
    for (i, hours) in [10, 9, 8, 7, 6, 5].iter().enumerate() {
        let id = format!("2401.0000{i}");
        papers.push(
            fixtures::paper(
                &db,
                &id,
                &id,
                "x",
                &["A"],
                now - Duration::hours(*hours),
                None,
            )
            .await,
        );
    }
    let viewer = fixtures::user(&db, "viewer").await;
    let peers = [
        fixtures::user(&db, "p1").await,
        fixtures::user(&db, "p2").await,
        fixtures::user(&db, "p3").await,
    ];
    // Everyone upvoted paper 0; all peers paper 1, one of them paper 2; paper 3 is the viewer's
    // collected one, upvoted by all peers too; papers 4 and 5 nobody shares with the viewer.
    fixtures::upvote(&db, &viewer, &papers[0]).await;
    for peer in &peers {
        fixtures::upvote(&db, peer, &papers[0]).await;
        fixtures::upvote(&db, peer, &papers[1]).await;
        fixtures::upvote(&db, peer, &papers[3]).await;
    }
    fixtures::upvote(&db, &peers[0], &papers[2]).await;
    let stranger = fixtures::user(&db, "stranger").await;
    fixtures::upvote(&db, &stranger, &papers[4]).await;
    fixtures::collection(&db, &viewer, "Mine", true, &[&papers[3]]).await;
    let token = token_for(&viewer);
    let list =
        app.data_as(&token, RECOMMENDED, json!({})).await["viewer"]["recommendedPapers"].clone();
    assert_eq!(ids(&list), ["2401.00001", "2401.00002"], "{list}");
    assert_eq!(list["totalCount"], 2);
    // `since` keeps the papers that reached the feed after it.
    let since = (now - Duration::hours(8) - Duration::minutes(30)).to_rfc3339();
    let later = app
        .data_as(&token, RECOMMENDED, json!({ "since": since }))
        .await;
    assert_eq!(ids(&later["viewer"]["recommendedPapers"]), ["2401.00002"]);
    // Readers of paper 0 also upvoted 1 and 3 (all three peers) before 2 (one); never 0 itself.
    let also = app
        .data(
            "{ paper(arxivId: \"2401.00000\") { alsoUpvoted(first: 5) { totalCount nodes { arxivId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&also["paper"]["alsoUpvoted"]),
        ["2401.00003", "2401.00001", "2401.00002"]
    );
    let two = app
        .data(
            "{ paper(arxivId: \"2401.00000\") { alsoUpvoted(first: 2) { pageInfo { hasNextPage } nodes { arxivId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(two["paper"]["alsoUpvoted"]["pageInfo"]["hasNextPage"], true);
    let body = app
        .gql(
            "{ paper(arxivId: \"2401.00000\") { alsoUpvoted(first: 0) { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    // Another reader's recommendations are theirs alone.
    let others = "{ user(username: \"viewer\") { recommendedPapers { totalCount } } }";
    assert_eq!(
        app.data_as(&token_for(&stranger), others, json!({})).await["user"]["recommendedPapers"],
        Value::Null
    );
    assert_eq!(
        app.data(others, json!({})).await["user"]["recommendedPapers"],
        Value::Null
    );
}

storage_test!(a_new_reader_gets_the_trending_list_and_follows_shape_it);
async fn a_new_reader_gets_the_trending_list_and_follows_shape_it(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let db = app.db.connect().await;
    let newcomer = fixtures::user(&db, "newcomer").await;
    let token = token_for(&newcomer);
    let list =
        app.data_as(&token, RECOMMENDED, json!({})).await["viewer"]["recommendedPapers"].clone();
    let trending = app
        .data(
            "{ papers(orderBy: TRENDING, first: 20) { nodes { arxivId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&list),
        ids(&trending["papers"]),
        "cold start: the trending list"
    );
    // Following a topic brings its papers forward.
    let topic = app
        .data("{ topic(slug: \"cs.RO\") { id paperCount } }", json!({}))
        .await["topic"]
        .clone();
    assert!(topic["paperCount"].as_i64() >= Some(1));
    app.data_as(
        &token,
        "mutation ($id: ID!) { follow(targetId: $id) { __typename } }",
        json!({ "id": topic["id"] }),
    )
    .await;
    let list =
        app.data_as(&token, RECOMMENDED, json!({})).await["viewer"]["recommendedPapers"].clone();
    let robots = app
        .data(
            "{ topic(slug: \"cs.RO\") { papers { nodes { arxivId } } } }",
            json!({}),
        )
        .await;
    let robots = ids(&robots["topic"]["papers"]);
    let first: Vec<String> = ids(&list).into_iter().take(robots.len()).collect();
    assert!(
        robots.iter().all(|id| first.contains(id)),
        "the followed topic's papers lead: {first:?} {robots:?}"
    );
}
