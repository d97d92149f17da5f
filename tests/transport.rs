//! GraphQL over HTTP: the transport rules of DESIGN.md, one test each.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, error_codes};

const TYPENAME: &str = r#"{"query":"{ __typename }"}"#;

async fn app() -> TestApp {
    TestApp::spawn(Backend::Sqlite).await
}

#[tokio::test]
async fn post_with_json_runs_the_query() {
    let app = app().await;
    let response = app
        .post_raw()
        .header(CONTENT_TYPE, "application/json")
        .body(TYPENAME)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "data": { "__typename": "Query" } }));
}

#[tokio::test]
async fn other_content_types_are_415() {
    let app = app().await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/json; charset=latin1",
    ] {
        let response = app
            .post_raw()
            .header(CONTENT_TYPE, content_type)
            .body(TYPENAME)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    let response = app.post_raw().body(TYPENAME).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "no content type"
    );
}

#[tokio::test]
async fn get_runs_queries() {
    let app = app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query Q($n: Int) { papers(first: $n) { totalCount } }",
            ),
            ("variables", r#"{"n": 5}"#),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["papers"]["totalCount"], 0);
}

#[tokio::test]
async fn a_mutation_over_get_is_405_with_allow_post() {
    let app = app().await;
    for query in [
        "mutation { __typename }",
        "query A { __typename } mutation B { __typename }",
    ] {
        let mut request = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", query)]);
        if query.contains("B {") {
            request = app
                .client
                .get(app.url("/graphql"))
                .query(&[("query", query), ("operationName", "B")]);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{query}");
        assert_eq!(response.headers()[ALLOW], "POST");
    }
}

#[tokio::test]
async fn other_methods_are_405() {
    let app = app().await;
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/graphql"))
            .body(TYPENAME)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert!(response.headers()[ALLOW].to_str().unwrap().contains("POST"));
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--body-limit", "2048"]).await;
    let padding = " ".repeat(4096);
    let body = format!(r#"{{"query":"{{ __typename {padding} }}"}}"#);
    let response = app
        .post_raw()
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the limit still runs.
    let response = app
        .post_raw()
        .header(CONTENT_TYPE, "application/json")
        .body(TYPENAME)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn batches_run_up_to_the_cap_and_are_refused_beyond_it() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--max-batch", "3"]).await;
    let op = json!({ "query": "{ __typename }" });
    let response = app.post_raw().json(&json!([op, op])).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!([{ "data": { "__typename": "Query" } }, { "data": { "__typename": "Query" } }])
    );

    let response = app
        .post_raw()
        .json(&json!([op, op, op, op]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"]);

    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--max-batch", "0"]).await;
    let response = app.post_raw().json(&json!([op])).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "batches can be refused altogether"
    );
}

#[tokio::test]
async fn the_accept_header_chooses_the_response_type() {
    let app = app().await;
    let cases = [
        (None, StatusCode::OK, "application/json"),
        (Some("*/*"), StatusCode::OK, "application/json"),
        (Some("application/json"), StatusCode::OK, "application/json"),
        (
            Some("application/graphql-response+json"),
            StatusCode::OK,
            "application/graphql-response+json",
        ),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            StatusCode::OK,
            "application/graphql-response+json",
        ),
        (
            Some("text/plain"),
            StatusCode::NOT_ACCEPTABLE,
            "application/json",
        ),
    ];
    for (accept, status, content_type) in cases {
        let mut request = app
            .post_raw()
            .header(CONTENT_TYPE, "application/json")
            .body(TYPENAME);
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{accept:?}");
        let got = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            got.starts_with(content_type) && got.contains("charset=utf-8"),
            "{accept:?} → {got}"
        );
    }
}

#[tokio::test]
async fn request_errors_are_200_for_json_and_400_without_data_for_graphql_response_json() {
    let app = app().await;
    let cases = [
        (json!({ "query": "{" }), "GRAPHQL_PARSE_FAILED"),
        (
            json!({ "query": "{ noSuchField }" }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            json!({ "query": "query ($n: Int!) { papers(first: $n) { totalCount } }",
                "variables": { "n": null } }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ];
    for (request, code) in cases {
        let response = app
            .post_raw()
            .header(ACCEPT, "application/json")
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{request}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_codes(&body), [code], "{body}");

        let response = app
            .post_raw()
            .header(ACCEPT, "application/graphql-response+json")
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{request}");
        let body: Value = response.json().await.unwrap();
        assert!(body.get("data").is_none(), "no data entry: {body}");
        assert_eq!(error_codes(&body), [code], "{body}");
    }
}

#[tokio::test]
async fn malformed_requests_are_400() {
    let app = app().await;
    let bodies = [
        "not json",
        "",
        r#"{"query": 1}"#,
        r#"{"qeury": "{ __typename }"}"#,
        r#"{"query": "{ __typename }", "variables": "x"}"#,
        "[]",
    ];
    for body in bodies {
        let response = app
            .post_raw()
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_codes(&body).len(), 1, "{body}");
    }
}

#[tokio::test]
async fn a_browser_gets_graphiql() {
    let app = app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = app().await;
    let first = app
        .post_raw()
        .header(CONTENT_TYPE, "application/json")
        .body(TYPENAME)
        .send()
        .await
        .unwrap();
    let second = app.client.get(app.url("/health")).send().await.unwrap();
    let a = first.headers()["x-request-id"].to_str().unwrap().to_owned();
    let b = second.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!a.is_empty() && a != b);
    // A plain id from the client is kept; anything else is replaced.
    let kept = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "client-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "client-abc.123");
    let replaced = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "evil\tline")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "evil\tline");
}

#[tokio::test]
async fn query_limits_refuse_before_running() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--max-depth", "4"]).await;
    let aliases: String = (0..200).map(|i| format!("a{i}: __typename ")).collect();
    let deep = "{ papers { edges { node { authors { author { name } } } } } }";
    let fields: String = (0..600).map(|_| "__typename ").collect();
    for query in [
        format!("{{ {aliases} }}"),
        deep.to_owned(),
        format!("{{ {fields} }}"),
    ] {
        let body = app.gql(&query, json!({})).await;
        assert_eq!(
            error_codes(&body),
            ["GRAPHQL_VALIDATION_FAILED"],
            "{query}: {body}"
        );
        assert!(body.get("data").is_none() || body["data"].is_null());
    }
}

#[tokio::test]
async fn health_and_ready_answer() {
    let app = app().await;
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
}

#[tokio::test]
async fn response_fields_keep_the_order_of_the_query() {
    let app = app().await;
    let response = app
        .post_raw()
        .json(&json!({ "query": "{ zeta: __typename alpha: __typename middle: __typename }" }))
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert_eq!(
        text,
        r#"{"data":{"zeta":"Query","alpha":"Query","middle":"Query"}}"#
    );
}
