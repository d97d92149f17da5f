//! The daily feed and the paper filters.

use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures;
use crate::support::{TestApp, error_codes};

const DAILY: &str = "query ($date: Date, $week: String, $month: String, $order: PaperOrder,
$first: Int, $after: String) {
  dailyPapers(date: $date, week: $week, month: $month, orderBy: $order, first: $first, after:
  $after) {
    totalCount edges { node { arxivId upvoteCount } } pageInfo { hasNextPage endCursor }
  }
}";

fn ids(data: &Value, field: &str) -> Vec<String> {
    data[field]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().expect("id").to_owned())
        .collect()
}

/// Papers on 2025-12-01 (Monday of 2025-W49), 2025-12-07 (Sunday), 2025-12-08 (next week),
/// 2025-11-30 (previous month); upvotes vary and tie.
async fn calendar(app: &TestApp) -> sea_orm::DatabaseConnection {
    let db = app.db.connect().await;
    let voters = [
        fixtures::user(&db, "v1").await,
        fixtures::user(&db, "v2").await,
        fixtures::user(&db, "v3").await,
    ];
    let at = |d: u32, m: u32, h: u32| {
        Utc.with_ymd_and_hms(2025, m, d, h, 0, 0)
            .single()
            .expect("date")
    };
    let papers = [
        ("2512.00001", at(1, 12, 0), 2),
        ("2512.00002", at(1, 12, 23), 0),
        ("2512.00003", at(1, 12, 12), 2),
        ("2512.00004", at(7, 12, 23), 3),
        ("2512.00005", at(8, 12, 0), 1),
        ("2511.00006", at(30, 11, 23), 1),
    ];
    for (id, when, votes) in papers {
        let paper = fixtures::paper(
            &db,
            id,
            &format!("Paper {id}"),
            "About training.",
            &["Ada"],
            when,
            None,
        )
        .await;
        for voter in voters.iter().take(votes) {
            fixtures::upvote(&db, voter, &paper).await;
        }
    }
    db
}

storage_test!(the_daily_feed_answers_a_day_a_week_and_a_month_most_upvoted_first);
async fn the_daily_feed_answers_a_day_a_week_and_a_month_most_upvoted_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    calendar(&app).await;
    let day = app.data(DAILY, json!({ "date": "2025-12-01" })).await;
    // Ties (2 votes each) go to the newest paper first.
    assert_eq!(
        ids(&day, "dailyPapers"),
        ["2512.00003", "2512.00001", "2512.00002"]
    );
    assert_eq!(day["dailyPapers"]["totalCount"], 3);
    let week = app.data(DAILY, json!({ "week": "2025-W49" })).await;
    assert_eq!(
        ids(&week, "dailyPapers"),
        ["2512.00004", "2512.00003", "2512.00001", "2512.00002"]
    );
    let month = app
        .data(
            DAILY,
            json!({ "month": "2025-12", "order": "SUBMITTED_AT" }),
        )
        .await;
    assert_eq!(
        ids(&month, "dailyPapers"),
        [
            "2512.00005",
            "2512.00004",
            "2512.00002",
            "2512.00003",
            "2512.00001"
        ]
    );
    let empty = app.data(DAILY, json!({ "date": "2020-01-01" })).await;
    assert_eq!(empty["dailyPapers"]["totalCount"], 0);
    assert_eq!(empty["dailyPapers"]["pageInfo"]["hasNextPage"], false);
}

storage_test!(the_daily_feed_defaults_to_today);
async fn the_daily_feed_defaults_to_today(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    fixtures::paper(
        &db,
        "2601.00001",
        "Today",
        "x",
        &["A"],
        fixtures::now(),
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2601.00002",
        "Long ago",
        "x",
        &["A"],
        fixtures::now() - Duration::days(3),
        None,
    )
    .await;
    let data = app.data(DAILY, json!({})).await;
    assert_eq!(ids(&data, "dailyPapers"), ["2601.00001"]);
}

storage_test!(malformed_or_impossible_periods_are_bad_input_naming_the_argument);
async fn malformed_or_impossible_periods_are_bad_input_naming_the_argument(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        (json!({ "week": "2025-W54" }), "week"),
        (json!({ "week": "2025-W00" }), "week"),
        (json!({ "week": "2025-49" }), "week"),
        (json!({ "month": "2025-13" }), "month"),
        (json!({ "month": "2025-1" }), "month"),
        (json!({ "date": "2025-02-30" }), "date"),
        (json!({ "date": "yesterday" }), "date"),
        (json!({ "date": "2025-12-01", "week": "2025-W49" }), "week"),
    ];
    for (variables, field) in cases {
        let body = app.gql(DAILY, variables.clone()).await;
        assert_eq!(
            error_codes(&body),
            ["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{variables}: {body}"
        );
    }
}

storage_test!(paging_through_tied_scores_never_skips_or_repeats);
async fn paging_through_tied_scores_never_skips_or_repeats(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    calendar(&app).await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(
                DAILY,
                json!({ "month": "2025-12", "first": 2, "after": after }),
            )
            .await;
        seen.extend(ids(&data, "dailyPapers"));
        if data["dailyPapers"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["dailyPapers"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        [
            "2512.00004",
            "2512.00003",
            "2512.00001",
            "2512.00005",
            "2512.00002"
        ]
    );
}

storage_test!(paper_filters_narrow_the_list);
async fn paper_filters_narrow_the_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "Alice").await;
    let when = Utc
        .with_ymd_and_hms(2025, 6, 10, 12, 0, 0)
        .single()
        .expect("date");
    fixtures::paper(
        &db,
        "2506.00001",
        "One",
        "x",
        &["Grace Hopper", "Ada"],
        when,
        Some(alice.id),
    )
    .await;
    fixtures::paper(
        &db,
        "2506.00002",
        "Two",
        "x",
        &["Ada"],
        when + Duration::days(20),
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2506.00003",
        "Three",
        "x",
        &["Grace Hopper"],
        when + Duration::days(40),
        Some(alice.id),
    )
    .await;
    let query = "query ($filter: PaperFilter) { papers(filter: $filter, orderBy: SUBMITTED_AT) { \
        totalCount edges { node { arxivId } } } }";
    let author = app
        .data(
            "{ paper(arxivId: \"2506.00003\") { authors { author { id } } } }",
            json!({}),
        )
        .await["paper"]["authors"][0]["author"]["id"]
        .clone();
    let cases = [
        (json!({ "submittedOn": "2025-06-10" }), vec!["2506.00001"]),
        (
            json!({ "submittedMonth": "2025-06" }),
            vec!["2506.00002", "2506.00001"],
        ),
        (
            json!({ "submitter": "ALICE" }),
            vec!["2506.00003", "2506.00001"],
        ),
        (json!({ "submitter": "nobody" }), vec![]),
        (
            json!({ "authorId": author }),
            vec!["2506.00003", "2506.00001"],
        ),
        (
            json!({ "publishedFrom": "2025-06-20", "publishedTo": "2025-07-01" }),
            vec!["2506.00002"],
        ),
    ];
    for (filter, expected) in cases {
        let data = app.data(query, json!({ "filter": filter })).await;
        assert_eq!(ids(&data, "papers"), expected, "{filter}");
        assert_eq!(data["papers"]["totalCount"], expected.len(), "{filter}");
    }
    for (filter, field) in [
        (json!({ "authorId": "garbage" }), "filter.authorId"),
        (
            json!({ "submittedWeek": "2025-W99" }),
            "filter.submittedWeek",
        ),
        (
            json!({ "publishedFrom": "2025-02-30" }),
            "filter.publishedFrom",
        ),
    ] {
        let body = app.gql(query, json!({ "filter": filter })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{filter}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}
