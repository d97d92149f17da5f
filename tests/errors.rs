//! Errors reach clients only through the closed set of codes; internals never leak.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::storage_test;
use crate::support::Backend;
use crate::support::{TestApp, error_codes};

storage_test!(a_database_error_reaches_the_client_only_as_a_generic_internal_error);
async fn a_database_error_reaches_the_client_only_as_a_generic_internal_error(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let db = app.db.connect().await;
    db.execute_unprepared("ALTER TABLE papers RENAME TO papers_gone")
        .await
        .expect("rename");

    let response = app
        .post_raw()
        .json(
            &json!({ "query": "{ papers(first: 5) { totalCount edges { node { title } } } \
            paper(arxivId: \"2309.00916\") { title } }" }),
        )
        .send()
        .await
        .expect("request");
    let text = response.text().await.expect("body");
    let body: serde_json::Value = serde_json::from_str(&text).expect("json");
    let codes = error_codes(&body);
    assert!(!codes.is_empty(), "{body}");
    assert!(codes.iter().all(|c| c == "INTERNAL_SERVER_ERROR"), "{body}");
    for error in body["errors"].as_array().expect("errors") {
        assert_eq!(error["message"], "internal server error");
    }
    let lower = text.to_lowercase();
    for leak in [
        "papers_gone",
        "select",
        "no such table",
        "relation",
        "sqlx",
        "sqlite",
        "postgres",
        ".rs",
    ] {
        assert!(!lower.contains(leak), "{leak:?} leaked: {text}");
    }
}

storage_test!(ready_fails_when_the_database_is_gone);
async fn ready_fails_when_the_database_is_gone(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--db-acquire-timeout-ms", "500"]).await;
    let ready = app
        .client
        .get(app.url("/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), StatusCode::OK);
    app.db.destroy().await;
    let ready = app
        .client
        .get(app.url("/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "the process itself is alive"
    );
}
