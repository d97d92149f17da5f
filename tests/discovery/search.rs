//! `searchPapers` by meaning and by both rankings, with and without a model, and what
//! `searchCapabilities` tells.

use serde_json::{Value, json};

use super::{BLSP, BLSP_PARAPHRASE, CAPABILITIES, SEARCH, arxiv_ids, row_counts, spawn_with_model};
use crate::storage_test;
use crate::support::{Backend, TestApp, error_codes};

storage_test!(meaning_finds_what_words_miss_and_an_exact_title_comes_first);
async fn meaning_finds_what_words_miss_and_an_exact_title_comes_first(backend: Backend) {
    let Some(app) = spawn_with_model(backend).await else {
        return;
    };
    // Paraphrase beats words.
    let lexical = app
        .data(SEARCH, json!({ "q": BLSP_PARAPHRASE, "mode": "LEXICAL" }))
        .await;
    assert!(
        !arxiv_ids(&lexical, "searchPapers").contains(&BLSP.to_owned()),
        "{lexical}"
    );
    for mode in ["SEMANTIC", "HYBRID"] {
        let data = app
            .data(SEARCH, json!({ "q": BLSP_PARAPHRASE, "mode": mode }))
            .await;
        assert_eq!(arxiv_ids(&data, "searchPapers")[0], BLSP, "{mode}: {data}");
        // Found by meaning alone: the snippet is the abstract's start.
        let snippet = data["searchPapers"]["edges"][0]["snippet"]
            .as_str()
            .unwrap()
            .replace("<mark>", "")
            .replace("</mark>", "");
        assert!(
            snippet.starts_with("The emergence of large language models"),
            "{snippet}"
        );
    }
    // With a model, HYBRID is the default.
    let default = app.data(SEARCH, json!({ "q": BLSP_PARAPHRASE })).await;
    let hybrid = app
        .data(SEARCH, json!({ "q": BLSP_PARAPHRASE, "mode": "HYBRID" }))
        .await;
    assert_eq!(default, hybrid);

    // A query made of a paper's exact title ranks it first under HYBRID, for every demo paper.
    let all = app
        .data(
            "{ papers(first: 100) { nodes { arxivId title } } }",
            json!({}),
        )
        .await;
    for paper in all["papers"]["nodes"].as_array().unwrap() {
        let data = app
            .data(SEARCH, json!({ "q": paper["title"], "first": 3 }))
            .await;
        assert_eq!(
            arxiv_ids(&data, "searchPapers")[0],
            paper["arxivId"].as_str().unwrap(),
            "{}: {data}",
            paper["title"]
        );
    }

    // Ranks by meaning page without gaps or repeats, scores best first.
    let mut seen = Vec::new();
    let mut scores = Vec::new();
    let mut after = Value::Null;
    loop {
        let q = json!({ "q": BLSP_PARAPHRASE, "mode": "SEMANTIC", "first": 7, "after": after });
        let data = app.data(SEARCH, q).await;
        let page = &data["searchPapers"];
        assert_eq!(page["totalCount"], 39);
        for edge in page["edges"].as_array().unwrap() {
            seen.push(edge["node"]["arxivId"].as_str().unwrap().to_owned());
            scores.push(edge["score"].as_f64().unwrap());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!((seen.len(), distinct.len()), (39, 39));
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // What the server offers, and counts that match the tables.
    let capabilities = app.data(CAPABILITIES, json!({})).await;
    let c = &capabilities["searchCapabilities"];
    assert_eq!(c["modes"], json!(["LEXICAL", "SEMANTIC", "HYBRID"]));
    assert_eq!(c["defaultMode"], "HYBRID");
    assert_eq!(c["embeddingModel"], "all-MiniLM-L6-v2");
    assert_eq!(c["dimensions"], 384);
    assert_eq!(
        c["embeddedPapers"],
        app.count_rows("paper_embeddings").await
    );
    assert_eq!(c["totalPapers"], app.count_rows("papers").await);

    // The REST search uses the default mode: the paraphrase finds BLSP there too.
    let rest: Value = app
        .client
        .get(app.url("/api/papers/search"))
        .query(&[("q", BLSP_PARAPHRASE), ("limit", "3")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest[0]["id"], BLSP, "{rest}");

    // The model's run times are in the metrics, queries apart from the papers' batches.
    let metrics = app.metrics().await;
    for kind in ["query", "papers"] {
        let count = format!("papers_embedding_seconds_count{{kind=\"{kind}\"}} ");
        let line = metrics.lines().find(|l| l.starts_with(&count));
        let n: u64 = line
            .and_then(|l| l[count.len()..].trim().parse().ok())
            .unwrap_or(0);
        assert!(n > 0, "{kind}: {line:?}");
    }
    app.stop().await;
}

storage_test!(without_a_model_search_is_by_words_and_meaning_is_refused);
async fn without_a_model_search_is_by_words_and_meaning_is_refused(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let capabilities = app.data(CAPABILITIES, json!({})).await;
    assert_eq!(
        capabilities["searchCapabilities"],
        json!({
            "modes": ["LEXICAL"],
            "defaultMode": "LEXICAL",
            "embeddingModel": null,
            "dimensions": null,
            "embeddedPapers": 0,
            "totalPapers": 39,
        })
    );
    for mode in ["SEMANTIC", "HYBRID"] {
        let body = app
            .gql(SEARCH, json!({ "q": "speech", "mode": mode }))
            .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{mode}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "mode");
    }
    let default = app.data(SEARCH, json!({ "q": "speech" })).await;
    let lexical = app
        .data(SEARCH, json!({ "q": "speech", "mode": "LEXICAL" }))
        .await;
    assert_eq!(default, lexical);
    assert!(arxiv_ids(&default, "searchPapers").contains(&BLSP.to_owned()));
    app.stop().await;
}

storage_test!(bad_search_input_is_refused_and_changes_nothing);
async fn bad_search_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = match spawn_with_model(backend).await {
        Some(app) => app,
        None => TestApp::spawn_with_demo(backend).await,
    };
    let before = row_counts(&app).await;
    let long = "a".repeat(1001);
    let forged = "bm90IGEgY3Vyc29y";
    let cases = [
        (json!({ "q": "" }), "query"),
        (json!({ "q": "   " }), "query"),
        (json!({ "q": long }), "query"),
        (json!({ "q": "speech", "first": 0 }), "first"),
        (json!({ "q": "speech", "first": 1000 }), "first"),
        (json!({ "q": "speech", "after": forged }), "after"),
    ];
    for mode in ["LEXICAL", "SEMANTIC", "HYBRID"] {
        for (variables, field) in &cases {
            let mut variables = variables.clone();
            variables["mode"] = json!(mode);
            let body = app.gql(SEARCH, variables.clone()).await;
            if body["errors"][0]["extensions"]["field"] == "mode" {
                continue; // no model: the mode itself is refused first
            }
            assert_eq!(
                error_codes(&body),
                ["BAD_USER_INPUT"],
                "{variables}: {body}"
            );
            assert_eq!(body["errors"][0]["extensions"]["field"], *field, "{body}");
            assert!(body["data"].is_null(), "{body}");
        }
    }
    // A cursor of one query (or mode) is no cursor of another.
    let first = app
        .data(
            SEARCH,
            json!({ "q": "speech", "mode": "LEXICAL", "first": 1 }),
        )
        .await;
    let cursor = first["searchPapers"]["edges"][0]["cursor"].clone();
    let other = app
        .gql(
            SEARCH,
            json!({ "q": "training", "mode": "LEXICAL", "after": cursor }),
        )
        .await;
    assert_eq!(error_codes(&other), ["BAD_USER_INPUT"], "{other}");
    assert_eq!(row_counts(&app).await, before);
    app.stop().await;
}
