//! Discovery (issue 24): the embedding model, search by meaning and by both rankings, similar
//! papers, the background embedding across replicas, and `papers embed`.

mod embed;
mod model;
mod quality;
mod recommend;
mod replicas;
mod search;
mod similar;

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::process::minilm_dir;
use crate::support::{Backend, TestApp};

/// The demo paper that reader queries describe without its words (BLSP).
pub const BLSP: &str = "2309.00916";

/// A reader's description of BLSP that shares no content word with its title and needs all its
/// words to match under `LEXICAL`.
pub const BLSP_PARAPHRASE: &str =
    "teaching a speech model to follow a chat model without paired instructions";

pub const SEARCH: &str = "query ($q: String!, $mode: SearchMode, $first: Int, $after: String) {
    searchPapers(query: $q, mode: $mode, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor score snippet node { id arxivId title } }
    }
}";

pub const CAPABILITIES: &str = "{ searchCapabilities { modes defaultMode embeddingModel \
    dimensions embeddedPapers totalPapers } }";

/// The arXiv ids of a search's edges, in order.
pub fn arxiv_ids(data: &Value, field: &str) -> Vec<String> {
    data[field]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().expect("arxivId").to_owned())
        .collect()
}

/// A server with the demo papers and all-MiniLM-L6-v2, once every paper has its vector in the
/// database and in the index; `None` (the test skips loudly) outside CI without the weights.
pub async fn spawn_with_model(backend: Backend) -> Option<TestApp> {
    let dir = minilm_dir()?;
    let dir = dir.to_str().expect("a UTF-8 path");
    let app = TestApp::spawn_with(backend, &["--embedding-model", dir]).await;
    wait_until_searchable(&app, 39).await;
    Some(app)
}

/// Waits until `papers` papers have their vectors and a search by meaning reaches them all.
pub async fn wait_until_searchable(app: &TestApp, papers: i64) {
    for _ in 0..600 {
        let capabilities = app.data(CAPABILITIES, json!({})).await;
        let embedded = capabilities["searchCapabilities"]["embeddedPapers"].as_i64();
        if embedded == Some(papers) {
            let found = app
                .data(
                    SEARCH,
                    json!({ "q": "paper", "mode": "SEMANTIC", "first": 1 }),
                )
                .await;
            if found["searchPapers"]["totalCount"].as_i64() == Some(papers.min(100)) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the papers were not embedded within two minutes");
}

/// Every table's row count, to check that a refused request changed nothing.
pub async fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    let db = app.db.connect().await;
    let mut counts = Vec::new();
    for table in crate::support::tables(&db).await {
        let n = crate::support::count_rows(&db, &table).await;
        counts.push((table, n));
    }
    counts
}
