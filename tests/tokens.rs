//! Access-token validation: every kind of bad token is refused with `UNAUTHENTICATED` (401) and
//! changes nothing; a good one works. One test per rule.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, TEST_SECRET};
use crate::support::{Backend, TestApp, error_codes};

const UPVOTE: &str = "mutation ($id: ID!) { upvotePaper(paperId: $id) { upvoteCount } }";

/// Good claims for a user; tests spoil one thing each.
fn claims(user_id: api::ids::UserId) -> Value {
    let now = Utc::now().timestamp();
    json!({ "sub": user_id.to_string(), "iat": now, "exp": now + 600, "iss": "papers",
        "aud": "papers-api", "typ": "access" })
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

fn good(claims: &Value) -> String {
    sign(claims, Algorithm::HS256, TEST_SECRET.as_bytes())
}

struct Setup {
    app: TestApp,
    user: entity::user::Model,
    paper_id: Value,
}

async fn setup(backend: Backend) -> Setup {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "ada").await;
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let paper_id = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    Setup {
        app,
        user,
        paper_id,
    }
}

/// Sends an upvote with the given `Authorization` header; it must be refused and change nothing.
async fn assert_refused(setup: &Setup, header: &str) {
    let response = setup
        .app
        .post_raw()
        .header("authorization", header)
        .json(&json!({ "query": UPVOTE, "variables": { "id": setup.paper_id } }))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 401, "{header}: {body}");
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{header}");
    assert_eq!(
        setup.app.count_rows("paper_upvotes").await,
        0,
        "nothing changed for {header}"
    );
}

storage_test!(a_good_token_is_accepted);
async fn a_good_token_is_accepted(backend: Backend) {
    let s = setup(backend).await;
    let data = s
        .app
        .data_as(
            &good(&claims(s.user.id)),
            UPVOTE,
            json!({ "id": s.paper_id }),
        )
        .await;
    assert_eq!(data["upvotePaper"]["upvoteCount"], 1);
}

storage_test!(alg_none_is_refused);
async fn alg_none_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(s.user.id).to_string());
    assert_refused(&s, &format!("Bearer {header}.{payload}.")).await;
}

storage_test!(hs512_is_refused);
async fn hs512_is_refused(backend: Backend) {
    let s = setup(backend).await;
    assert_refused(
        &s,
        &format!(
            "Bearer {}",
            sign(&claims(s.user.id), Algorithm::HS512, TEST_SECRET.as_bytes())
        ),
    )
    .await;
}

storage_test!(an_rs256_header_is_refused);
async fn an_rs256_header_is_refused(backend: Backend) {
    let s = setup(backend).await;
    // The key confusion attack: an RS256 header over an HMAC signature made with the secret.
    let token = good(&claims(s.user.id));
    let mut parts = token.splitn(2, '.');
    let _ = parts.next();
    let rest = parts.next().expect("rest");
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    assert_refused(&s, &format!("Bearer {header}.{rest}")).await;
}

storage_test!(a_tampered_payload_is_refused);
async fn a_tampered_payload_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let token = good(&claims(s.user.id));
    let parts: Vec<&str> = token.split('.').collect();
    let mut forged = claims(s.user.id);
    forged["sub"] = json!("999");
    let payload = URL_SAFE_NO_PAD.encode(forged.to_string());
    assert_refused(&s, &format!("Bearer {}.{payload}.{}", parts[0], parts[2])).await;
}

storage_test!(a_token_signed_with_another_key_is_refused);
async fn a_token_signed_with_another_key_is_refused(backend: Backend) {
    let s = setup(backend).await;
    assert_refused(
        &s,
        &format!(
            "Bearer {}",
            sign(
                &claims(s.user.id),
                Algorithm::HS256,
                b"another-secret-another-secret-another-secret"
            )
        ),
    )
    .await;
}

storage_test!(an_expired_token_is_refused_beyond_the_leeway);
async fn an_expired_token_is_refused_beyond_the_leeway(backend: Backend) {
    let s = setup(backend).await;
    let mut c = claims(s.user.id);
    c["iat"] = json!(Utc::now().timestamp() - 1000);
    c["exp"] = json!(Utc::now().timestamp() - 120);
    assert_refused(&s, &format!("Bearer {}", good(&c))).await;
}

storage_test!(a_token_not_yet_valid_is_refused);
async fn a_token_not_yet_valid_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let mut c = claims(s.user.id);
    c["nbf"] = json!(Utc::now().timestamp() + 120);
    assert_refused(&s, &format!("Bearer {}", good(&c))).await;
}

storage_test!(a_missing_or_wrong_issuer_is_refused);
async fn a_missing_or_wrong_issuer_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let mut missing = claims(s.user.id);
    missing.as_object_mut().expect("object").remove("iss");
    assert_refused(&s, &format!("Bearer {}", good(&missing))).await;
    let mut wrong = claims(s.user.id);
    wrong["iss"] = json!("someone-else");
    assert_refused(&s, &format!("Bearer {}", good(&wrong))).await;
}

storage_test!(a_wrong_audience_is_refused);
async fn a_wrong_audience_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let mut c = claims(s.user.id);
    c["aud"] = json!("another-api");
    assert_refused(&s, &format!("Bearer {}", good(&c))).await;
}

storage_test!(a_token_that_is_not_an_access_token_is_refused);
async fn a_token_that_is_not_an_access_token_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let mut c = claims(s.user.id);
    c["typ"] = json!("refresh");
    assert_refused(&s, &format!("Bearer {}", good(&c))).await;
    let mut untyped = claims(s.user.id);
    untyped.as_object_mut().expect("object").remove("typ");
    assert_refused(&s, &format!("Bearer {}", good(&untyped))).await;
    // A refresh token (opaque) presented as an access token.
    assert_refused(&s, "Bearer prt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
}

storage_test!(a_token_of_a_disabled_or_deleted_user_is_refused);
async fn a_token_of_a_disabled_or_deleted_user_is_refused(backend: Backend) {
    let s = setup(backend).await;
    let db = s.app.db.connect().await;
    let mut disabled: entity::user::ActiveModel = s.user.clone().into();
    disabled.disabled_at = Set(Some(fixtures::now()));
    disabled.update(&db).await.expect("disable");
    assert_refused(&s, &format!("Bearer {}", good(&claims(s.user.id)))).await;
    let ghost = fixtures::user(&db, "ghost").await;
    let token = good(&claims(ghost.id));
    entity::user::Entity::delete_by_id(ghost.id)
        .exec(&db)
        .await
        .expect("delete");
    assert_refused(&s, &format!("Bearer {token}")).await;
}

storage_test!(a_token_issued_before_the_last_password_change_is_refused);
async fn a_token_issued_before_the_last_password_change_is_refused(backend: Backend) {
    let s = setup(backend).await;
    // The fixture's password changed an hour ago.
    let mut c = claims(s.user.id);
    c["iat"] = json!(Utc::now().timestamp() - 2 * 3600);
    assert_refused(&s, &format!("Bearer {}", good(&c))).await;
}

storage_test!(a_malformed_authorization_header_is_refused_not_anonymous);
async fn a_malformed_authorization_header_is_refused_not_anonymous(backend: Backend) {
    let s = setup(backend).await;
    let token = good(&claims(s.user.id));
    for header in [
        "Bearer",
        "Bearer ",
        &token,
        &format!("Basic {token}"),
        &format!("Token {token}"),
        "Bearer a.b.c",
        "Bearer not a token",
    ] {
        assert_refused(&s, header).await;
    }
}
