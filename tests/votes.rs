//! Upvotes: idempotent, counters equal to rows under concurrency, invisible targets not found.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};
use crate::support::{TestApp, error_codes};

const UPVOTE: &str = "mutation ($id: ID!) { upvotePaper(paperId: $id) { upvoteCount \
    viewerHasUpvoted trendingScore } }";
const REMOVE: &str =
    "mutation ($id: ID!) { removePaperUpvote(paperId: $id) { upvoteCount viewerHasUpvoted } }";

async fn paper_id(app: &TestApp) -> Value {
    app.data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone()
}

async fn counts_equal_rows(app: &TestApp) -> (i64, i64) {
    let db = app.db.connect().await;
    use sea_orm::EntityTrait;
    let paper = entity::paper::Entity::find()
        .one(&db)
        .await
        .expect("q")
        .expect("paper");
    (
        i64::from(paper.upvote_count),
        app.count_rows("paper_upvotes").await,
    )
}

storage_test!(upvotes_are_idempotent_and_refresh_the_trending_score);
async fn upvotes_are_idempotent_and_refresh_the_trending_score(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "ada").await;
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let id = paper_id(&app).await;
    let token = token_for(&user);
    let before = app
        .data(
            "{ paper(arxivId: \"2401.00001\") { trendingScore } }",
            json!({}),
        )
        .await["paper"]["trendingScore"]
        .as_f64()
        .expect("score");
    let first = app.data_as(&token, UPVOTE, json!({ "id": id })).await;
    assert_eq!(first["upvotePaper"]["upvoteCount"], 1);
    assert_eq!(first["upvotePaper"]["viewerHasUpvoted"], true);
    assert!(
        first["upvotePaper"]["trendingScore"]
            .as_f64()
            .expect("score")
            > before
    );
    let again = app.data_as(&token, UPVOTE, json!({ "id": id })).await;
    assert_eq!(
        again["upvotePaper"]["upvoteCount"], 1,
        "a repeat changes nothing"
    );
    let removed = app.data_as(&token, REMOVE, json!({ "id": id })).await;
    assert_eq!(
        removed["removePaperUpvote"],
        json!({ "upvoteCount": 0, "viewerHasUpvoted": false })
    );
    let removed = app.data_as(&token, REMOVE, json!({ "id": id })).await;
    assert_eq!(removed["removePaperUpvote"]["upvoteCount"], 0);
    assert_eq!(counts_equal_rows(&app).await, (0, 0));
    // Anonymous, garbage and unknown IDs.
    assert_eq!(
        error_codes(&app.gql(UPVOTE, json!({ "id": id })).await),
        ["UNAUTHENTICATED"]
    );
    assert_eq!(
        error_codes(&app.gql_as(&token, UPVOTE, json!({ "id": "garbage" })).await),
        ["BAD_USER_INPUT"]
    );
    assert_eq!(
        error_codes(
            &app.gql_as(&token, UPVOTE, json!({ "id": "UGFwZXI6OTk5OQ" }))
                .await
        ),
        ["NOT_FOUND"]
    );
}

storage_test!(fifty_concurrent_upvotes_by_one_user_make_one_vote);
async fn fifty_concurrent_upvotes_by_one_user_make_one_vote(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "ada").await;
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let id = paper_id(&app).await;
    let token = token_for(&user);
    let votes = (0..50).map(|_| app.gql_as(&token, UPVOTE, json!({ "id": id })));
    for body in join_all(votes).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    assert_eq!(counts_equal_rows(&app).await, (1, 1));
}

storage_test!(a_hundred_users_upvoting_at_once_make_a_hundred_votes);
async fn a_hundred_users_upvoting_at_once_make_a_hundred_votes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let mut tokens = Vec::new();
    for i in 0..100 {
        tokens.push(token_for(&fixtures::user(&db, &format!("user{i}")).await));
    }
    let id = paper_id(&app).await;
    let votes = tokens
        .iter()
        .map(|t| app.gql_as(t, UPVOTE, json!({ "id": id })));
    for body in join_all(votes).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    assert_eq!(counts_equal_rows(&app).await, (100, 100));
}

storage_test!(interleaved_upvote_and_remove_storms_keep_the_count_equal_to_the_rows);
async fn interleaved_upvote_and_remove_storms_keep_the_count_equal_to_the_rows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let mut tokens = Vec::new();
    for i in 0..10 {
        tokens.push(token_for(&fixtures::user(&db, &format!("user{i}")).await));
    }
    let id = paper_id(&app).await;
    let storm = (0..120).map(|i| {
        let token = &tokens[i % tokens.len()];
        let query = if (i / tokens.len()) % 2 == 0 {
            UPVOTE
        } else {
            REMOVE
        };
        app.gql_as(token, query, json!({ "id": id }))
    });
    for body in join_all(storm).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    let (count, rows) = counts_equal_rows(&app).await;
    assert_eq!(count, rows);
}

storage_test!(comments_and_collections_take_votes_but_not_another_users_private_collection);
async fn comments_and_collections_take_votes_but_not_another_users_private_collection(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let bob = fixtures::user(&db, "bob").await;
    let paper = fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    fixtures::comment(&db, &paper, &alice, None, "hello").await;
    let public = fixtures::collection(&db, &alice, "Public", false, &[&paper]).await;
    let secret = fixtures::collection(&db, &alice, "Secret", true, &[&paper]).await;
    let ids = app
        .data_as(
            &token_for(&alice),
            "query ($a: String!, $b: String!) { paper(arxivId: \
        \"2401.00001\") { comments { edges { node { id } } } } a: collection(slug: $a) { id } b: \
        collection(slug: $b) { id } }",
            json!({ "a": public.slug, "b": secret.slug }),
        )
        .await;
    let comment = ids["paper"]["comments"]["edges"][0]["node"]["id"].clone();
    let bob_token = token_for(&bob);
    let data = app
        .data_as(
            &bob_token,
            "mutation ($id: ID!) { upvoteComment(commentId: $id) { \
        upvoteCount viewerHasUpvoted } }",
            json!({ "id": comment }),
        )
        .await;
    assert_eq!(
        data["upvoteComment"],
        json!({ "upvoteCount": 1, "viewerHasUpvoted": true })
    );
    let collection_vote = "mutation ($id: ID!) { upvoteCollection(collectionId: $id) { \
        upvoteCount viewerHasUpvoted } }";
    let data = app
        .data_as(&bob_token, collection_vote, json!({ "id": ids["a"]["id"] }))
        .await;
    assert_eq!(
        data["upvoteCollection"],
        json!({ "upvoteCount": 1, "viewerHasUpvoted": true })
    );
    let before = app.count_rows("collection_upvotes").await;
    let body = app
        .gql_as(&bob_token, collection_vote, json!({ "id": ids["b"]["id"] }))
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"]);
    assert_eq!(app.count_rows("collection_upvotes").await, before);
    // The owner may vote on their own private collection.
    let data = app
        .data_as(
            &token_for(&alice),
            collection_vote,
            json!({ "id": ids["b"]["id"] }),
        )
        .await;
    assert_eq!(data["upvoteCollection"]["upvoteCount"], 1);
}
