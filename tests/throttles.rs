//! Throttles are counted inside the resolvers: aliases and batches cannot multiply them.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

const REGISTER: &str =
    "mutation ($input: RegisterInput!) { register(input: $input) { user { username } } }";

/// One request with 20 aliased sign-ins.
fn aliased_logins(password: &str) -> String {
    let fields: String = (0..20)
        .map(|i| {
            format!(
                "l{i}: login(input: {{ usernameOrEmail: \"ada\", password: \
            \"{password}\" }}) {{ accessToken }} "
            )
        })
        .collect();
    format!("mutation {{ {fields} }}")
}

async fn with_account(backend: Backend, extra: &[&str]) -> TestApp {
    let mut args = vec!["--no-demo", "--max-aliases", "50"];
    args.extend_from_slice(extra);
    let app = TestApp::spawn_with(backend, &args).await;
    let input = json!({ "input": {
        "username": "ada", "email": "ada@example.org", "password": "correct horse battery"
    } });
    app.data(REGISTER, input).await;
    app
}

storage_test!(twenty_aliased_failed_logins_hit_the_limit_after_five);
async fn twenty_aliased_failed_logins_hit_the_limit_after_five(backend: Backend) {
    let app = with_account(backend, &[]).await;
    let body = app.gql(&aliased_logins("wrong password!"), json!({})).await;
    let codes = error_codes(&body);
    assert_eq!(codes.len(), 20, "{body}");
    assert!(
        codes[..5].iter().all(|c| c == "UNAUTHENTICATED"),
        "{codes:?}"
    );
    assert!(codes[5..].iter().all(|c| c == "RATE_LIMITED"), "{codes:?}");
    let limited = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["extensions"]["code"] == "RATE_LIMITED")
        .expect("a limited one");
    let retry = limited["extensions"]["retryAfter"]
        .as_u64()
        .expect("retryAfter");
    assert!((1..=900).contains(&retry), "{retry}");
    // Locked for the window: even the right password waits.
    let body = app
        .gql(
            "mutation { login(input: { usernameOrEmail: \"ada\", password: \"correct \
        horse battery\" }) { accessToken } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
}

storage_test!(rate_limits_off_disables_every_throttle);
async fn rate_limits_off_disables_every_throttle(backend: Backend) {
    let app = with_account(backend, &["--rate-limits", "off"]).await;
    let body = app.gql(&aliased_logins("wrong password!"), json!({})).await;
    assert!(
        error_codes(&body).iter().all(|c| c == "UNAUTHENTICATED"),
        "{body}"
    );
}

storage_test!(registrations_per_address_are_limited);
async fn registrations_per_address_are_limited(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--throttle-register", "2"]).await;
    let register = |i: usize| {
        json!({ "input": {
            "username": format!("user{i}"),
            "email": format!("u{i}@example.org"),
            "password": "long enough password"
        } })
    };
    app.data(REGISTER, register(1)).await;
    app.data(REGISTER, register(2)).await;
    let before = app.count_rows("users").await;
    let body = app.gql(REGISTER, register(3)).await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    assert_eq!(app.count_rows("users").await, before);
}

storage_test!(comments_per_user_are_limited_and_refused_input_does_not_count);
async fn comments_per_user_are_limited_and_refused_input_does_not_count(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--throttle-comments", "3"]).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let paper = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    let add =
        "mutation ($p: ID!, $b: String!) { addComment(input: { paperId: $p, body: $b }) { id } }";
    let refused = app.gql_as(&ada, add, json!({ "p": paper, "b": "" })).await;
    assert_eq!(error_codes(&refused), ["BAD_USER_INPUT"]);
    for i in 0..3 {
        let body: Value = app
            .gql_as(
                &ada,
                add,
                json!({ "p": paper, "b": format!("comment {i}") }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let body = app
        .gql_as(&ada, add, json!({ "p": paper, "b": "one too many" }))
        .await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    assert_eq!(app.count_rows("comments").await, 3);
}
