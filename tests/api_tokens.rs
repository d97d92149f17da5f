//! API tokens for integrations: shown once, scoped, revocable, `lastUsedAt` kept.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};
use crate::support::{TestApp, error_codes};

const CREATE: &str = "mutation ($name: String!, $scopes: [ApiTokenScope!]!) { \
    createApiToken(input: { name: $name, scopes: $scopes }) { token apiToken { id name scopes \
    lastUsedAt } } }";
const UPVOTE: &str = "mutation ($id: ID!) { upvotePaper(paperId: $id) { upvoteCount } }";

async fn send(app: &TestApp, token: &str, query: &str, variables: Value) -> (u16, Value) {
    let response = app
        .post_raw()
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request");
    (
        response.status().as_u16(),
        response.json().await.expect("json"),
    )
}

storage_test!(read_tokens_read_write_tokens_write_and_revoked_tokens_do_nothing);
async fn read_tokens_read_write_tokens_write_and_revoked_tokens_do_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let session = token_for(&fixtures::user(&db, "ada").await);
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let paper = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();

    let read = app
        .data_as(
            &session,
            CREATE,
            json!({ "name": "digest bot", "scopes": ["READ"] }),
        )
        .await["createApiToken"]
        .clone();
    let write = app
        .data_as(
            &session,
            CREATE,
            json!({ "name": "voter", "scopes": ["READ", "WRITE"] }),
        )
        .await["createApiToken"]
        .clone();
    let read_secret = read["token"].as_str().expect("secret").to_owned();
    let write_secret = write["token"].as_str().expect("secret").to_owned();
    assert!(read_secret.starts_with("papers_"));
    assert_eq!(read["apiToken"]["scopes"], json!(["READ"]));

    let listed = app
        .data_as(
            &session,
            "{ viewer { apiTokens { name scopes } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["viewer"]["apiTokens"],
        json!([{ "name": "voter", "scopes": ["READ", "WRITE"] }, { "name": "digest bot",
            "scopes": ["READ"] }])
    );
    let listed_text = listed.to_string();
    assert!(
        !listed_text.contains(&read_secret) && !listed_text.contains("papers_"),
        "secrets are never listed"
    );

    // READ: queries work, any mutation is FORBIDDEN and changes nothing.
    let (status, body) = send(&app, &read_secret, "{ viewer { username } }", json!({})).await;
    assert_eq!(
        (status, body["data"]["viewer"]["username"].clone()),
        (200, json!("ada"))
    );
    let (status, body) = send(&app, &read_secret, UPVOTE, json!({ "id": paper })).await;
    assert_eq!(
        (status, error_codes(&body)),
        (403, vec!["FORBIDDEN".to_owned()])
    );
    assert_eq!(app.count_rows("paper_upvotes").await, 0);
    // WRITE: mutations work as the owner.
    let (status, body) = send(&app, &write_secret, UPVOTE, json!({ "id": paper })).await;
    assert_eq!(
        (status, body["data"]["upvotePaper"]["upvoteCount"].clone()),
        (200, json!(1))
    );
    // A token cannot make tokens.
    let (_, body) = send(
        &app,
        &write_secret,
        CREATE,
        json!({ "name": "child", "scopes": ["WRITE"] }),
    )
    .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    // Use is recorded.
    let used = app
        .data_as(
            &session,
            "{ viewer { apiTokens { name lastUsedAt } } }",
            json!({}),
        )
        .await;
    assert!(
        used["viewer"]["apiTokens"][0]["lastUsedAt"].is_string(),
        "{used}"
    );

    // Revoked: refused, never anonymous.
    let revoke = "mutation ($id: ID!) { revokeApiToken(id: $id) }";
    assert_eq!(
        app.data_as(&session, revoke, json!({ "id": write["apiToken"]["id"] }))
            .await["revokeApiToken"],
        true
    );
    let (status, body) = send(&app, &write_secret, "{ viewer { username } }", json!({})).await;
    assert_eq!(
        (status, error_codes(&body)),
        (401, vec!["UNAUTHENTICATED".to_owned()])
    );

    // Bad input changes nothing.
    let before = app.count_rows("api_tokens").await;
    for (variables, field) in [
        (json!({ "name": "", "scopes": ["READ"] }), "name"),
        (json!({ "name": "x", "scopes": [] }), "scopes"),
    ] {
        let body = app.gql_as(&session, CREATE, variables).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(app.count_rows("api_tokens").await, before);
    // Another user's view shows no tokens.
    let other = token_for(&fixtures::user(&db, "bob").await);
    let seen = app
        .data_as(
            &other,
            "{ user(username: \"ada\") { apiTokens { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(seen["user"]["apiTokens"], Value::Null);
}
