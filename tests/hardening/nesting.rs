//! Documents and JSON bodies are measured before any parser sees them: no nesting can overflow
//! a stack and take the process down.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, error_codes};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_raw(app: &TestApp, body: String) -> (StatusCode, Value) {
    let response = app
        .post_raw()
        .header("content-type", "application/json")
        .header("accept", GRAPHQL_RESPONSE)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// GETs `/graphql` with these parameters.
async fn get(app: &TestApp, params: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(params)
        .header("accept", GRAPHQL_RESPONSE)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn still_serving(app: &TestApp) {
    let body = app.gql("{ __typename }", json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_documents_are_refused_unparsed_and_the_server_lives_on() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let deep = 20_000;
    let documents = [
        // Nested list values: 2,000 of these once aborted the process.
        format!(
            "{{ papers(first: 1, after: {}{}) {{ totalCount }} }}",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
        // Nested object values.
        format!(
            "{{ papers(first: 1, filter: {}{}) {{ totalCount }} }}",
            "{a: ".repeat(deep),
            "1}".repeat(deep)
        ),
        // Nested selection sets.
        format!("{}{}", "{ a ".repeat(deep), "}".repeat(deep)),
        // Unbalanced: it never closes.
        "(".repeat(deep),
    ];
    for document in documents {
        let (status, body) = post_raw(&app, json!({ "query": document }).to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_codes(&body), ["GRAPHQL_PARSE_FAILED"], "{body}");
        assert!(body.get("data").is_none(), "{body}");
        still_serving(&app).await;
    }
    // The same over GET.
    let query = format!(
        "{{ papers(after: {}{}) {{ totalCount }} }}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let (status, body) = get(&app, &[("query", query.as_str())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(&body), ["GRAPHQL_PARSE_FAILED"]);
    still_serving(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brackets_inside_strings_and_comments_do_not_count_and_real_documents_pass() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let inside = "[".repeat(500);
    let query = format!(
        "# {inside}\n{{ searchPapers(query: \"{inside}\") {{ totalCount }} s: searchPapers(query: \
            \"\"\"{inside}\"\"\") {{ totalCount }} }}"
    );
    let body = app.gql(&query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["searchPapers"]["totalCount"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_variables_and_extensions_are_refused_unparsed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let deep = 20_000;
    let nested_array = format!("{}{}", "[".repeat(deep), "]".repeat(deep));
    let nested_object = format!("{}1{}", "{\"a\":".repeat(deep), "}".repeat(deep));
    let bodies = [
        format!(
            "{{\"query\": \"query ($v: String) {{ __typename }}\", \"variables\": {{\"v\": \
                {nested_array}}}}}"
        ),
        format!("{{\"query\": \"{{ __typename }}\", \"extensions\": {nested_object}}}"),
        format!("[{{\"query\": \"{{ __typename }}\", \"variables\": {nested_object}}}]"),
    ];
    for body in bodies {
        let (status, answer) = post_raw(&app, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(error_codes(&answer), ["GRAPHQL_PARSE_FAILED"], "{answer}");
        still_serving(&app).await;
    }
    // A URL holds less: 200 levels are enough to pass the limit.
    let nested_array = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let params = [
        ("query", "{ __typename }"),
        ("variables", nested_array.as_str()),
    ];
    let (status, body) = get(&app, &params).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(&body), ["GRAPHQL_PARSE_FAILED"]);
    still_serving(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nesting_limit_is_a_setting() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--max-nesting", "8"]).await;
    let within = format!(
        "{{ papers(first: 1, after: {}\"x\"{}) {{ totalCount }} }}",
        "[".repeat(3),
        "]".repeat(3)
    );
    let body = app.gql(&within, json!({})).await;
    assert_ne!(error_codes(&body), ["GRAPHQL_PARSE_FAILED"], "{body}");
    let beyond = format!(
        "{{ papers(first: 1, after: {}\"x\"{}) {{ totalCount }} }}",
        "[".repeat(8),
        "]".repeat(8)
    );
    let body = app.gql(&beyond, json!({})).await;
    assert_eq!(error_codes(&body), ["GRAPHQL_PARSE_FAILED"], "{body}");
}
