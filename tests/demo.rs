//! The demo data: 39 papers on the first start of an empty database, spread over recent days.

use serde_json::json;

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;

const DEMO_FILE: &str = include_str!("../api/data/demo-papers.json");

storage_test!(a_first_start_serves_the_demo_feed_with_ordered_authors);
async fn a_first_start_serves_the_demo_feed_with_ordered_authors(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let data = app
        .data(
            "{ papers(first: 50) { totalCount edges { node { arxivId title authors { name } \
                upvoteCount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["papers"]["totalCount"], 39);
    let edges = data["papers"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 39);

    let file: Vec<serde_json::Value> = serde_json::from_str(DEMO_FILE).expect("demo file");
    for record in &file {
        let node = edges
            .iter()
            .map(|e| &e["node"])
            .find(|n| n["arxivId"] == record["arxiv_id"])
            .unwrap_or_else(|| panic!("{} is served", record["arxiv_id"]));
        let names: Vec<&serde_json::Value> = node["authors"]
            .as_array()
            .expect("authors")
            .iter()
            .map(|a| &a["name"])
            .collect();
        let expected: Vec<&serde_json::Value> = record["authors"]
            .as_array()
            .expect("authors")
            .iter()
            .collect();
        assert_eq!(
            names, expected,
            "authors of {} in order",
            record["arxiv_id"]
        );
        // The source site's counts are not turned into votes on this instance.
        assert_eq!(node["upvoteCount"], 0);
    }
    assert_eq!(app.count_rows("paper_upvotes").await, 0);
    app.stop().await;
}

storage_test!(the_demo_papers_spread_over_several_recent_days);
async fn the_demo_papers_spread_over_several_recent_days(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let data = app
        .data(
            "{ papers(first: 50, orderBy: SUBMITTED_AT) { edges { node { submittedAt } } } }",
            json!({}),
        )
        .await;
    let days: std::collections::BTreeSet<String> = data["papers"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["submittedAt"].as_str().expect("a date")[..10].to_owned())
        .collect();
    assert!(days.len() >= 5, "papers spread over several days: {days:?}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(days.contains(&today), "today's feed is not empty");
    app.stop().await;
}

storage_test!(a_restart_does_not_load_the_demo_twice_and_no_demo_skips_it);
async fn a_restart_does_not_load_the_demo_twice_and_no_demo_skips_it(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    assert_eq!(app.count_rows("papers").await, 0);
    // A second start on the same (now demo-loaded) database adds nothing.
    let settings = crate::support::settings(&app.db, &[]);
    api::app::prepare(settings.clone())
        .await
        .expect("start with demo");
    assert_eq!(app.count_rows("papers").await, 39);
    api::app::prepare(settings).await.expect("restart");
    assert_eq!(app.count_rows("papers").await, 39);
    app.stop().await;
}
