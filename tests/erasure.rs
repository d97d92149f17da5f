//! Leaving the site: `deleteAccount` erases everything personal in one transaction (counters
//! kept equal to rows, threads intact, every token dead, the username reserved) and
//! `GET /api/me/export` hands over everything stored about the viewer, nothing of anyone else's.

use api::auth::Caller;
use api::services::votes;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures;
use crate::support::receiver::Receiver;
use crate::support::{Backend, TestApp, error_codes};

const PASSWORD: &str = "correct horse battery staple";
const DELETE: &str = "mutation ($p: String!, $erase: Boolean) { deleteAccount(password: $p, \
    eraseComments: $erase) }";

struct World {
    ada: entity::user::Model,
    session: Value,
    api_token: String,
    bob: entity::user::Model,
    paper: entity::paper::Model,
    ada_comment: entity::comment::Model,
    bob_reply: entity::comment::Model,
}

/// Ada, signed up with a password, has made one of everything; Bob has replied to her.
async fn world(app: &TestApp, db: &DatabaseConnection) -> World {
    let session = app
        .data(
            "mutation ($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }",
            json!({ "i": { "username": "ada", "email": "ada@example.org", "password": PASSWORD } }),
        )
        .await["register"]
        .clone();
    let ada = entity::user::Entity::find()
        .filter(entity::user::Column::Username.eq("ada"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let access = session["accessToken"].as_str().unwrap().to_owned();
    let bob = fixtures::user(db, "bob").await;
    let (_, mo) = fixtures::moderator(db, "mo").await;
    let paper = fixtures::paper(
        db,
        "2405.00001",
        "Bob's",
        "x",
        &["Ada L.", "Bob B."],
        fixtures::now(),
        Some(bob.id),
    )
    .await;
    let own = fixtures::paper(
        db,
        "2405.00002",
        "Ada's",
        "y",
        &["Z"],
        fixtures::now(),
        Some(ada.id),
    )
    .await;
    let ada_comment = fixtures::comment(db, &paper, &ada, None, "ada's own words").await;
    let bob_reply =
        fixtures::comment(db, &paper, &bob, Some(&ada_comment), "bob's private reply").await;
    fixtures::comment(db, &own, &bob, None, "bob on ada's paper").await;
    fixtures::upvote(db, &ada, &paper).await;
    fixtures::upvote(db, &bob, &paper).await;
    let ada_caller = Caller::session(ada.clone());
    votes::vote(&fixtures::services(db), &ada_caller, bob_reply.id, true)
        .await
        .unwrap();
    let bobs = fixtures::collection(db, &bob, "Bob's list", false, &[&paper]).await;
    votes::vote(&fixtures::services(db), &ada_caller, bobs.id, true)
        .await
        .unwrap();
    let adas = fixtures::collection(db, &ada, "Ada's list", false, &[&paper, &own]).await;
    votes::vote(
        &fixtures::services(db),
        &Caller::session(bob.clone()),
        adas.id,
        true,
    )
    .await
    .unwrap();
    // Claims: one approved (author 0 of the paper), one pending.
    let claim = "mutation ($p: ID!, $pos: Int!) { claimAuthorship(input: { paperId: $p, position: \
        $pos, note: \"my ORCID 0000\" }) { id } }";
    let gid = |id| api::ids::Global::global(id);
    let approved = app
        .data_as(&access, claim, json!({ "p": gid(paper.id), "pos": 0 }))
        .await["claimAuthorship"]["id"]
        .clone();
    app.data_as(&access, claim, json!({ "p": gid(own.id), "pos": 0 }))
        .await;
    app.data_as(
        &mo,
        "mutation ($id: ID!) { decideAuthorshipClaim(id: $id, approve: true) { status } }",
        json!({ "id": approved }),
    )
    .await;
    // Integrations: an API token, a webhook, a digest subscription; a report.
    let api_token = app
        .data_as(
            &access,
            "mutation { createApiToken(input: { name: \"my script\", scopes: [READ, \
            WRITE] }) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let receiver = Receiver::start(&[]).await;
    app.data_as(
        &access,
        "mutation ($u: String!) { createWebhook(input: { url: $u, events: \
        [COMMENT_ADDED] }) { secret } }",
        json!({ "u": receiver.url("/") }),
    )
    .await;
    app.data_as(
        &access,
        "mutation { subscribeDigest(input: { frequency: DAILY }) { email } }",
        json!({}),
    )
    .await;
    app.data_as(
        &access,
        "mutation ($c: ID!) { reportComment(input: { commentId: $c, reason: SPAM }) { id } }",
        json!({ "c": api::ids::Global::global(bob_reply.id) }),
    )
    .await;
    World {
        ada,
        session,
        api_token,
        bob,
        paper,
        ada_comment,
        bob_reply,
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Every counter equals the rows it counts.
async fn assert_counters_match(db: &DatabaseConnection) {
    for (what, sql) in [
        (
            "paper upvotes",
            "SELECT COUNT(*) FROM papers p WHERE upvote_count <> (SELECT COUNT(*) FROM \
                paper_upvotes v WHERE v.paper_id = p.id)",
        ),
        (
            "comment upvotes",
            "SELECT COUNT(*) FROM comments c WHERE upvote_count <> (SELECT COUNT(*) FROM \
                comment_upvotes v WHERE v.comment_id = c.id)",
        ),
        (
            "collection upvotes",
            "SELECT COUNT(*) FROM collections c WHERE upvote_count <> (SELECT COUNT(*) FROM \
                collection_upvotes v WHERE v.collection_id = c.id)",
        ),
        (
            "comments",
            "SELECT COUNT(*) FROM papers p WHERE comment_count <> (SELECT COUNT(*) FROM comments \
                c WHERE c.paper_id = p.id AND c.deleted_at IS NULL)",
        ),
    ] {
        assert_eq!(
            scalar(db, sql).await,
            0,
            "{what} counters differ from their rows"
        );
    }
}

storage_test!(the_export_holds_what_the_user_made_and_nothing_of_anyone_elses);
async fn the_export_holds_what_the_user_made_and_nothing_of_anyone_elses(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--webhook-allow-private", "on"]).await;
    let db = app.db.connect().await;
    let w = world(&app, &db).await;
    let access = w.session["accessToken"].as_str().unwrap();
    let response = app
        .client
        .get(app.url("/api/me/export"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"papers-export-ada.json\""
    );
    let text = response.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["profile"]["username"], "ada");
    assert_eq!(doc["profile"]["email"], "ada@example.org");
    assert_eq!(doc["comments"].as_array().unwrap().len(), 1);
    assert_eq!(doc["comments"][0]["body"], "ada's own words");
    assert_eq!(doc["comments"][0]["paper"], "2405.00001");
    assert_eq!(doc["votes"]["papers"][0]["paper"], "2405.00001");
    assert_eq!(doc["votes"]["comments"].as_array().unwrap().len(), 1);
    assert_eq!(doc["votes"]["collections"].as_array().unwrap().len(), 1);
    assert_eq!(doc["collections"].as_array().unwrap().len(), 1);
    assert_eq!(doc["collections"][0]["title"], "Ada's list");
    assert_eq!(doc["collections"][0]["items"][1]["note"], "note 1");
    assert_eq!(doc["claims"].as_array().unwrap().len(), 2);
    assert_eq!(doc["claims"][0]["note"], "my ORCID 0000");
    assert_eq!(doc["apiTokens"][0]["name"], "my script");
    assert_eq!(doc["webhooks"].as_array().unwrap().len(), 1);
    assert_eq!(doc["digestSubscriptions"][0]["email"], "ada@example.org");
    let kinds: Vec<&str> = doc["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["CLAIM_DECIDED", "PAPER_COMMENT", "COMMENT_REPLY"],
        "newest first"
    );
    // No secrets, nothing of Bob's.
    for absent in [
        w.api_token.as_str(),
        "whsec_",
        "argon2",
        "bob's private reply",
        "bob on ada's paper",
        "Bob's list",
        w.bob.email.as_str(),
    ] {
        assert!(!text.contains(absent), "the export holds {absent:?}");
    }
    // A session only: an API token is 403, nothing is 401.
    let by_token = app
        .client
        .get(app.url("/api/me/export"))
        .bearer_auth(&w.api_token)
        .send()
        .await
        .unwrap();
    assert_eq!(by_token.status(), 403);
    assert_eq!(
        app.client
            .get(app.url("/api/me/export"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let _ = (&w.paper, &w.ada_comment, &w.bob_reply, &w.ada);
}

storage_test!(deleting_an_account_leaves_nothing_personal_and_every_count_true);
async fn deleting_an_account_leaves_nothing_personal_and_every_count_true(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--webhook-allow-private", "on"]).await;
    let db = app.db.connect().await;
    let w = world(&app, &db).await;
    let access = w.session["accessToken"].as_str().unwrap().to_owned();
    assert_counters_match(&db).await;

    // A wrong password changes nothing; an API token may not delete the account.
    let users_before = app.count_rows("paper_upvotes").await;
    let wrong = app
        .gql_as(&access, DELETE, json!({ "p": "not the password" }))
        .await;
    assert_eq!(error_codes(&wrong), ["BAD_USER_INPUT"]);
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "password");
    let by_token = app
        .gql_as(&w.api_token, DELETE, json!({ "p": PASSWORD }))
        .await;
    assert_eq!(error_codes(&by_token), ["FORBIDDEN"]);
    assert_eq!(app.count_rows("paper_upvotes").await, users_before);
    assert_eq!(app.count_rows("api_tokens").await, 1);

    let deleted = app.data_as(&access, DELETE, json!({ "p": PASSWORD })).await;
    assert_eq!(deleted["deleteAccount"], true);

    // Every token stops working at once.
    for token in [access.as_str(), w.api_token.as_str()] {
        let body = app.gql_as(token, "{ viewer { id } }", json!({})).await;
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{token}");
    }
    let refreshed = app
        .gql(
            "mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({ "t": w.session["refreshToken"] }),
        )
        .await;
    assert_eq!(error_codes(&refreshed), ["UNAUTHENTICATED"]);
    let login = app
        .gql(
            "mutation ($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "usernameOrEmail": "ada", "password": PASSWORD } }),
        )
        .await;
    assert!(!error_codes(&login).is_empty(), "{login}");
    // The username stays reserved.
    let taken = app
        .gql(
            "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
            json!({ "i": { "username": "ada", "email": "new@example.org", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(error_codes(&taken), ["CONFLICT"]);

    // Threads intact: Ada's comment stays, unsigned, with Bob's reply under it.
    let thread = app
        .data(
            "query { paper(arxivId: \"2405.00001\") { upvoteCount commentCount comments(first: \
            10) { edges { node { body author { username } replies(first: 5) { edges { node { body \
            } } } } } } } }",
            json!({}),
        )
        .await;
    let top = &thread["paper"]["comments"]["edges"][0]["node"];
    assert_eq!(top["body"], "ada's own words");
    assert_eq!(top["author"], Value::Null);
    assert_eq!(
        top["replies"]["edges"][0]["node"]["body"],
        "bob's private reply"
    );
    assert_eq!(thread["paper"]["upvoteCount"], 1);
    assert_counters_match(&db).await;

    // Nothing personal left in any table.
    let id = w.ada.id;
    for (table, column) in [
        ("paper_upvotes", "user_id"),
        ("comment_upvotes", "user_id"),
        ("collection_upvotes", "user_id"),
        ("collections", "owner_id"),
        ("authorship_claims", "user_id"),
        ("authors", "user_id"),
        ("papers", "submitted_by"),
        ("comments", "user_id"),
        ("refresh_tokens", "user_id"),
        ("api_tokens", "user_id"),
        ("webhooks", "user_id"),
        ("digest_subscriptions", "user_id"),
        ("notifications", "user_id"),
        ("notifications", "actor_id"),
        ("comment_reports", "reporter_id"),
    ] {
        let n = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} = {id}"),
        )
        .await;
        assert_eq!(n, 0, "{table}.{column} still names the user");
    }
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM digest_subscriptions WHERE email = 'ada@example.org'"
        )
        .await,
        0
    );
    let row = entity::user::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.username, "ada");
    assert!(!row.email.contains("ada@example.org"));
    assert!(row.password_hash.is_empty());
    assert!(row.display_name.is_none() && row.bio.is_none() && row.avatar_url.is_none());
    assert!(row.disabled_at.is_some());
    // Bob's things are untouched.
    assert_eq!(app.count_rows("collections").await, 1);
    let bob_comment = entity::comment::Entity::find_by_id(w.bob_reply.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob_comment.user_id, Some(w.bob.id));
    let _ = (&w.paper, &w.ada_comment);
}

storage_test!(erasing_comments_leaves_tombstones_that_hold_their_replies);
async fn erasing_comments_leaves_tombstones_that_hold_their_replies(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--webhook-allow-private", "on"]).await;
    let db = app.db.connect().await;
    let w = world(&app, &db).await;
    let access = w.session["accessToken"].as_str().unwrap().to_owned();
    app.data_as(&access, DELETE, json!({ "p": PASSWORD, "erase": true }))
        .await;
    let thread = app
        .data(
            "query { paper(arxivId: \"2405.00001\") { commentCount comments(first: 10) { edges \
            { node { body isDeleted author { username } replies(first: 5) { edges { node { body } \
            } } } } } } }",
            json!({}),
        )
        .await;
    let top = &thread["paper"]["comments"]["edges"][0]["node"];
    assert_eq!(top["body"], "");
    assert_eq!(top["isDeleted"], true);
    assert_eq!(top["author"], Value::Null);
    assert_eq!(
        top["replies"]["edges"][0]["node"]["body"],
        "bob's private reply"
    );
    assert_eq!(thread["paper"]["commentCount"], 1);
    let erased = entity::comment::Entity::find_by_id(w.ada_comment.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(erased.body.is_empty() && erased.user_id.is_none());
    assert_counters_match(&db).await;
}
