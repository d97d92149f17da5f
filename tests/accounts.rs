//! Accounts and sessions: sign-up, sign-in, refresh rotation, logout, password and profile
//! changes. Every rejected request changes no row.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::{TestApp, error_codes};

const REGISTER: &str = "mutation ($input: RegisterInput!) { register(input: $input) { accessToken \
    refreshToken expiresAt user { username email displayName } } }";
const LOGIN: &str = "mutation ($input: LoginInput!) { login(input: $input) { accessToken \
    refreshToken user { username } } }";
const REFRESH: &str =
    "mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";
const VIEWER: &str = "{ viewer { username email } }";

fn registration(username: &str, email: &str, password: &str) -> Value {
    json!({ "input": { "username": username, "email": email, "password": password,
        "displayName": "Ada" } })
}

async fn rows(app: &TestApp) -> (i64, i64) {
    (
        app.count_rows("users").await,
        app.count_rows("refresh_tokens").await,
    )
}

/// The status and body of a request with a bearer token.
async fn as_bearer(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    let response = app
        .post_raw()
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    (
        response.status().as_u16(),
        response.json().await.expect("json"),
    )
}

storage_test!(sign_up_signs_in_and_the_token_names_the_viewer);
async fn sign_up_signs_in_and_the_token_names_the_viewer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let data = app
        .data(
            REGISTER,
            registration("Ada_L", "Ada@Example.org", "correct horse battery"),
        )
        .await;
    let payload = &data["register"];
    assert_eq!(payload["user"]["username"], "ada_l");
    assert_eq!(
        payload["user"]["email"], "ada@example.org",
        "the owner sees their email"
    );
    let token = payload["accessToken"].as_str().expect("token");
    let viewer = app.data_as(token, VIEWER, json!({})).await;
    assert_eq!(viewer["viewer"]["username"], "ada_l");
    // Sign in by username or by email, in any case.
    for name in ["ADA_L", "ada@example.org"] {
        let data = app
            .data(
                LOGIN,
                json!({ "input": { "usernameOrEmail": name, "password": "correct \
            horse battery" } }),
            )
            .await;
        assert_eq!(data["login"]["user"]["username"], "ada_l");
    }
}

storage_test!(bad_sign_ups_are_refused_with_the_field_and_change_nothing);
async fn bad_sign_ups_are_refused_with_the_field_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.data(
        REGISTER,
        registration("taken", "taken@example.org", "long enough password"),
    )
    .await;
    let before = rows(&app).await;
    let cases = [
        (
            registration("ab", "a@example.org", "long enough password"),
            "BAD_USER_INPUT",
            Some("username"),
        ),
        (
            registration(&"a".repeat(33), "a@example.org", "long enough password"),
            "BAD_USER_INPUT",
            Some("username"),
        ),
        (
            registration("bad name", "a@example.org", "long enough password"),
            "BAD_USER_INPUT",
            Some("username"),
        ),
        (
            registration("émile", "a@example.org", "long enough password"),
            "BAD_USER_INPUT",
            Some("username"),
        ),
        (
            registration("admin", "a@example.org", "long enough password"),
            "BAD_USER_INPUT",
            Some("username"),
        ),
        (
            registration("GraphQL", "a@example.org", "long enough password"),
            "BAD_USER_INPUT",
            Some("username"),
        ),
        (
            registration("newbie", "not-an-email", "long enough password"),
            "BAD_USER_INPUT",
            Some("email"),
        ),
        (
            registration("newbie", "a@b", "long enough password"),
            "BAD_USER_INPUT",
            Some("email"),
        ),
        (
            registration("newbie", "a@example.org", "short"),
            "BAD_USER_INPUT",
            Some("password"),
        ),
        (
            registration("newbie", "a@example.org", &"p".repeat(129)),
            "BAD_USER_INPUT",
            Some("password"),
        ),
        (
            json!({ "input": { "username": "newbie", "email": "a@example.org", "password": "long \
                enough password", "displayName": "x".repeat(65) } }),
            "BAD_USER_INPUT",
            Some("displayName"),
        ),
        (
            registration("TAKEN", "other@example.org", "long enough password"),
            "CONFLICT",
            None,
        ),
        (
            registration("other", "Taken@Example.org", "long enough password"),
            "CONFLICT",
            None,
        ),
    ];
    for (variables, code, field) in cases {
        let body = app.gql(REGISTER, variables.clone()).await;
        assert_eq!(error_codes(&body), [code], "{variables}: {body}");
        if let Some(field) = field {
            assert_eq!(
                body["errors"][0]["extensions"]["field"], field,
                "{variables}"
            );
        }
        assert_eq!(rows(&app).await, before, "nothing written for {variables}");
    }
}

storage_test!(a_failed_sign_in_answers_alike_for_unknown_accounts_and_wrong_passwords);
async fn a_failed_sign_in_answers_alike_for_unknown_accounts_and_wrong_passwords(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.data(
        REGISTER,
        registration("ada", "ada@example.org", "correct horse battery"),
    )
    .await;
    let before = rows(&app).await;
    let wrong = app
        .gql(
            LOGIN,
            json!({ "input": { "usernameOrEmail": "ada", "password": "wrong password!" } }),
        )
        .await;
    let unknown = app
        .gql(
            LOGIN,
            json!({ "input": { "usernameOrEmail": "nobody", "password": "wrong password!" } }),
        )
        .await;
    assert_eq!(error_codes(&wrong), ["UNAUTHENTICATED"]);
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(error_codes(&unknown), ["UNAUTHENTICATED"]);
    assert_eq!(rows(&app).await, before);
}

storage_test!(refresh_tokens_rotate_and_a_reused_one_revokes_its_family);
async fn refresh_tokens_rotate_and_a_reused_one_revokes_its_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app
        .data(
            REGISTER,
            registration("ada", "ada@example.org", "correct horse battery"),
        )
        .await["register"]["refreshToken"]
        .clone();
    let second =
        app.data(REFRESH, json!({ "t": first })).await["refreshSession"]["refreshToken"].clone();
    assert_ne!(first, second);
    // The first token was spent: presenting it again is reuse.
    let reuse = app.gql(REFRESH, json!({ "t": first })).await;
    assert_eq!(error_codes(&reuse), ["UNAUTHENTICATED"]);
    // ...which ended the whole family, the later token included.
    let after = app.gql(REFRESH, json!({ "t": second })).await;
    assert_eq!(error_codes(&after), ["UNAUTHENTICATED"]);
    let garbage = app.gql(REFRESH, json!({ "t": "prt_garbage" })).await;
    assert_eq!(error_codes(&garbage), ["UNAUTHENTICATED"]);
}

storage_test!(logout_ends_the_session);
async fn logout_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app
        .data(
            REGISTER,
            registration("ada", "ada@example.org", "correct horse battery"),
        )
        .await["register"]["refreshToken"]
        .clone();
    let data = app
        .data(
            "mutation ($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(data["logout"], true);
    assert_eq!(
        error_codes(&app.gql(REFRESH, json!({ "t": token })).await),
        ["UNAUTHENTICATED"]
    );
}

storage_test!(changing_the_password_ends_every_other_session);
async fn changing_the_password_ends_every_other_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let registered = app
        .data(
            REGISTER,
            registration("ada", "ada@example.org", "correct horse battery"),
        )
        .await;
    let old_access = registered["register"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let old_refresh = registered["register"]["refreshToken"].clone();
    let change = "mutation ($c: String!, $n: String!) { changePassword(input: { currentPassword: \
        $c, newPassword: $n }) { accessToken refreshToken } }";
    let wrong = app
        .gql_as(
            &old_access,
            change,
            json!({ "c": "not my password", "n": "a brand new password" }),
        )
        .await;
    assert_eq!(error_codes(&wrong), ["BAD_USER_INPUT"]);
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword");
    let changed = app
        .data_as(
            &old_access,
            change,
            json!({ "c": "correct horse battery", "n": "a brand new password" }),
        )
        .await;
    let new_access = changed["changePassword"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    // The access token issued before the change is refused; the new one works.
    let (status, body) = as_bearer(&app, &old_access, VIEWER).await;
    assert_eq!(
        (status, error_codes(&body)),
        (401, vec!["UNAUTHENTICATED".to_owned()])
    );
    assert_eq!(
        app.data_as(&new_access, VIEWER, json!({})).await["viewer"]["username"],
        "ada"
    );
    assert_eq!(
        error_codes(&app.gql(REFRESH, json!({ "t": old_refresh })).await),
        ["UNAUTHENTICATED"]
    );
    // The old password no longer signs in; the new one does.
    let old = app
        .gql(
            LOGIN,
            json!({ "input": { "usernameOrEmail": "ada", "password": "correct horse battery" } }),
        )
        .await;
    assert_eq!(error_codes(&old), ["UNAUTHENTICATED"]);
    app.data(
        LOGIN,
        json!({ "input": { "usernameOrEmail": "ada", "password": "a brand new password" } }),
    )
    .await;
}

storage_test!(profile_changes_are_checked_and_need_a_signed_in_user);
async fn profile_changes_are_checked_and_need_a_signed_in_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app
        .data(
            REGISTER,
            registration("ada", "ada@example.org", "correct horse battery"),
        )
        .await["register"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let update = "mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { \
        displayName bio avatarUrl } }";
    let anonymous = app.gql(update, json!({ "input": { "bio": "hi" } })).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    let data = app
        .data_as(
            &token,
            update,
            json!({ "input": { "bio": "I count.", "avatarUrl": "https://example.org/a.png" } }),
        )
        .await;
    assert_eq!(
        data["updateProfile"],
        json!({ "displayName": "Ada", "bio": "I count.", "avatarUrl": "https://example.org/a.png" })
    );
    for (input, field) in [
        (json!({ "bio": "x".repeat(501) }), "bio"),
        (json!({ "avatarUrl": "javascript:alert(1)" }), "avatarUrl"),
        (json!({ "displayName": "x".repeat(65) }), "displayName"),
    ] {
        let body = app.gql_as(&token, update, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let data = app
        .data_as(&token, "{ viewer { bio displayName } }", json!({}))
        .await;
    assert_eq!(
        data["viewer"],
        json!({ "bio": "I count.", "displayName": "Ada" }),
        "refused changes changed nothing"
    );
}
