//! `papers import FILE`: all or nothing, idempotent by arXiv id, bad records reported with their
//! index and reason.

use serde_json::{Value, json};
use tokio::process::Command;

use crate::storage_test;
use crate::support::Backend;
use crate::support::{TestDb, count_rows, papers_bin};

const DEMO_FILE: &str = include_str!("../api/data/demo-papers.json");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

async fn import(db: &TestDb, contents: &str) -> Run {
    let file = db
        .dir()
        .join(format!("import-{}.json", uuid::Uuid::new_v4().simple()));
    std::fs::write(&file, contents).expect("write the import file");
    let output = Command::new(papers_bin())
        .arg("import")
        .arg(&file)
        .env("DATABASE_URL", &db.url)
        .env("PAPERS_JWT_SECRET", crate::support::fixtures::TEST_SECRET)
        .output()
        .await
        .expect("run papers import");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn paper(arxiv_id: &str) -> Value {
    json!({
        "arxiv_id": arxiv_id,
        "title": format!("A paper about training {arxiv_id}"),
        "authors": ["Ada Lovelace", "Alan Turing"],
        "abstract": "We study training.",
        "published_on": "2024-05-01",
        "upvotes": 3,
        "github_repo": null
    })
}

async fn paper_count(db: &TestDb) -> i64 {
    count_rows(&db.connect().await, "papers").await
}

storage_test!(importing_the_same_file_twice_changes_nothing);
async fn importing_the_same_file_twice_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let first = import(&db, DEMO_FILE).await;
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(first.stdout.contains("imported 39"), "{}", first.stdout);
    let conn = db.connect().await;
    let authors = count_rows(&conn, "authors").await;
    let links = count_rows(&conn, "paper_authors").await;

    let second = import(&db, DEMO_FILE).await;
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(second.stdout.contains("imported 0"), "{}", second.stdout);
    assert!(second.stdout.contains("skipped 39"), "{}", second.stdout);
    assert_eq!(count_rows(&conn, "papers").await, 39);
    assert_eq!(count_rows(&conn, "authors").await, authors);
    assert_eq!(count_rows(&conn, "paper_authors").await, links);
    assert_eq!(
        count_rows(&conn, "paper_upvotes").await,
        0,
        "no fabricated votes"
    );
}

storage_test!(authors_shared_between_papers_are_one_author);
async fn authors_shared_between_papers_are_one_author(backend: Backend) {
    let db = TestDb::new(backend).await;
    let file = json!([paper("2401.00001"), paper("2401.00002")]).to_string();
    assert_eq!(import(&db, &file).await.code, Some(0));
    let conn = db.connect().await;
    assert_eq!(count_rows(&conn, "authors").await, 2);
    assert_eq!(count_rows(&conn, "paper_authors").await, 4);
}

storage_test!(each_kind_of_bad_record_refuses_the_whole_file);
async fn each_kind_of_bad_record_refuses_the_whole_file(backend: Backend) {
    let db = TestDb::new(backend).await;
    let settings = crate::support::settings(&db, &[]);
    api::db::migrate_up(&api::db::connect(&settings).await.expect("connect"))
        .await
        .expect("migrate");
    let mut missing_title = paper("2401.00003");
    missing_title
        .as_object_mut()
        .expect("object")
        .remove("title");
    let mut no_authors = paper("2401.00004");
    no_authors["authors"] = json!([]);
    let mut bad_date = paper("2401.00005");
    bad_date["published_on"] = json!("2024-02-30");
    let cases: Vec<(String, &str)> = vec![
        (
            json!([paper("2401.00001"), missing_title]).to_string(),
            "record 1: missing field `title`",
        ),
        (
            json!([paper("2401.00001"), paper("not-an-id")]).to_string(),
            "record 1: arxiv_id",
        ),
        (
            json!([
                paper("2401.00001"),
                paper("2401.00002"),
                paper("2401.00001")
            ])
            .to_string(),
            "record 2: duplicate arxiv_id",
        ),
        (json!([no_authors]).to_string(), "record 0: authors"),
        (
            json!([paper("2401.00001"), bad_date]).to_string(),
            "record 1: published_on",
        ),
        ("this is not JSON".to_owned(), "not a JSON array"),
        (
            json!({"arxiv_id": "2401.00001"}).to_string(),
            "not a JSON array",
        ),
    ];
    for (contents, expected) in cases {
        let run = import(&db, &contents).await;
        assert_eq!(run.code, Some(1), "refused: {contents}");
        assert!(
            run.stderr.contains(expected),
            "{expected:?} in {:?}",
            run.stderr
        );
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "one line: {:?}",
            run.stderr
        );
        assert_eq!(
            paper_count(&db).await,
            0,
            "nothing imported from {contents}"
        );
    }
}

/// The paper with this arXiv id, as stored.
/// The slugs of a paper's topics, primary first.
async fn topics_of(db: &TestDb, paper: entity::ids::PaperId) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let conn = db.connect().await;
    let links = entity::paper_topic::Entity::find()
        .filter(entity::paper_topic::Column::PaperId.eq(paper))
        .order_by_asc(entity::paper_topic::Column::Position)
        .find_also_related(entity::topic::Entity)
        .all(&conn)
        .await
        .expect("topics");
    links
        .into_iter()
        .filter_map(|(_, topic)| topic.map(|t| t.slug))
        .collect()
}

async fn stored(db: &TestDb, arxiv_id: &str) -> entity::paper::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::paper::Entity::find()
        .filter(entity::paper::Column::ArxivId.eq(arxiv_id))
        .one(&db.connect().await)
        .await
        .expect("query")
        .expect("the paper")
}

storage_test!(hugging_face_daily_papers_import_nested_and_flat);
async fn hugging_face_daily_papers_import_nested_and_flat(backend: Backend) {
    use chrono::{TimeZone, Utc};
    let db = TestDb::new(backend).await;
    // As the Hub's /api/daily_papers answers: the paper nested, the listing's own fields around it.
    let nested = json!([{
        "paper": {
            "id": "2502.11111",
            "authors": [{ "_id": "a1", "name": "Ada Lovelace", "hidden": false },
                        { "_id": "a2", "name": "Alan Turing", "hidden": false }],
            "publishedAt": "2025-02-20T18:00:00.000Z",
            "submittedOnDailyAt": "2025-02-21T01:23:45.000Z",
            "title": "Nested title",
            "summary": "Nested summary.",
            "upvotes": 42,
            "discussionId": "67b7e5f2",
            "githubRepo": "https://github.com/example/nested"
        },
        "publishedAt": "2025-02-21T01:23:45.000Z",
        "title": "Nested title",
        "thumbnail": "https://example.org/t.png",
        "numComments": 3,
        "submittedBy": { "user": "someone", "fullname": "Some One" },
        "isAuthorParticipating": false
    }]);
    // As this service's REST surface (and the Hub's flat form) answers.
    let flat = json!([{
        "id": "2502.22222",
        "title": "Flat title",
        "summary": "Flat summary.",
        "authors": [{ "name": "Grace Hopper", "hidden": false }],
        "publishedAt": "2025-02-19T00:00:00.000Z",
        "submittedOnDailyAt": "2025-02-22T08:00:00.000Z",
        "upvotes": 7,
        "numComments": 0,
        "projectPage": "https://example.org/flat"
    }]);
    for file in [&nested, &flat] {
        let run = import(&db, &file.to_string()).await;
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("imported 1"), "{}", run.stdout);
    }
    let paper = stored(&db, "2502.11111").await;
    assert_eq!(
        (paper.title.as_str(), paper.r#abstract.as_str()),
        ("Nested title", "Nested summary.")
    );
    assert_eq!(paper.author_names, "Ada Lovelace, Alan Turing");
    assert_eq!(
        paper.published_at,
        Utc.with_ymd_and_hms(2025, 2, 20, 18, 0, 0).single()
    );
    assert_eq!(
        Some(paper.submitted_at),
        Utc.with_ymd_and_hms(2025, 2, 21, 1, 23, 45).single()
    );
    assert_eq!(paper.source_upvotes, Some(42));
    assert_eq!(
        (paper.upvote_count, paper.github_repo.as_deref()),
        (0, Some("https://github.com/example/nested"))
    );
    let paper = stored(&db, "2502.22222").await;
    assert_eq!(paper.author_names, "Grace Hopper");
    assert_eq!(
        Some(paper.submitted_at),
        Utc.with_ymd_and_hms(2025, 2, 22, 8, 0, 0).single()
    );
    assert_eq!(
        paper.project_page.as_deref(),
        Some("https://example.org/flat")
    );
    assert_eq!(
        count_rows(&db.connect().await, "paper_upvotes").await,
        0,
        "no fabricated votes"
    );

    // Again: nothing added. A record without its abstract refuses the file, naming it.
    assert!(
        import(&db, &nested.to_string())
            .await
            .stdout
            .contains("imported 0")
    );
    let mut broken = flat.clone();
    broken[0].as_object_mut().expect("object").remove("summary");
    broken[0]["id"] = json!("2502.33333");
    let run = import(&db, &broken.to_string()).await;
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("record 0") && run.stderr.contains("summary"),
        "{}",
        run.stderr
    );
    assert_eq!(count_rows(&db.connect().await, "papers").await, 2);
}

storage_test!(an_arxiv_api_response_imports_with_its_wrapping_undone);
async fn an_arxiv_api_response_imports_with_its_wrapping_undone(backend: Backend) {
    use chrono::{TimeZone, Utc};
    let db = TestDb::new(backend).await;
    let response = include_str!("data/arxiv-response.xml");
    let run = import(&db, response).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("imported 2"), "{}", run.stdout);
    let paper = stored(&db, "1706.03762").await;
    assert_eq!(paper.title, "Attention Is All You Need");
    assert!(
        paper.r#abstract.starts_with(
            "The dominant sequence transduction models are based on \
        complex recurrent or convolutional"
        ),
        "{}",
        paper.r#abstract
    );
    assert!(!paper.r#abstract.contains('\n'));
    assert_eq!(
        paper.author_names,
        "Ashish Vaswani, Noam Shazeer, Niki Parmar"
    );
    assert_eq!(
        paper.published_at,
        Utc.with_ymd_and_hms(2017, 6, 12, 17, 57, 34).single()
    );
    assert_eq!(paper.primary_category.as_deref(), Some("cs.CL"));
    assert_eq!(paper.arxiv_comment.as_deref(), Some("15 pages, 5 figures"));
    // Every category of an entry, primary first, files the paper under its topics.
    let topics = topics_of(&db, paper.id).await;
    assert_eq!(topics, ["cs.CL", "cs.LG"]);
    let bert = stored(&db, "1810.04805").await;
    assert_eq!(topics_of(&db, bert.id).await, ["cs.CL"]);
    assert_eq!(bert.arxiv_comment, None, "no comment given");
    assert_eq!(
        bert.title,
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    );
    assert!(
        import(&db, response).await.stdout.contains("imported 0"),
        "idempotent"
    );

    // XML that is no Atom feed, and an entry without an arXiv id, refuse the file.
    let run = import(&db, "<html><body>rate limited</body></html>").await;
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("not an Atom feed"), "{}", run.stderr);
    let broken = response.replace("http://arxiv.org/abs/1810.04805v2</id>", "urn:nothing</id>");
    let fresh = TestDb::new(backend).await;
    let settings = crate::support::settings(&fresh, &[]);
    api::db::migrate_up(&api::db::connect(&settings).await.expect("connect"))
        .await
        .expect("migrate");
    let run = import(&fresh, &broken).await;
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("record 1"), "{}", run.stderr);
    assert_eq!(paper_count(&fresh).await, 0, "nothing written");
}

/// A local server answering like the arXiv API: the saved response's entries for the ids asked,
/// `503` to the first request, and a record of each request's ids.
async fn fake_arxiv() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<String>>>>) {
    use axum::extract::{Query, State};
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    type Seen = Arc<Mutex<Vec<Vec<String>>>>;
    async fn query(
        State(seen): State<Seen>,
        Query(params): Query<HashMap<String, String>>,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let ids: Vec<String> = params["id_list"].split(',').map(str::to_owned).collect();
        let first = {
            let mut seen = seen.lock().expect("lock");
            seen.push(ids.clone());
            seen.len() == 1
        };
        if first {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
        }
        // The saved response, without the entries not asked for.
        let saved = include_str!("data/arxiv-response.xml");
        let (head, rest) = saved.split_once("  <entry>").expect("entries");
        let entries: Vec<&str> = rest
            .trim_end()
            .trim_end_matches("</feed>")
            .split("  <entry>")
            .filter(|entry| ids.iter().any(|id| entry.contains(&format!("/abs/{id}"))))
            .collect();
        let body = format!(
            "{head}{}</feed>\n",
            entries
                .iter()
                .map(|e| format!("  <entry>{e}"))
                .collect::<String>()
        );
        ([("content-type", "application/atom+xml")], body).into_response()
    }
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .route("/api/query", axum::routing::get(query))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/api/query"), seen)
}

storage_test!(arxiv_ids_are_fetched_in_polite_batches_and_unknown_ones_reported);
async fn arxiv_ids_are_fetched_in_polite_batches_and_unknown_ones_reported(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (url, seen) = fake_arxiv().await;
    // Two known ids and 149 unknown ones: two requests of 100 and 51, after a 503 retried.
    let mut ids = vec!["1706.03762".to_owned(), "1810.04805v2".to_owned()];
    ids.extend((1..150).map(|i| format!("2401.{i:05}")));
    let output = Command::new(papers_bin())
        .arg("import")
        .arg("--arxiv")
        .args(&ids)
        .env("DATABASE_URL", &db.url)
        .env("PAPERS_ARXIV_API_URL", &url)
        .env("PAPERS_ARXIV_PAUSE_MS", "10")
        .output()
        .await
        .expect("run papers import --arxiv");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("imported 2"), "{stdout}");
    assert!(stderr.contains("fetched 100 of 151"), "{stderr}");
    assert!(
        stderr.contains("arXiv does not know: 2401.00001"),
        "{stderr}"
    );
    let requests = seen.lock().expect("lock").clone();
    let sizes: Vec<usize> = requests.iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 51], "a 503, its retry, then the rest");
    assert_eq!(
        stored(&db, "1810.04805").await.author_names,
        "Jacob Devlin, Ming-Wei Chang"
    );
}
