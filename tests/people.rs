//! Users, authors and the viewer: profiles, their lists, and privacy of email.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;
use crate::support::fixtures::{self, token_for};

const PROFILE: &str = "query ($name: String!) { user(username: $name) {
  id username displayName email
  upvotedPapers { totalCount edges { node { arxivId } } }
  submittedPapers { totalCount edges { node { arxivId } } }
  authoredPapers { totalCount edges { node { arxivId } } }
  comments { totalCount edges { node { body } } }
} }";

fn ids(list: &Value) -> Vec<&str> {
    list["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().expect("id"))
        .collect()
}

storage_test!(a_profile_lists_what_its_user_upvoted_submitted_authored_and_said);
async fn a_profile_lists_what_its_user_upvoted_submitted_authored_and_said(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let now = fixtures::now();
    let p1 = fixtures::paper(
        &db,
        "2401.00001",
        "One",
        "x",
        &["Alice Liddell"],
        now,
        Some(alice.id),
    )
    .await;
    let p2 = fixtures::paper(&db, "2401.00002", "Two", "x", &["Bob"], now, None).await;
    fixtures::upvote(&db, &alice, &p2).await;
    fixtures::upvote(&db, &alice, &p1).await;
    fixtures::comment(&db, &p2, &alice, None, "Nice *work*").await;
    // An approved claim links the author identity to the user.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    entity::author::Entity::update_many()
        .col_expr(entity::author::Column::UserId, Expr::value(alice.id))
        .filter(entity::author::Column::Name.eq("Alice Liddell"))
        .exec(&db)
        .await
        .expect("claim");

    let data = app.data(PROFILE, json!({ "name": "ALICE" })).await;
    let user = &data["user"];
    assert_eq!(user["username"], "alice");
    assert_eq!(
        ids(&user["upvotedPapers"]),
        ["2401.00001", "2401.00002"],
        "latest vote first"
    );
    assert_eq!(user["upvotedPapers"]["totalCount"], 2);
    assert_eq!(ids(&user["submittedPapers"]), ["2401.00001"]);
    assert_eq!(ids(&user["authoredPapers"]), ["2401.00001"]);
    assert_eq!(user["comments"]["edges"][0]["node"]["body"], "Nice *work*");
    let paper = app
        .data(
            "{ paper(arxivId: \"2401.00001\") { authors { user { username } author { paperCount \
            papers { totalCount } } } submittedBy { username } upvoters { totalCount edges { node \
            { username } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(paper["paper"]["authors"][0]["user"]["username"], "alice");
    assert_eq!(paper["paper"]["authors"][0]["author"]["paperCount"], 1);
    assert_eq!(paper["paper"]["submittedBy"]["username"], "alice");
    assert_eq!(
        paper["paper"]["upvoters"]["edges"][0]["node"]["username"],
        "alice"
    );
    assert_eq!(
        app.data(PROFILE, json!({ "name": "nobody" })).await["user"],
        Value::Null
    );
}

storage_test!(email_is_answered_to_its_owner_only);
async fn email_is_answered_to_its_owner_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let bob = fixtures::user(&db, "bob").await;
    let query =
        "query ($name: String!) { user(username: $name) { id email } viewer { username email } }";
    let anonymous = app.data(query, json!({ "name": "alice" })).await;
    assert_eq!(anonymous["user"]["email"], Value::Null);
    assert_eq!(anonymous["viewer"], Value::Null);
    let as_bob = app
        .data_as(&token_for(&bob), query, json!({ "name": "alice" }))
        .await;
    assert_eq!(as_bob["user"]["email"], Value::Null);
    assert_eq!(as_bob["viewer"]["email"], "bob@example.org");
    let as_alice = app
        .data_as(&token_for(&alice), query, json!({ "name": "alice" }))
        .await;
    assert_eq!(as_alice["user"]["email"], "alice@example.org");
    // Through node(id) too.
    let id = as_alice["user"]["id"].clone();
    let node = app
        .data_as(
            &token_for(&bob),
            "query ($id: ID!) { node(id: $id) { ... on User { email } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["node"]["email"], Value::Null);
}

storage_test!(a_present_but_bad_token_is_refused_not_anonymous);
async fn a_present_but_bad_token_is_refused_not_anonymous(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let good = token_for(&alice);
    let tampered = format!("{}x", &good[..good.len() - 1]);
    for header in [
        "Bearer nonsense",
        "Basic YWxpY2U6c2VjcmV0",
        "Bearer",
        &format!("Bearer {tampered}"),
        &good,
    ] {
        let response = app
            .post_raw()
            .header("authorization", header)
            .json(&json!({ "query": "{ viewer { username } }" }))
            .send()
            .await
            .expect("request");
        let status = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(
            status,
            reqwest::StatusCode::UNAUTHORIZED,
            "{header}: {body}"
        );
        assert_eq!(crate::support::error_codes(&body), ["UNAUTHENTICATED"]);
    }
    let data = app
        .data_as(&good, "{ viewer { username } }", json!({}))
        .await;
    assert_eq!(data["viewer"]["username"], "alice");
}
