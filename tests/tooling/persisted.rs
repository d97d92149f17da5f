//! Automatic persisted queries as Apollo Client and Relay send them, over POST and GET.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::storage_test;
use crate::support::fixtures::{self, now};
use crate::support::{Backend, TestApp, error_codes};

fn sha256(query: &str) -> String {
    hex::encode(Sha256::digest(query.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app
        .post_raw()
        .header("accept", "application/graphql-response+json")
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

async fn get(app: &TestApp, pairs: &[(&str, String)]) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .query(pairs)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.expect("JSON"))
}

storage_test!(a_hash_alone_is_unknown_until_sent_with_its_query_then_works_over_post_and_get);
async fn a_hash_alone_is_unknown_until_sent_with_its_query_then_works_over_post_and_get(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    fixtures::paper(&db, "2403.00001", "Persisted", "A.", &["Ada"], now(), None).await;
    let query = "query Feed($n: Int) { papers(first: $n) { totalCount edges { node { title } } } }";
    let hash = sha256(query);

    // The first try: the hash alone, unknown.
    let (status, body) = post(&app, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(error_codes(&body), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        status, 400,
        "no data: a request error under graphql-response+json"
    );

    // The retry: hash and query; it runs and is kept.
    let variables = json!({ "n": 1 });
    let (status, body) = post(
        &app,
        json!({ "query": query, "variables": variables, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["papers"]["totalCount"], 1);

    // From now on the hash alone runs it, over POST…
    let (status, body) = post(
        &app,
        json!({ "variables": variables, "operationName": "Feed", "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["papers"]["edges"][0]["node"]["title"],
        "Persisted"
    );

    // …and over GET, as a short URL.
    let (status, _, body) = get(
        &app,
        &[
            ("extensions", persisted(&hash).to_string()),
            ("variables", variables.to_string()),
            ("operationName", "Feed".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["papers"]["totalCount"], 1);
    app.stop().await;
}

storage_test!(a_hash_that_does_not_match_its_query_is_refused_and_not_kept);
async fn a_hash_that_does_not_match_its_query_is_refused_and_not_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let query = "{ papers { totalCount } }";
    let wrong = sha256("{ somethingElse }");
    let (_, body) = post(
        &app,
        json!({ "query": query, "extensions": persisted(&wrong) }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    let (_, body) = post(&app, json!({ "extensions": persisted(&wrong) })).await;
    assert_eq!(
        error_codes(&body),
        ["PERSISTED_QUERY_NOT_FOUND"],
        "nothing was kept"
    );
    // Malformed extensions are the client's error, not a miss.
    for extensions in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256(query) } }),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "not-a-hash" } }),
    ] {
        let (status, body) = post(&app, json!({ "extensions": extensions })).await;
        assert_eq!(status, 400);
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    }
    // A query that fails validation is not kept under its (correct) hash.
    let broken = "{ noSuchField }";
    let (_, body) = post(
        &app,
        json!({ "query": broken, "extensions": persisted(&sha256(broken)) }),
    )
    .await;
    assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"]);
    let (_, body) = post(&app, json!({ "extensions": persisted(&sha256(broken)) })).await;
    assert_eq!(error_codes(&body), ["PERSISTED_QUERY_NOT_FOUND"]);
    app.stop().await;
}

storage_test!(a_persisted_mutation_still_needs_post);
async fn a_persisted_mutation_still_needs_post(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "voter").await;
    let token = fixtures::token_for(&user);
    let paper = fixtures::paper(&db, "2403.00002", "T", "A.", &["Ada"], now(), None).await;
    let id = app
        .data("{ paper(arxivId: \"2403.00002\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    let mutation = "mutation Up($id: ID!) { upvotePaper(paperId: $id) { upvoteCount } }";
    let hash = sha256(mutation);
    let body = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": mutation, "variables": { "id": id },
            "extensions": persisted(&hash) }))
        .send()
        .await
        .expect("request")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(body["data"]["upvotePaper"]["upvoteCount"], 1, "{body}");
    let response = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(&token)
        .query(&[
            ("extensions", persisted(&hash).to_string()),
            ("variables", json!({ "id": id }).to_string()),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    assert_eq!(
        app.count_rows("paper_upvotes").await,
        1,
        "the GET changed nothing (paper {})",
        paper.id
    );
    app.stop().await;
}
