//! Throttles hold under parallel requests: a slot is taken before the slow work, the failed-login
//! budget belongs to the account (not to the name it was typed as), and a wrong current password
//! in `changePassword` spends it too.

use serde_json::json;

use super::{in_parallel, tally};
use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};
use crate::support::{TestApp, error_codes};

const REGISTER: &str =
    "mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }";
const LOGIN: &str = "mutation ($name: String!, $password: String!) { login(input: { \
    usernameOrEmail: $name, password: $password }) { accessToken } }";
const CHANGE: &str = "mutation ($current: String!) { changePassword(input: { currentPassword: \
    $current, newPassword: \"an entirely new password\" }) { accessToken } }";
const PASSWORD: &str = "correct horse battery";

/// A server with one account, `ada`, and its access token.
async fn with_account(backend: crate::support::Backend, extra: &[&str]) -> (TestApp, String) {
    let mut args = vec!["--no-demo"];
    args.extend_from_slice(extra);
    let app = TestApp::spawn_with(backend, &args).await;
    let input =
        json!({ "input": { "username": "ada", "email": "ada@example.org", "password": PASSWORD } });
    let token = app.data(REGISTER, input).await["register"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    (app, token)
}

storage_test!(thirty_parallel_wrong_passwords_reach_the_password_check_five_times);
async fn thirty_parallel_wrong_passwords_reach_the_password_check_five_times(backend: Backend) {
    let (app, _) = with_account(backend, &[]).await;
    let bodies = in_parallel(
        &app,
        None,
        LOGIN,
        |_| json!({ "name": "ada", "password": "wrong password!" }),
        30,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 0);
    assert_eq!(
        codes.iter().filter(|c| *c == "UNAUTHENTICATED").count(),
        5,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| *c == "RATE_LIMITED").count(),
        25,
        "{codes:?}"
    );
}

storage_test!(the_username_and_the_email_share_one_budget);
async fn the_username_and_the_email_share_one_budget(backend: Backend) {
    let (app, _) = with_account(backend, &[]).await;
    for name in ["ada", "ADA@example.org", "ada", "ada@example.org", "Ada"] {
        let body = app
            .gql(
                LOGIN,
                json!({ "name": name, "password": "wrong password!" }),
            )
            .await;
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{name}: {body}");
    }
    for name in ["ada", "ada@example.org"] {
        let body = app
            .gql(LOGIN, json!({ "name": name, "password": PASSWORD }))
            .await;
        assert_eq!(error_codes(&body), ["RATE_LIMITED"], "{name}: {body}");
    }
}

storage_test!(wrong_current_passwords_count_as_failed_sign_ins);
async fn wrong_current_passwords_count_as_failed_sign_ins(backend: Backend) {
    let (app, token) = with_account(backend, &[]).await;
    let bodies = in_parallel(
        &app,
        Some(&token),
        CHANGE,
        |_| json!({ "current": "not my password" }),
        12,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 0);
    assert_eq!(
        codes.iter().filter(|c| *c == "BAD_USER_INPUT").count(),
        5,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| *c == "RATE_LIMITED").count(),
        7,
        "{codes:?}"
    );
    // The right password waits too, and so does signing in: one budget per account.
    let body = app
        .gql_as(&token, CHANGE, json!({ "current": PASSWORD }))
        .await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    let body = app
        .gql(LOGIN, json!({ "name": "ada", "password": PASSWORD }))
        .await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
}

storage_test!(a_right_password_gives_its_slot_back);
async fn a_right_password_gives_its_slot_back(backend: Backend) {
    let (app, _) = with_account(backend, &["--throttle-login-account", "2"]).await;
    for _ in 0..5 {
        let body = app
            .gql(LOGIN, json!({ "name": "ada", "password": PASSWORD }))
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

storage_test!(parallel_comments_submissions_and_sign_ups_hold_their_limits);
async fn parallel_comments_submissions_and_sign_ups_hold_their_limits(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[
            "--no-demo",
            "--throttle-comments",
            "10",
            "--throttle-submissions",
            "4",
            "--throttle-register",
            "3",
        ],
    )
    .await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let paper = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();

    let add =
        "mutation ($p: ID!, $b: String!) { addComment(input: { paperId: $p, body: $b }) { id } }";
    let bodies = in_parallel(
        &app,
        Some(&ada),
        add,
        |i| json!({ "p": paper, "b": format!("comment {i}") }),
        30,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 10, "{codes:?}");
    assert!(codes.iter().all(|c| c == "RATE_LIMITED"), "{codes:?}");
    assert_eq!(app.count_rows("comments").await, 10);

    let submit = "mutation ($id: String!) { submitPaper(input: { arxivId: $id, title: \"T\", \
        abstract: \"A\", authors: [\"X\"] }) { id } }";
    let bodies = in_parallel(
        &app,
        Some(&ada),
        submit,
        |i| json!({ "id": format!("2402.{:05}", i) }),
        20,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 4, "{codes:?}");
    assert!(codes.iter().all(|c| c == "RATE_LIMITED"), "{codes:?}");
    assert_eq!(app.count_rows("papers").await, 5);

    let register = |i: usize| {
        json!({ "input": {
            "username": format!("user{i}"),
            "email": format!("u{i}@example.org"),
            "password": PASSWORD
        } })
    };
    let bodies = in_parallel(&app, None, REGISTER, register, 12).await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 3, "{codes:?}");
    assert!(codes.iter().all(|c| c == "RATE_LIMITED"), "{codes:?}");
    assert_eq!(app.count_rows("users").await, 4);
}
