//! The surfaces for agents and integrators: papers as markdown, comments over REST, `/llms.txt`
//! and the MCP server (driven by the real MCP Python SDK, installed by `.ci/run` into
//! `tests/py/.venv`).

use std::collections::HashSet;

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::{Backend, TestApp, fixtures};

/// A paper of 2025-02-26 with authors, links, three upvoted comments (one deleted, one hidden by
/// a moderator), replies, and a second paper: what the tests below read.
struct Thread {
    paper: entity::paper::Model,
    other: entity::paper::Model,
    top: Vec<entity::comment::Model>,
    ada: entity::user::Model,
    carol: entity::user::Model,
}

async fn thread(app: &TestApp) -> Thread {
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let bob = fixtures::user(&db, "bob").await;
    let carol = fixtures::user(&db, "carol").await;
    let at = Utc
        .with_ymd_and_hms(2025, 2, 26, 10, 0, 0)
        .single()
        .expect("a time");
    let paper = fixtures::paper(
        &db,
        "2502.00001",
        "Zebra stripes",
        "On zebras and their stripes.",
        &["Bob Builder", "Carol"],
        at,
        Some(ada.id),
    )
    .await;
    let mut with_links: entity::paper::ActiveModel = paper.clone().into();
    with_links.github_repo = Set(Some("https://github.com/zoo/zebra".to_owned()));
    let paper = with_links.update(&db).await.expect("links");
    let other = fixtures::paper(&db, "2502.00002", "Horses", "x", &["D"], at, None).await;
    let mut top = Vec::new();
    for (n, user) in [&ada, &bob, &carol].into_iter().enumerate() {
        let comment = fixtures::comment(
            &db,
            &paper,
            user,
            None,
            &format!("Comment {n}\n\nwith *emphasis*"),
        )
        .await;
        top.push(comment);
    }
    // Replies under the first comment; an upvote on the third puts it on top.
    for n in 0..3 {
        fixtures::comment(&db, &paper, &bob, Some(&top[0]), &format!("Reply {n}")).await;
    }
    let caller = api::auth::Caller::session(ada.clone());
    api::services::votes::vote(&fixtures::services(&db), &caller, top[2].id, true)
        .await
        .expect("upvote");
    // A fourth comment is hidden by a moderator, and Bob deletes his own.
    let hidden = fixtures::comment(&db, &paper, &carol, None, "Spam spam spam").await;
    let mut row: entity::comment::ActiveModel = hidden.into();
    row.hidden_at = Set(Some(fixtures::now()));
    row.hidden_reason = Set(Some("spam".to_owned()));
    row.update(&db).await.expect("hide");
    let bob_token = fixtures::token_for(&bob);
    let id = Value::String(api::ids::Global::global(top[1].id));
    app.data_as(
        &bob_token,
        "mutation ($id: ID!) { deleteComment(id: $id) { isDeleted } }",
        json!({ "id": id }),
    )
    .await;
    fixtures::comment(&db, &other, &ada, None, "On horses").await;
    Thread {
        paper,
        other,
        top,
        ada,
        carol,
    }
}

storage_test!(a_paper_reads_as_markdown_with_conditional_gets);
async fn a_paper_reads_as_markdown_with_conditional_gets(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let t = thread(&app).await;
    let client = reqwest::Client::new();
    let response = client
        .get(app.url("/papers/2502.00001.md"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let etag = response.headers()["etag"].clone();
    let page = response.text().await.expect("text");
    assert!(page.starts_with("# Zebra stripes\n"), "{page}");
    for part in [
        "**Authors:** Bob Builder, Carol",
        "**Submitted to the daily papers:** 2025-02-26 by @ada",
        "**Upvotes:** 0 · **Comments:** ",
        "- arXiv: https://arxiv.org/abs/2502.00001",
        "- PDF: https://arxiv.org/pdf/2502.00001",
        "- Code: https://github.com/zoo/zebra",
        "## Abstract\n\nOn zebras and their stripes.",
        "## Top comments",
        // The most upvoted comment first, quoted line by line with its author.
        "> Comment 2\n>\n> with *emphasis*\n\n— carol display (@carol), 1 upvotes",
        "> Comment 0",
    ] {
        assert!(page.contains(part), "{part:?} in {page}");
    }
    // Deleted and hidden comments are never quoted.
    assert!(!page.contains("Comment 1"), "{page}");
    assert!(!page.contains("Spam"), "{page}");
    assert!(
        page.find("Comment 2").expect("top") < page.find("Comment 0").expect("second"),
        "{page}"
    );

    // The same page with `Accept: text/markdown`, and 304 for a matching ETag.
    let negotiated = client
        .get(app.url("/papers/2502.00001"))
        .header("accept", "text/markdown")
        .send()
        .await
        .expect("page");
    assert_eq!(negotiated.status(), StatusCode::OK);
    assert_eq!(negotiated.text().await.expect("text"), page);
    let unchanged = client
        .get(app.url("/papers/2502.00001.md"))
        .header("if-none-match", etag.clone())
        .send()
        .await
        .expect("page");
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert!(unchanged.text().await.expect("body").is_empty());
    // A new comment changes the page, and its ETag.
    let db = app.db.connect().await;
    fixtures::comment(&db, &t.paper, &t.carol, None, "Fresh").await;
    let changed = client
        .get(app.url("/papers/2502.00001.md"))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("page");
    assert_eq!(changed.status(), StatusCode::OK);

    // Only markdown is served; unknown papers are 404.
    let html = client
        .get(app.url("/papers/2502.00001"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(html.status(), StatusCode::NOT_ACCEPTABLE);
    for path in ["/papers/2101.99999.md", "/papers/not-an-id.md"] {
        let missing = client.get(app.url(path)).send().await.expect("page");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = reqwest::get(app.url(path)).await.expect("request");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

storage_test!(comments_over_rest_page_the_thread_with_tombstones);
async fn comments_over_rest_page_the_thread_with_tombstones(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let t = thread(&app).await;
    let base = "/api/papers/2502.00001/comments";

    // Two by two, oldest first: every top-level comment once, tombstones in their place.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}?limit=2&cursor={}", urlencode(c)),
            None => format!("{base}?limit=2"),
        };
        let (status, page) = get_json(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 4);
        seen.extend(page["comments"].as_array().expect("comments").clone());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);
    let first = &seen[0];
    assert_eq!(first["id"], api::ids::Global::global(t.top[0].id));
    assert_eq!(first["author"]["user"], "ada");
    assert_eq!(first["body"], "Comment 0\n\nwith *emphasis*");
    assert!(
        first["bodyHtml"]
            .as_str()
            .expect("html")
            .contains("<em>emphasis</em>")
    );
    assert_eq!(first["numReplies"], 3);
    assert_eq!(first["isDeleted"], false);
    let replies: Vec<&str> = first["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .map(|r| r["body"].as_str().expect("body"))
        .collect();
    assert_eq!(replies, ["Reply 0", "Reply 1", "Reply 2"]);
    assert_eq!(first["replies"][0]["parentId"], first["id"]);
    // Deleted (Bob's) and hidden (the spam) comments: no author, no body.
    for tombstone in [&seen[1], &seen[3]] {
        assert_eq!(tombstone["isDeleted"], true, "{tombstone}");
        assert_eq!(tombstone["author"], Value::Null);
        assert_eq!(tombstone["body"], "");
        assert_eq!(tombstone["bodyHtml"], "");
    }
    let all = serde_json::to_string(&seen).expect("json");
    assert!(!all.contains("Spam") && !all.contains("Comment 1") && !all.contains("spam"));

    // Most upvoted first; replies of one comment through `parent`, one page at a time.
    let (_, top) = get_json(&app, &format!("{base}?sort=top&limit=1")).await;
    assert_eq!(top["comments"][0]["body"], "Comment 2\n\nwith *emphasis*");
    let parent = first["id"].as_str().expect("id");
    let (status, replies) = get_json(&app, &format!("{base}?parent={parent}&limit=2")).await;
    assert_eq!(status, StatusCode::OK, "{replies}");
    assert_eq!(replies["total"], 3);
    assert_eq!(replies["comments"][1]["body"], "Reply 1");
    assert!(replies["nextCursor"].is_string());

    // Refusals name their parameter and change nothing; another paper's comment is not found.
    let before = app.count_rows("comments").await;
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("sort=best", "sort"),
        ("cursor=garbage", "cursor"),
        ("parent=nonsense", "parent"),
    ] {
        let (status, body) = get_json(&app, &format!("{base}?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["code"], "BAD_USER_INPUT");
        assert_eq!(body["parameter"], parameter, "{query}");
    }
    // A cursor of another order is refused too.
    let (_, oldest) = get_json(&app, &format!("{base}?limit=1")).await;
    let foreign = oldest["nextCursor"].as_str().expect("cursor");
    let (status, body) = get_json(
        &app,
        &format!("{base}?sort=top&cursor={}", urlencode(foreign)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let db = app.db.connect().await;
    let elsewhere = fixtures::comment(&db, &t.other, &t.ada, None, "Elsewhere").await;
    let foreign_parent = api::ids::Global::global(elsewhere.id);
    let (status, body) = get_json(&app, &format!("{base}?parent={foreign_parent}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "NOT_FOUND");
    let (status, _) = get_json(&app, "/api/papers/2101.99999/comments").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count_rows("comments").await, before + 1);
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn llms_txt_points_agents_at_every_surface() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo"]).await;
    let response = reqwest::get(app.url("/llms.txt")).await.expect("llms.txt");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("text");
    assert!(text.starts_with("# Papers\n"), "{text}");
    for surface in [
        "/mcp",
        "/graphql",
        "/openapi.json",
        "/papers/{arxivId}.md",
        "/api/papers/{arxivId}/comments",
        "/api/daily_papers",
    ] {
        assert!(text.contains(surface), "{surface} in {text}");
    }
}

const TOKEN: &str = "mutation ($scopes: [ApiTokenScope!]!) { \
    createApiToken(input: { name: \"agent\", scopes: $scopes }) { token } }";

storage_test!(the_mcp_client_lists_and_calls_the_tools_as_its_token_allows);
async fn the_mcp_client_lists_and_calls_the_tools_as_its_token_allows(backend: Backend) {
    let Some(python) = crate::support::process::venv_python("mcp") else {
        return;
    };
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let t = thread(&app).await;
    let db = app.db.connect().await;
    let mine = fixtures::collection(&db, &t.ada, "Stripes", false, &[&t.other]).await;
    let private = fixtures::collection(&db, &t.carol, "Secret", true, &[&t.other]).await;
    let session = fixtures::token_for(&t.ada);
    let mut secrets = Vec::new();
    for scopes in [json!(["READ"]), json!(["READ", "WRITE"])] {
        let created = app
            .data_as(&session, TOKEN, json!({ "scopes": scopes }))
            .await;
        secrets.push(
            created["createApiToken"]["token"]
                .as_str()
                .expect("token")
                .to_owned(),
        );
    }

    // A bad bearer is refused before the protocol starts.
    let refused = reqwest::Client::new()
        .post(app.url("/mcp"))
        .bearer_auth("papers_not-a-token")
        .header("accept", "application/json, text/event-stream")
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["code"], "UNAUTHENTICATED");

    let before_comments = app.count_rows("comments").await;
    // The page as it is before the client writes.
    let page = reqwest::get(app.url("/papers/2502.00001.md"))
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    let mcp = app.url("/mcp");
    let args = [
        mcp.as_str(),
        "2502.00001",
        &mine.slug,
        &private.slug,
        &secrets[0],
        &secrets[1],
    ];
    let out = crate::support::process::run_client(&python, "mcp_client.py", &args, &[]).await;

    // Anonymous callers and READ tokens get the six read tools, each with an object schema.
    let read_tools = [
        "daily_papers",
        "get_collection",
        "get_comments",
        "get_paper",
        "search_papers",
        "similar_papers",
    ];
    let anonymous = out["anonymous_tools"].as_object().expect("tools");
    let names: HashSet<&str> = anonymous.keys().map(String::as_str).collect();
    assert_eq!(names, read_tools.into_iter().collect());
    for (name, schema) in anonymous {
        assert_eq!(schema["type"], "object", "{name}");
    }
    assert_eq!(anonymous["get_paper"]["required"], json!(["arxiv_id"]));
    assert_eq!(
        anonymous["search_papers"]["properties"]["limit"]["maximum"],
        100
    );
    assert_eq!(out["protocol"], "2026-07-28");
    assert_eq!(out["legacy_tools"], json!(read_tools));
    assert_ne!(out["legacy_protocol"], out["protocol"]);
    assert_eq!(out["read_tools"], json!(read_tools));
    let mut all = read_tools.to_vec();
    all.extend(["add_comment", "add_to_collection", "upvote_paper"]);
    all.sort_unstable();
    assert_eq!(out["write_tools"], json!(all));

    // Each read tool answers markdown and structured content.
    let calls = &out["calls"];
    for name in read_tools {
        assert_eq!(calls[name]["is_error"], false, "{name}: {}", calls[name]);
    }
    assert_eq!(
        calls["search_papers"]["structured"]["papers"][0]["id"],
        "2502.00001"
    );
    assert!(
        calls["search_papers"]["text"]
            .as_str()
            .expect("text")
            .contains("**Zebra stripes** (arXiv 2502.00001)")
    );
    let daily: Vec<&str> = calls["daily_papers"]["structured"]["papers"]
        .as_array()
        .expect("papers")
        .iter()
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert_eq!(daily.len(), 2);
    assert_eq!(
        calls["get_paper"]["text"], page,
        "get_paper reads as the page"
    );
    assert_eq!(calls["get_paper"]["structured"]["title"], "Zebra stripes");
    assert_eq!(
        calls["get_paper"]["structured"]["githubRepo"],
        "https://github.com/zoo/zebra"
    );
    let comments = &calls["get_comments"];
    assert_eq!(
        comments["structured"]["comments"][0]["author"]["user"],
        "ada"
    );
    assert_eq!(
        comments["structured"]["comments"][0]["replies"][2]["body"],
        "Reply 2"
    );
    assert!(
        comments["text"]
            .as_str()
            .expect("text")
            .contains("> Reply 1")
    );
    let next = &out["comments_next"];
    assert_eq!(next["structured"]["comments"][0]["isDeleted"], true);
    assert!(
        next["text"]
            .as_str()
            .expect("text")
            .contains("[deleted comment")
    );
    let collection = &calls["get_collection"]["structured"];
    assert_eq!(collection["title"], "Stripes");
    assert_eq!(collection["owner"]["user"], "ada");
    assert_eq!(collection["papers"][0]["id"], "2502.00002");
    assert_eq!(collection["papers"][0]["note"], "note 0");
    let listed = calls["get_collection"]["text"].as_str().expect("text");
    assert!(listed.contains("**Horses** (arXiv 2502.00002)"), "{listed}");
    assert!(listed.contains("\n   Note: note 0\n"), "{listed}");

    // Bad input is a tool error with a message, never a protocol failure.
    for (case, result) in out["errors"].as_object().expect("errors") {
        assert_eq!(result["is_error"], true, "{case}: {result}");
        assert!(!result["text"].as_str().expect("text").is_empty(), "{case}");
    }
    let text = |case: &str| {
        out["errors"][case]["text"]
            .as_str()
            .expect("text")
            .to_owned()
    };
    assert!(text("limit").contains("limit"));
    assert!(text("unknown_paper").contains("NOT_FOUND"));
    assert!(text("bad_date").contains("BAD_USER_INPUT"));
    assert!(text("private_collection").contains("NOT_FOUND"));
    assert!(text("unknown_argument").contains("verbose"));

    // A READ token cannot write; a WRITE token writes under the same rules as GraphQL.
    assert_eq!(out["read_upvote"]["is_error"], true);
    let write = &out["write"];
    assert_eq!(write["upvote"]["is_error"], false, "{write}");
    assert_eq!(write["upvote"]["structured"]["upvotes"], 1);
    assert_eq!(write["upvote_again"]["structured"]["upvotes"], 1);
    assert_eq!(write["comment"]["is_error"], false, "{write}");
    assert_eq!(write["reply"]["is_error"], false, "{write}");
    assert_eq!(write["collect"]["is_error"], false, "{write}");
    assert_eq!(write["collect"]["structured"]["numPapers"], 2);
    assert_eq!(write["empty_comment"]["is_error"], true);
    assert!(
        write["empty_comment"]["text"]
            .as_str()
            .expect("text")
            .contains("BAD_USER_INPUT")
    );
    assert_eq!(write["others_collection"]["is_error"], true);
    let paper = entity::paper::Entity::find_by_id(t.paper.id)
        .one(&db)
        .await
        .expect("query")
        .expect("paper");
    assert_eq!(paper.upvote_count, 1, "one upvote, by the WRITE token");
    assert_eq!(app.count_rows("comments").await, before_comments + 2);
    let private_after = entity::collection::Entity::find_by_id(private.id)
        .one(&db)
        .await
        .expect("query")
        .expect("collection");
    assert_eq!(
        private_after.item_count, 1,
        "someone else's collection unchanged"
    );
    let reply = &write["reply"]["structured"];
    assert_eq!(reply["parentId"], write["comment"]["structured"]["id"]);
}

#[tokio::test]
async fn the_openapi_document_is_valid_and_describes_every_rest_route() {
    let Some(python) = crate::support::process::venv_python("openapi-spec-validator") else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = reqwest::get(app.url("/openapi.json"))
        .await
        .expect("document");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("text");
    let document: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(document["openapi"], "3.1.0");

    // A real validator accepts it.
    let file = app.db.dir().join("openapi.json");
    std::fs::write(&file, &text).expect("write");
    let validator = python.with_file_name("openapi-spec-validator");
    let output = tokio::process::Command::new(&validator)
        .arg(&file)
        .output()
        .await
        .expect("run the validator");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // Every route the server counts is described, but the protocols that describe themselves
    // (GraphQL by introspection, MCP by `tools/list`); and nothing else is.
    let paths: HashSet<&str> = document["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    let served: HashSet<&str> = api::http::metrics::ROUTES
        .iter()
        .copied()
        .filter(|route| !["/graphql", "/graphql/ws", "/mcp"].contains(route))
        .collect();
    assert_eq!(paths, served);
    // And each described operation is served: its method on its path (with a paper of the
    // demo data) reaches a handler, never the router's 404 or 405.
    let client = reqwest::Client::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            let url = app.url(&path.replace("{arxiv_id}", "2502.01456"));
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            let response = client
                .request(method.clone(), url)
                .send()
                .await
                .expect("request");
            let status = response.status();
            let documented = &item[method.as_str().to_lowercase()]["responses"];
            assert!(
                documented.get(status.as_str()).is_some(),
                "{method} {path} answered {status}, not among {documented}"
            );
        }
    }
}
