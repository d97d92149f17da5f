//! Anonymous GET queries may be cached by anyone for a while; nothing else may.

use serde_json::json;

use crate::storage_test;
use crate::support::fixtures;
use crate::support::{Backend, TestApp};

/// `Cache-Control` and `Vary` of a GET query, with or without a token.
async fn get_headers(app: &TestApp, query: &str, token: Option<&str>) -> (String, String) {
    let mut request = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .query(&[("query", query)]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    (header("cache-control"), header("vary"))
}

storage_test!(anonymous_get_queries_are_public_for_max_age_and_nothing_else_is);
async fn anonymous_get_queries_are_public_for_max_age_and_nothing_else_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "reader").await;
    let token = fixtures::token_for(&user);
    let feed = "{ dailyPapers { totalCount } }";

    let (cache, vary) = get_headers(&app, feed, None).await;
    assert_eq!(cache, "public, max-age=30");
    assert_eq!(vary, "Accept, Authorization");

    let private = "private, no-store";
    assert_eq!(
        get_headers(&app, feed, Some(&token)).await.0,
        private,
        "a viewer"
    );
    let invalid = "{ noSuchField }";
    assert_eq!(
        get_headers(&app, invalid, None).await.0,
        private,
        "an error"
    );
    let field_error = "{ papers(first: 1, after: \"not-a-cursor\") { totalCount } }";
    assert_eq!(
        get_headers(&app, field_error, None).await.0,
        private,
        "a field error"
    );
    let post = app
        .post_raw()
        .json(&json!({ "query": feed }))
        .send()
        .await
        .expect("request");
    assert_eq!(post.headers()["cache-control"], private, "POST");
    assert_eq!(post.headers()["vary"], "Accept, Authorization");
    app.stop().await;
}

storage_test!(max_age_is_configurable_and_zero_turns_caching_off);
async fn max_age_is_configurable_and_zero_turns_caching_off(backend: Backend) {
    let feed = "{ dailyPapers { totalCount } }";
    let app = TestApp::spawn_with(backend, &["--no-demo", "--cache-max-age", "120"]).await;
    assert_eq!(get_headers(&app, feed, None).await.0, "public, max-age=120");
    app.stop().await;
    let app = TestApp::spawn_with(backend, &["--no-demo", "--cache-max-age", "0"]).await;
    assert_eq!(get_headers(&app, feed, None).await.0, "private, no-store");
    app.stop().await;
}
