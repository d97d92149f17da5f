//! Authorship claims: pending → approved (the paper joins the user's authored papers) or
//! rejected (filed again freely); one pending claim per author; moderators decide.

use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};
use crate::support::{TestApp, error_codes};

const CLAIM: &str = "mutation ($p: ID!, $pos: Int!) { claimAuthorship(input: { paperId: $p, \
    position: $pos, note: \"my ORCID\" }) { id status author { name } user { username } note } }";
const DECIDE: &str = "mutation ($id: ID!, $ok: Boolean!) { decideAuthorshipClaim(id: $id, \
    approve: $ok) { status } }";

storage_test!(claims_are_decided_by_moderators_and_approval_links_the_author);
async fn claims_are_decided_by_moderators_and_approval_links_the_author(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    let mut mo_user: entity::user::ActiveModel = fixtures::user(&db, "mo").await.into();
    mo_user.role = Set(entity::user::Role::Moderator);
    let mo = token_for(&mo_user.update(&db).await.expect("promote"));
    fixtures::paper(
        &db,
        "2401.00001",
        "One",
        "x",
        &["Ada Lovelace", "Charles Babbage"],
        fixtures::now(),
        None,
    )
    .await;
    let paper = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();

    let claim = app
        .data_as(&ada, CLAIM, json!({ "p": paper, "pos": 0 }))
        .await["claimAuthorship"]
        .clone();
    assert_eq!(claim["status"], "PENDING");
    assert_eq!(claim["author"]["name"], "Ada Lovelace");
    let before = app.count_rows("authorship_claims").await;
    // A second pending claim on the same author, a position the paper lacks.
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, CLAIM, json!({ "p": paper, "pos": 0 }))
                .await
        ),
        ["CONFLICT"]
    );
    let missing = app
        .gql_as(&bob, CLAIM, json!({ "p": paper, "pos": 7 }))
        .await;
    assert_eq!(error_codes(&missing), ["BAD_USER_INPUT"]);
    assert_eq!(missing["errors"][0]["extensions"]["field"], "position");
    assert_eq!(app.count_rows("authorship_claims").await, before);
    // Only moderators decide.
    assert_eq!(
        error_codes(
            &app.gql_as(&ada, DECIDE, json!({ "id": claim["id"], "ok": true }))
                .await
        ),
        ["FORBIDDEN"]
    );
    assert_eq!(
        app.data_as(&mo, DECIDE, json!({ "id": claim["id"], "ok": true }))
            .await["decideAuthorshipClaim"]["status"],
        "APPROVED"
    );
    assert_eq!(
        error_codes(
            &app.gql_as(&mo, DECIDE, json!({ "id": claim["id"], "ok": false }))
                .await
        ),
        ["CONFLICT"]
    );
    let authored = app
        .data(
            "{ user(username: \"ada\") { authoredPapers { totalCount } } \
        paper(arxivId: \"2401.00001\") { authors { user { username } } } }",
            json!({}),
        )
        .await;
    assert_eq!(authored["user"]["authoredPapers"]["totalCount"], 1);
    assert_eq!(authored["paper"]["authors"][0]["user"]["username"], "ada");
    // Claimed authors cannot be claimed again.
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, CLAIM, json!({ "p": paper, "pos": 0 }))
                .await
        ),
        ["CONFLICT"]
    );

    // A rejected claim may be filed again.
    let second = app
        .data_as(&bob, CLAIM, json!({ "p": paper, "pos": 1 }))
        .await["claimAuthorship"]["id"]
        .clone();
    assert_eq!(
        app.data_as(&mo, DECIDE, json!({ "id": second, "ok": false }))
            .await["decideAuthorshipClaim"]["status"],
        "REJECTED"
    );
    let again = app
        .data_as(&bob, CLAIM, json!({ "p": paper, "pos": 1 }))
        .await;
    assert_eq!(again["claimAuthorship"]["status"], "PENDING");
}
