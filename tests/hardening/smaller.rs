//! The smaller holes: votes on removed comments, API tokens listing API tokens, argument values
//! out of their type's range caught at validation.

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

storage_test!(removed_comments_cannot_be_upvoted);
async fn removed_comments_cannot_be_upvoted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let paper = fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let deleted = fixtures::comment(&db, &paper, &ada, None, "deleted").await;
    let hidden = fixtures::comment(&db, &paper, &ada, None, "hidden").await;
    let mut row: entity::comment::ActiveModel = deleted.clone().into();
    row.deleted_at = Set(Some(fixtures::now()));
    row.update(&db).await.expect("delete");
    let mut row: entity::comment::ActiveModel = hidden.clone().into();
    row.hidden_at = Set(Some(fixtures::now()));
    row.update(&db).await.expect("hide");
    let upvote = "mutation ($id: ID!) { upvoteComment(commentId: $id) { upvoteCount } }";
    for comment in [&deleted, &hidden] {
        let id = api::ids::Global::global(comment.id);
        let body = app.gql_as(&bob, upvote, json!({ "id": id })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "commentId");
    }
    assert_eq!(app.count_rows("comment_upvotes").await, 0);
}

storage_test!(an_api_token_cannot_list_api_tokens);
async fn an_api_token_cannot_list_api_tokens(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let session = token_for(&fixtures::user(&db, "ada").await);
    let create = "mutation { createApiToken(input: { name: \"bot\", scopes: [READ] }) { token } }";
    let api_token = app.data_as(&session, create, json!({})).await["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let list = "{ viewer { username apiTokens { name } } }";
    let body = app.gql_as(&api_token, list, json!({})).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    assert_eq!(body["data"]["viewer"]["username"], "ada");
    let body = app.data_as(&session, list, json!({})).await;
    assert_eq!(body["viewer"]["apiTokens"][0]["name"], "bot");
}

/// POSTs an operation as `token`, asking for `application/graphql-response+json`.
async fn post_as(app: &TestApp, token: &str, query: &str, variables: Value) -> (StatusCode, Value) {
    let response = app
        .post_raw()
        .bearer_auth(token)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request");
    (response.status(), response.json().await.expect("JSON"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_outside_their_type_are_refused_at_validation() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let cases = [
        ("{ papers(first: 4294967296) { totalCount } }", json!({})),
        ("{ papers(first: -2147483649) { totalCount } }", json!({})),
        (
            "query ($n: Int) { papers(first: $n) { totalCount } }",
            json!({ "n": 1_099_511_627_776_i64 }),
        ),
        (
            "query ($n: Int = 99999999999) { papers(first: $n) { totalCount } }",
            json!({}),
        ),
        ("{ dailyPapers(date: 20250101) { totalCount } }", json!({})),
        (
            "mutation { submitPaper(input: { arxivId: \"2401.00001\", title: \"T\", abstract: \
                \"A\", authors: [\"X\"], publishedAt: \"yesterday\" }) { id } }",
            json!({}),
        ),
        (
            "mutation ($d: DateTime) { submitPaper(input: { arxivId: \"2401.00001\", title: \
                \"T\", abstract: \"A\", authors: [\"X\"], publishedAt: $d }) { id } }",
            json!({ "d": "2025-13-45T00:00:00Z" }),
        ),
        (
            "mutation { addCollectionItem(input: { collectionId: \"x\", paperId: \"y\", position: \
                3000000000 }) { id } }",
            json!({}),
        ),
    ];
    for (query, variables) in cases {
        let (status, body) = post_as(&app, &ada, query, variables).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(
            error_codes(&body),
            ["GRAPHQL_VALIDATION_FAILED"],
            "{query}: {body}"
        );
        assert!(body.get("data").is_none(), "{query}: {body}");
    }
    assert_eq!(app.count_rows("papers").await, 0);
    // In range, the same fields run.
    let (status, body) = post_as(
        &app,
        &ada,
        "{ papers(first: 2147483647) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "the field's own bound: {body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
}
