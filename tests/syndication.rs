//! The daily feed as Atom and RSS for feed readers: strict parsing, stable ids, links, and
//! conditional GETs answered `304`.

use chrono::Duration;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use crate::storage_test;
use crate::support::{Backend, TestApp, fixtures};

async fn get(
    app: &TestApp,
    path: &str,
    headers: &[(reqwest::header::HeaderName, String)],
) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.expect("an answer")
}

storage_test!(the_daily_feed_reads_as_atom_and_rss_and_answers_conditional_gets);
async fn the_daily_feed_reads_as_atom_and_rss_and_answers_conditional_gets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    // A day of the past at noon, so that papers minutes apart share its date at any hour.
    let now = fixtures::noon_days_ago(1);
    let today = now.date_naive().to_string();
    fixtures::paper(
        &db,
        "2401.00001",
        "First <b>paper</b>",
        "About & more.",
        &["Ada Lovelace", "Alan Turing"],
        now - Duration::minutes(5),
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2401.00002",
        "Second",
        "Other.",
        &["Grace Hopper"],
        now - Duration::minutes(1),
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2301.00003",
        "Yesterday's",
        "Old.",
        &["X"],
        now - Duration::days(1),
        None,
    )
    .await;

    let response = get(&app, &format!("/feeds/daily.atom?date={today}"), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/atom+xml")
    );
    let etag = response.headers()[ETAG].to_str().expect("etag").to_owned();
    let modified = response.headers()[LAST_MODIFIED]
        .to_str()
        .expect("date")
        .to_owned();
    let body = response.bytes().await.expect("body");
    let feed = atom_syndication::Feed::read_from(&body[..]).expect("valid Atom");
    let ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 2, "today's papers only: {ids:?}");
    assert!(ids.contains(&"https://arxiv.org/abs/2401.00001"));
    let first = feed
        .entries()
        .iter()
        .find(|e| e.id().ends_with("2401.00001"))
        .expect("entry");
    assert_eq!(
        first.title().as_str(),
        "First <b>paper</b>",
        "escaped, read back as text"
    );
    let names: Vec<&str> = first.authors().iter().map(|a| a.name()).collect();
    assert_eq!(names, ["Ada Lovelace", "Alan Turing"]);
    assert_eq!(first.summary().map(|s| s.as_str()), Some("About & more."));
    assert_eq!(first.links()[0].href(), "https://arxiv.org/abs/2401.00001");

    // Unchanged: 304 by ETag and by date, without a body.
    let again = get(
        &app,
        &format!("/feeds/daily.atom?date={today}"),
        &[(IF_NONE_MATCH, etag.clone())],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.expect("body").is_empty());
    let again = get(
        &app,
        &format!("/feeds/daily.atom?date={today}"),
        &[(IF_MODIFIED_SINCE, modified)],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // A new paper changes both.
    fixtures::paper(&db, "2401.00004", "Third", "New.", &["Y"], now, None).await;
    let changed = get(
        &app,
        &format!("/feeds/daily.atom?date={today}"),
        &[(IF_NONE_MATCH, etag.clone())],
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[ETAG].to_str().expect("etag"), etag);

    // RSS: the same papers, guids, and names as Dublin Core creators.
    let response = get(&app, &format!("/feeds/daily.rss?date={today}"), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.bytes().await.expect("body");
    let channel = rss::Channel::read_from(&body[..]).expect("valid RSS");
    assert_eq!(channel.items().len(), 3);
    let item = channel
        .items()
        .iter()
        .find(|i| i.title() == Some("First <b>paper</b>"))
        .expect("item");
    assert_eq!(
        item.guid().map(|g| g.value()),
        Some("https://arxiv.org/abs/2401.00001")
    );
    let creators = item
        .dublin_core_ext()
        .map(|dc| dc.creators().to_vec())
        .unwrap_or_default();
    assert_eq!(creators, ["Ada Lovelace", "Alan Turing"]);

    // A bad date is a 400 naming the parameter.
    let bad = get(&app, "/feeds/daily.rss?date=yesterday", &[]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = bad.json().await.expect("JSON");
    assert_eq!(body["parameter"], "date");
    assert_eq!(body["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn with_a_public_url_entries_link_to_the_sites_pages() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &["--no-demo", "--public-url", "https://papers.example.org/"],
    )
    .await;
    let db = app.db.connect().await;
    fixtures::paper(
        &db,
        "2401.00001",
        "First",
        "x",
        &["A"],
        fixtures::now(),
        None,
    )
    .await;
    let body = get(&app, "/feeds/daily.atom", &[])
        .await
        .bytes()
        .await
        .expect("body");
    let feed = atom_syndication::Feed::read_from(&body[..]).expect("valid Atom");
    let entry = &feed.entries()[0];
    assert_eq!(
        entry.links()[0].href(),
        "https://papers.example.org/papers/2401.00001"
    );
    assert_eq!(
        entry.id(),
        "https://arxiv.org/abs/2401.00001",
        "ids stay stable"
    );
}
