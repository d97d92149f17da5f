//! The Hugging Face–shaped REST surface, driven by the real `huggingface_hub` client (installed
//! by `.ci/run` into `tests/py/.venv`) and compared with what GraphQL answers.

use chrono::{TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::{Backend, TestApp, fixtures};

fn ids(data: &Value, field: &str) -> Vec<String> {
    data[field]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().expect("id").to_owned())
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

storage_test!(the_huggingface_hub_client_reads_the_rest_surface_as_graphql_answers);
async fn the_huggingface_hub_client_reads_the_rest_surface_as_graphql_answers(backend: Backend) {
    let Some(python) = crate::support::process::venv_python("huggingface_hub") else {
        return;
    };
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let bob = fixtures::user(&db, "bob").await;
    let carol = fixtures::user(&db, "carol").await;
    let at = |d: u32, h: u32| {
        Utc.with_ymd_and_hms(2025, 2, d, h, 0, 0)
            .single()
            .expect("a time")
    };
    // Wednesday 2025-02-26 (ISO week 2025-W09), its Monday, and a day of another week.
    let zebra = fixtures::paper(
        &db,
        "2502.00001",
        "Zebra stripes",
        "On zebras.",
        &["Bob Builder", "Carol"],
        at(26, 10),
        Some(ada.id),
    )
    .await;
    fixtures::paper(
        &db,
        "2502.00002",
        "Second",
        "x",
        &["D"],
        at(26, 11),
        Some(bob.id),
    )
    .await;
    fixtures::paper(&db, "2502.00003", "Third", "x", &["E"], at(26, 12), None).await;
    fixtures::paper(
        &db,
        "2502.00004",
        "Fourth",
        "x",
        &["F"],
        at(26, 13),
        Some(ada.id),
    )
    .await;
    fixtures::paper(&db, "2502.00005", "Monday", "x", &["G"], at(24, 9), None).await;
    fixtures::paper(&db, "2502.00006", "Earlier", "x", &["H"], at(3, 9), None).await;
    for user in [&ada, &bob, &carol] {
        fixtures::upvote(&db, user, &zebra).await;
    }
    fixtures::comment(&db, &zebra, &carol, None, "Stripes!").await;
    // Bob's claim of his author identity, approved.
    let bob_author = entity::author::Entity::find()
        .filter(entity::author::Column::Name.eq("Bob Builder"))
        .one(&db)
        .await
        .expect("query")
        .expect("the author");
    let mut claimed: entity::author::ActiveModel = bob_author.into();
    claimed.user_id = Set(Some(bob.id));
    claimed.update(&db).await.expect("claim");

    let endpoint = format!("http://{}", app.addr);
    let args = [
        endpoint.as_str(),
        "2025-02-26",
        "2025-W09",
        "2025-02",
        "2502.00001",
        "zebra",
    ];
    let env = [
        ("HF_HUB_DISABLE_TELEMETRY", std::ffi::OsStr::new("1")),
        ("HF_HOME", app.db.dir().as_os_str()),
    ];
    let read = crate::support::process::run_client(&python, "hf_client.py", &args, &env).await;

    let daily = "query ($d: Date, $w: String, $m: String, $o: PaperOrder) {
      dailyPapers(date: $d, week: $w, month: $m, orderBy: $o, first: 100) { edges { node {
      arxivId } } } }";
    let by_time = app
        .data(daily, json!({ "d": "2025-02-26", "o": "SUBMITTED_AT" }))
        .await;
    let day: Vec<String> = read["day"]
        .as_array()
        .expect("day")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(day, ids(&by_time, "dailyPapers"));
    assert_eq!(
        day,
        ["2502.00004", "2502.00003", "2502.00002", "2502.00001"]
    );
    let trending = app
        .data(daily, json!({ "d": "2025-02-26", "o": "TRENDING" }))
        .await;
    assert_eq!(strings(&read["trending"]), ids(&trending, "dailyPapers"));
    let mut pages = strings(&read["page0"]);
    pages.extend(strings(&read["page1"]));
    assert_eq!(pages, day);
    let week = app
        .data(daily, json!({ "w": "2025-W09", "o": "SUBMITTED_AT" }))
        .await;
    assert_eq!(strings(&read["week"]), ids(&week, "dailyPapers"));
    assert_eq!(strings(&read["week"]).len(), 5);
    let month = app
        .data(daily, json!({ "m": "2025-02", "o": "SUBMITTED_AT" }))
        .await;
    assert_eq!(strings(&read["month"]), ids(&month, "dailyPapers"));
    assert_eq!(strings(&read["month"]).len(), 6);
    assert_eq!(strings(&read["submitter"]), ["2502.00004", "2502.00001"]);

    let info = &read["info"];
    let graphql = app
        .data(
            "{ paper(arxivId: \"2502.00001\") { id title abstract upvoteCount commentCount \
            authors { name } } }",
            json!({}),
        )
        .await["paper"]
        .clone();
    assert_eq!(info["title"], graphql["title"]);
    assert_eq!(info["summary"], graphql["abstract"]);
    assert_eq!(info["authors"], json!(["Bob Builder", "Carol"]));
    assert_eq!(info["author_users"], json!(["bob", null]));
    assert_eq!(
        (info["upvotes"].as_i64(), info["comments"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(info["submitted_by"], "ada");
    assert_eq!(info["discussion_id"], graphql["id"]);
    assert!(
        info["submitted_at"]
            .as_str()
            .expect("a time")
            .starts_with("2025-02-26T10:00:00"),
        "{info}"
    );

    let search = app
        .data(
            "{ searchPapers(query: \"zebra\", first: 5) { edges { node { arxivId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(strings(&read["search"]), ids(&search, "searchPapers"));
    assert_eq!(read["unknown"], 404);
    assert_eq!(read["bad_date"], 400);

    // `read_paper` returns the markdown page unmodified.
    let page = reqwest::get(app.url("/papers/2502.00001.md"))
        .await
        .expect("the page")
        .text()
        .await
        .expect("its text");
    assert_eq!(read["markdown"], page);
    assert!(page.starts_with("# Zebra stripes\n"), "{page}");
    assert!(page.contains("> Stripes!"), "{page}");
    assert_eq!(read["unknown_markdown"], 404);
}
