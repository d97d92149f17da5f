//! `Paper.similarPapers`: by the vectors with a model, by the paper's distinctive words without.

use serde_json::{Value, json};

use super::{BLSP, row_counts, spawn_with_model};
use crate::storage_test;
use crate::support::{Backend, TestApp, error_codes};

const SIMILAR: &str = "query ($a: String!, $first: Int, $after: String) {
    paper(arxivId: $a) {
        similarPapers(first: $first, after: $after) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage endCursor }
            edges { cursor score node { arxivId title } }
            nodes { arxivId }
        }
    }
}";

const TRENDING: &str = "{ papers(first: 11, orderBy: TRENDING) { nodes { arxivId } } }";

/// The similar papers' arXiv ids and scores, in order.
fn listed(data: &Value) -> (Vec<String>, Vec<f64>) {
    let edges = data["paper"]["similarPapers"]["edges"].as_array().unwrap();
    let ids = edges
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().unwrap().to_owned())
        .collect();
    let scores = edges.iter().map(|e| e["score"].as_f64().unwrap()).collect();
    (ids, scores)
}

/// What every list of similar papers must be: never the paper, no repeats, best first, not the
/// trending list, pages that join up, and bad page arguments refused without a change.
async fn check_similar(app: &TestApp, most: i64) {
    let trending = app.data(TRENDING, json!({})).await;
    let trending: Vec<String> = trending["papers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["arxivId"].as_str().unwrap().to_owned())
        .collect();
    for paper in [BLSP, "2104.08051", "2405.20494"] {
        let data = app.data(SIMILAR, json!({ "a": paper, "first": 10 })).await;
        let (ids, scores) = listed(&data);
        assert_eq!(ids.len(), 10, "{paper}: {data}");
        assert!(!ids.contains(&paper.to_owned()), "never itself: {data}");
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len(), "no repeats: {data}");
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "best first: {scores:?}"
        );
        let others: Vec<String> = trending
            .iter()
            .filter(|id| id.as_str() != paper)
            .take(10)
            .cloned()
            .collect();
        assert_ne!(
            ids, others,
            "{paper}: similar papers are not the trending list"
        );
        let connection = &data["paper"]["similarPapers"];
        let total = connection["totalCount"].as_i64().unwrap();
        assert!((10..=most).contains(&total), "{total}");
        assert_eq!(connection["nodes"].as_array().unwrap().len(), 10);

        // Two pages of five are the first ten.
        let one = app.data(SIMILAR, json!({ "a": paper, "first": 5 })).await;
        let after = one["paper"]["similarPapers"]["pageInfo"]["endCursor"].clone();
        let two = app
            .data(SIMILAR, json!({ "a": paper, "first": 5, "after": after }))
            .await;
        assert_eq!(
            two["paper"]["similarPapers"]["pageInfo"]["hasPreviousPage"],
            true
        );
        let joined: Vec<String> = [listed(&one).0, listed(&two).0].concat();
        assert_eq!(joined, ids);
    }

    let before = row_counts(app).await;
    for (variables, field) in [
        (json!({ "a": BLSP, "first": 0 }), "first"),
        (json!({ "a": BLSP, "first": 101 }), "first"),
        (json!({ "a": BLSP, "after": "Zm9yZ2Vk" }), "after"),
    ] {
        let body = app.gql(SIMILAR, variables.clone()).await;
        assert_eq!(
            error_codes(&body),
            ["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    // Another paper's cursor is refused too.
    let first = app.data(SIMILAR, json!({ "a": BLSP, "first": 1 })).await;
    let cursor = first["paper"]["similarPapers"]["pageInfo"]["endCursor"].clone();
    let body = app
        .gql(SIMILAR, json!({ "a": "2104.08051", "after": cursor }))
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(row_counts(app).await, before);
}

storage_test!(similar_papers_by_their_vectors);
async fn similar_papers_by_their_vectors(backend: Backend) {
    let Some(app) = spawn_with_model(backend).await else {
        return;
    };
    // With vectors every other paper is ranked.
    check_similar(&app, 38).await;
    let data = app.data(SIMILAR, json!({ "a": BLSP, "first": 100 })).await;
    assert_eq!(data["paper"]["similarPapers"]["totalCount"], 38);
    let (ids, scores) = listed(&data);
    assert_eq!(ids.len(), 38);
    assert!(scores.iter().all(|s| (-1.0..=1.0).contains(s)), "cosines");
    // The speech paper's nearest neighbour is the other speech paper.
    assert_eq!(ids[0], "2108.06209", "{data}");
    app.stop().await;
}

storage_test!(similar_papers_without_a_model_share_distinctive_words);
async fn similar_papers_without_a_model_share_distinctive_words(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    check_similar(&app, 38).await;
    // The two papers on hard negatives in neural ranking find each other.
    let data = app
        .data(SIMILAR, json!({ "a": "2104.08051", "first": 3 }))
        .await;
    assert!(listed(&data).0.contains(&"2209.05072".to_owned()), "{data}");
    app.stop().await;
}
