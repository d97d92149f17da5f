//! Writing comments: replies on the same paper, nesting cap, author-only edits and deletes
//! (tombstones), moderators hiding. Rejected requests change nothing.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};
use crate::support::{TestApp, error_codes, papers_bin};

const ADD: &str = "mutation ($input: AddCommentInput!) { addComment(input: $input) { id body \
    bodyHtml author { username } parent { id } paper { commentCount } } }";

async fn paper_ids(app: &TestApp) -> (Value, Value) {
    let data = app
        .data(
            "{ a: paper(arxivId: \"2401.00001\") { id } b: paper(arxivId: \"2401.00002\") { id } }",
            json!({}),
        )
        .await;
    (data["a"]["id"].clone(), data["b"]["id"].clone())
}

async fn comment_rows(app: &TestApp) -> (i64, String) {
    let db = app.db.connect().await;
    use sea_orm::EntityTrait;
    let papers = entity::paper::Entity::find()
        .all(&db)
        .await
        .expect("papers");
    let counts: Vec<String> = papers
        .iter()
        .map(|p| format!("{}:{}", p.arxiv_id, p.comment_count))
        .collect();
    (app.count_rows("comments").await, counts.join(","))
}

storage_test!(comments_and_replies_nest_on_one_paper_and_bad_ones_change_nothing);
async fn comments_and_replies_nest_on_one_paper_and_bad_ones_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    fixtures::paper(&db, "2401.00002", "Two", "x", &["A"], fixtures::now(), None).await;
    let (one, two) = paper_ids(&app).await;
    let top = app
        .data_as(
            &ada,
            ADD,
            json!({ "input": { "paperId": one, "body": "Nice **work** <script>x</script>" } }),
        )
        .await;
    let top_id = top["addComment"]["id"].clone();
    assert_eq!(top["addComment"]["paper"]["commentCount"], 1);
    assert!(
        !top["addComment"]["bodyHtml"]
            .as_str()
            .expect("html")
            .contains("<script")
    );
    let reply = app
        .data_as(
            &ada,
            ADD,
            json!({ "input": { "paperId": one, "body": "Indeed", "parentId": top_id } }),
        )
        .await;
    assert_eq!(reply["addComment"]["parent"]["id"], top_id);
    assert_eq!(reply["addComment"]["paper"]["commentCount"], 2);

    // Nest to the cap: depth 1 exists; 7 more replies reach depth 8; the next is refused.
    let mut parent = reply["addComment"]["id"].clone();
    for _ in 0..7 {
        parent = app
            .data_as(
                &ada,
                ADD,
                json!({ "input": { "paperId": one, "body": "deeper", "parentId": parent } }),
            )
            .await["addComment"]["id"]
            .clone();
    }
    let before = comment_rows(&app).await;
    let cases = [
        (
            json!({ "paperId": two, "body": "wrong paper", "parentId": top_id }),
            "BAD_USER_INPUT",
            "parentId",
        ),
        (
            json!({ "paperId": one, "body": "too deep", "parentId": parent }),
            "BAD_USER_INPUT",
            "parentId",
        ),
        (
            json!({ "paperId": one, "body": "" }),
            "BAD_USER_INPUT",
            "body",
        ),
        (
            json!({ "paperId": one, "body": "   " }),
            "BAD_USER_INPUT",
            "body",
        ),
        (
            json!({ "paperId": one, "body": "x".repeat(10_001) }),
            "BAD_USER_INPUT",
            "body",
        ),
        (
            json!({ "paperId": "garbage", "body": "x" }),
            "BAD_USER_INPUT",
            "paperId",
        ),
    ];
    for (input, code, field) in cases {
        let body = app.gql_as(&ada, ADD, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), [code], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
        assert_eq!(comment_rows(&app).await, before, "nothing written");
    }
    let anonymous = app
        .gql(ADD, json!({ "input": { "paperId": one, "body": "hi" } }))
        .await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    let ok = app
        .gql_as(
            &ada,
            ADD,
            json!({ "input": { "paperId": one, "body": "x".repeat(10_000) } }),
        )
        .await;
    assert!(ok.get("errors").is_none());
}

storage_test!(only_the_author_edits_or_deletes_and_a_delete_leaves_a_tombstone);
async fn only_the_author_edits_or_deletes_and_a_delete_leaves_a_tombstone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let (one, _) = paper_ids(&app).await;
    let top = app
        .data_as(
            &ada,
            ADD,
            json!({ "input": { "paperId": one, "body": "first" } }),
        )
        .await["addComment"]["id"]
        .clone();
    app.data_as(
        &bob,
        ADD,
        json!({ "input": { "paperId": one, "body": "reply", "parentId": top } }),
    )
    .await;

    let edit = "mutation ($id: ID!, $body: String!) { editComment(input: { id: $id, body: $body \
        }) { body editedAt } }";
    let delete = "mutation ($id: ID!) { deleteComment(id: $id) { isDeleted body author { username \
        } replyCount paper { commentCount } } }";
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, edit, json!({ "id": top, "body": "hijack" }))
                .await
        ),
        ["FORBIDDEN"]
    );
    assert_eq!(
        error_codes(&app.gql_as(&bob, delete, json!({ "id": top })).await),
        ["FORBIDDEN"]
    );
    let edited = app
        .data_as(&ada, edit, json!({ "id": top, "body": "first, edited" }))
        .await;
    assert_eq!(edited["editComment"]["body"], "first, edited");
    assert!(edited["editComment"]["editedAt"].is_string());

    let deleted = app.data_as(&ada, delete, json!({ "id": top })).await;
    assert_eq!(
        deleted["deleteComment"],
        json!({ "isDeleted": true, "body": "", "author": null, "replyCount": 1,
            "paper": { "commentCount": 1 } })
    );
    // The reply stays in the thread under the tombstone.
    let thread = app
        .data(
            "{ paper(arxivId: \"2401.00001\") { commentCount comments { edges { \
        node { isDeleted replies { edges { node { body } } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(thread["paper"]["commentCount"], 1);
    assert_eq!(
        thread["paper"]["comments"]["edges"][0]["node"]["replies"]["edges"][0]["node"]["body"],
        "reply"
    );
    // A deleted comment can be neither edited nor deleted again.
    assert_eq!(
        error_codes(
            &app.gql_as(&ada, edit, json!({ "id": top, "body": "again" }))
                .await
        ),
        ["NOT_FOUND"]
    );
}

storage_test!(moderators_hide_comments_and_others_may_not);
async fn moderators_hide_comments_and_others_may_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let mo = fixtures::user(&db, "mo").await;
    fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let (one, _) = paper_ids(&app).await;
    let id = app
        .data_as(
            &ada,
            ADD,
            json!({ "input": { "paperId": one, "body": "spam" } }),
        )
        .await["addComment"]["id"]
        .clone();
    let hide = "mutation ($id: ID!, $reason: String!) { hideComment(id: $id, reason: $reason) { \
        isDeleted body } }";
    assert_eq!(
        error_codes(
            &app.gql_as(&token_for(&mo), hide, json!({ "id": id, "reason": "spam" }))
                .await
        ),
        ["FORBIDDEN"]
    );

    // `papers user promote` makes the first moderator.
    let output = tokio::process::Command::new(papers_bin())
        .args(["user", "promote", "MO", "moderator"])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .await
        .expect("promote");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mo_token = token_for(&mo);
    let body = app
        .gql_as(&mo_token, hide, json!({ "id": id, "reason": "" }))
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    // On PostgreSQL the promotion, written by another process, reaches the server's cache of
    // signed-in users through the database's notifications: hide once it has arrived.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    let answer = loop {
        let answer = app
            .gql_as(&mo_token, hide, json!({ "id": id, "reason": "spam" }))
            .await;
        if error_codes(&answer) != ["FORBIDDEN"] || tokio::time::Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(answer.get("errors").is_none(), "{answer}");
    let seen_by_moderator = &answer["data"];
    assert_eq!(
        seen_by_moderator["hideComment"],
        json!({ "isDeleted": false, "body": "spam" })
    );
    let query = "query ($id: ID!) { node(id: $id) { ... on Comment { isDeleted body } } }";
    assert_eq!(
        app.data_as(&ada, query, json!({ "id": id })).await["node"],
        json!({ "isDeleted": true, "body": "" })
    );
    assert_eq!(
        app.data(query, json!({ "id": id })).await["node"],
        json!({ "isDeleted": true, "body": "" })
    );
}

storage_test!(markdown_is_rendered_once_when_written_and_older_rows_are_filled_in);
async fn markdown_is_rendered_once_when_written_and_older_rows_are_filled_in(backend: Backend) {
    use entity::comment;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};

    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "writer").await;
    let paper = fixtures::paper(
        &db,
        "2405.00001",
        "T",
        "A.",
        &["Ada"],
        fixtures::now(),
        None,
    )
    .await;
    let written = fixtures::comment(&db, &paper, &user, None, "some *emphasis*").await;
    let read = |id: api::ids::CommentId| {
        let db = db.clone();
        async move {
            comment::Entity::find_by_id(id)
                .one(&db)
                .await
                .expect("read")
                .expect("the comment")
        }
    };
    let stored = read(written.id).await;
    assert_eq!(
        stored.body_html.as_deref(),
        Some("<p>some <em>emphasis</em></p>\n"),
        "rendered at write time"
    );

    // A row from before the column existed: null until the service renders it.
    let mut older: comment::ActiveModel = stored.clone().into();
    older.body = Set("**old** text".into());
    older.body_html = Set(None);
    older.update(&db).await.expect("an older row");
    let query = "{ paper(arxivId: \"2405.00001\") { comments { edges { node { bodyHtml } } } } }";
    let html = |data: Value| data["paper"]["comments"]["edges"][0]["node"]["bodyHtml"].clone();
    let expected = "<p><strong>old</strong> text</p>\n";
    assert_eq!(
        html(app.data(query, json!({})).await),
        expected,
        "rendered on read meanwhile"
    );
    // The server's own startup pass may have filled the row first (it runs in the background):
    // either way one pass leaves nothing to render.
    let rendered = api::services::discussion::render_missing(&db)
        .await
        .expect("render");
    assert!(
        rendered <= 1,
        "only the older row was missing, not {rendered}"
    );
    let again = api::services::discussion::render_missing(&db)
        .await
        .expect("render");
    assert_eq!(again, 0, "nothing is left to render");
    let filled = read(written.id).await;
    assert_eq!(filled.body_html.as_deref(), Some(expected));
    assert_eq!(html(app.data(query, json!({})).await), expected);

    // An edit renders the new body; a delete clears both.
    let token = token_for(&user);
    let id = app
        .data(query.replace("bodyHtml", "id").as_str(), json!({}))
        .await["paper"]["comments"]["edges"][0]["node"]["id"]
        .clone();
    let edit = "mutation ($input: EditCommentInput!) { editComment(input: $input) { bodyHtml } }";
    let data = app
        .data_as(
            &token,
            edit,
            json!({ "input": { "id": id, "body": "`code`" } }),
        )
        .await;
    assert_eq!(
        data["editComment"]["bodyHtml"],
        "<p><code>code</code></p>\n"
    );
    let row = read(written.id).await;
    assert_eq!(row.body_html.as_deref(), Some("<p><code>code</code></p>\n"));
    let delete = "mutation ($id: ID!) { deleteComment(id: $id) { id } }";
    app.data_as(&token, delete, json!({ "id": id })).await;
    let row = read(written.id).await;
    assert_eq!(
        (row.body.as_str(), row.body_html.as_deref()),
        ("", Some(""))
    );
    app.stop().await;
}
