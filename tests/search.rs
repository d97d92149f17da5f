//! Full-text search: ranking, highlighting, the index following writes, and any text being a
//! valid query.

use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures;
use crate::support::{TestApp, error_codes};

const SEARCH: &str = "query ($q: String!, $first: Int, $after: String) {
  searchPapers(query: $q, first: $first, after: $after) {
    totalCount
    edges { cursor score highlightedTitle snippet node { arxivId } }
    pageInfo { hasNextPage endCursor }
  }
}";

fn ids(data: &Value) -> Vec<String> {
    data["searchPapers"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().expect("id").to_owned())
        .collect()
}

storage_test!(title_matches_rank_above_author_matches_above_abstract_matches);
async fn title_matches_rank_above_author_matches_above_abstract_matches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let now = fixtures::now();
    fixtures::paper(
        &db,
        "2401.00001",
        "Unrelated words",
        "Something about zebras in the wild.",
        &["Ann Other"],
        now,
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2401.00002",
        "Zebras at scale",
        "Nothing else here.",
        &["Ann Other"],
        now,
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2401.00003",
        "Another title",
        "Nothing else here.",
        &["Zebras Zed"],
        now,
        None,
    )
    .await;
    fixtures::paper(
        &db,
        "2401.00004",
        "No match",
        "Nothing.",
        &["Ann Other"],
        now,
        None,
    )
    .await;
    let data = app.data(SEARCH, json!({ "q": "zebras" })).await;
    assert_eq!(ids(&data), ["2401.00002", "2401.00003", "2401.00001"]);
    assert_eq!(data["searchPapers"]["totalCount"], 3);
    let edges = data["searchPapers"]["edges"].as_array().expect("edges");
    assert_eq!(edges[0]["highlightedTitle"], "<mark>Zebras</mark> at scale");
    assert!(
        edges[2]["snippet"]
            .as_str()
            .expect("snippet")
            .contains("<mark>zebras</mark>")
    );
    let scores: Vec<f64> = edges
        .iter()
        .map(|e| e["score"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
}

storage_test!(the_index_follows_inserts_and_edits);
async fn the_index_follows_inserts_and_edits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let paper = fixtures::paper(
        &db,
        "2401.00010",
        "Quokka behaviour",
        "Field notes.",
        &["Ann"],
        fixtures::now(),
        None,
    )
    .await;
    assert_eq!(
        ids(&app.data(SEARCH, json!({ "q": "quokka" })).await),
        ["2401.00010"]
    );
    let mut edit: entity::paper::ActiveModel = paper.into();
    edit.title = Set("Wombat behaviour".into());
    edit.update(&db).await.expect("edit");
    assert!(ids(&app.data(SEARCH, json!({ "q": "quokka" })).await).is_empty());
    assert_eq!(
        ids(&app.data(SEARCH, json!({ "q": "wombat" })).await),
        ["2401.00010"]
    );
}

storage_test!(any_text_is_a_valid_query);
async fn any_text_is_a_valid_query(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let punctuation: String = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
        .chars()
        .cycle()
        .take(500)
        .collect();
    let queries = [
        "C++".to_owned(),
        "\"unbalanced".to_owned(),
        "*".to_owned(),
        "AND OR NOT".to_owned(),
        "-".to_owned(),
        ":".to_owned(),
        "🚀🔥 training".to_owned(),
        punctuation,
        "title:training".to_owned(),
        "NEAR(a b)".to_owned(),
        "a\0b".to_owned(),
        "') OR 1=1 --".to_owned(),
        "train*".to_owned(),
        "^training".to_owned(),
        "x & y | !z".to_owned(),
    ];
    for q in queries {
        let body = app.gql(SEARCH, json!({ "q": q })).await;
        assert!(body.get("errors").is_none(), "{q:?}: {body}");
        assert!(body["data"]["searchPapers"]["edges"].is_array(), "{q:?}");
    }
    let data = app.data(SEARCH, json!({ "q": "🚀🔥 training" })).await;
    assert_eq!(
        data["searchPapers"]["totalCount"], 39,
        "every demo paper mentions training"
    );
}

storage_test!(an_over_long_query_is_bad_input_and_search_pages);
async fn an_over_long_query_is_bad_input_and_search_pages(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    for q in ["a".repeat(1001), String::new(), " \t\n ".to_owned()] {
        let body = app.gql(SEARCH, json!({ "q": q })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{q:?}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "query");
    }

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(
                SEARCH,
                json!({ "q": "training", "first": 10, "after": after }),
            )
            .await;
        seen.extend(ids(&data));
        if data["searchPapers"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["searchPapers"]["pageInfo"]["endCursor"].clone();
    }
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (39, 39));
    // A cursor of another query is refused.
    let body = app
        .gql(SEARCH, json!({ "q": "reinforcement", "after": after }))
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
}

storage_test!(the_last_word_reads_as_a_prefix_until_enough_papers_match_it_whole);
async fn the_last_word_reads_as_a_prefix_until_enough_papers_match_it_whole(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let now = fixtures::now();
    let author = "2401.00100";
    let longer_word = "2401.00101";
    fixtures::paper(
        &db,
        author,
        "Unrelated",
        "Nothing.",
        &["Zebras Zed"],
        now,
        None,
    )
    .await;
    fixtures::paper(
        &db,
        longer_word,
        "Zebrafish",
        "Nothing.",
        &["Ann"],
        now,
        None,
    )
    .await;
    let total = |data: &Value| data["searchPapers"]["totalCount"].as_u64().expect("total");

    // A word still being typed, and a whole word few papers have, match longer words too.
    for q in ["zebr", "zebras"] {
        let data = app.data(SEARCH, json!({ "q": q })).await;
        assert_eq!((q, total(&data)), (q, 2));
    }

    // Once a page's worth of papers has the whole word, it stands for itself: the author match
    // counts among them (author names are stemmed as the query is), `zebrafish` no longer does,
    // and every page reads the word alike.
    for i in 0..19 {
        let id = format!("2401.{:05}", 200 + i);
        fixtures::paper(
            &db,
            &id,
            "Field notes",
            "Zebras in the wild.",
            &["Ann"],
            now,
            None,
        )
        .await;
    }
    let first = app
        .data(SEARCH, json!({ "q": "zebras", "first": 10 }))
        .await;
    assert_eq!(total(&first), 20);
    assert_eq!(ids(&first)[0], author, "authors rank above abstracts");
    let after = first["searchPapers"]["pageInfo"]["endCursor"].clone();
    let second = app
        .data(
            SEARCH,
            json!({ "q": "zebras", "first": 10, "after": after }),
        )
        .await;
    assert_eq!(total(&second), 20);
    let mut seen = ids(&first);
    seen.extend(ids(&second));
    assert_eq!(seen.len(), 20);
    assert!(!seen.iter().any(|id| id == longer_word), "{seen:?}");
    assert_eq!(second["searchPapers"]["pageInfo"]["hasNextPage"], false);
}
