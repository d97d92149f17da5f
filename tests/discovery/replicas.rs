//! A paper submitted while the server runs is embedded in the background and becomes findable
//! by meaning, on every replica (PostgreSQL), and is embedded once.

use std::time::Duration;

use serde_json::{Value, json};

use super::{SEARCH, arxiv_ids, spawn_with_model};
use crate::storage_test;
use crate::support::process::{free_port, minilm_dir, spawn_server, terminate, wait_healthy};
use crate::support::{Backend, fixtures};

const PENGUINS: &str = "2412.99999";
/// A description of the new paper that shares none of its words.
const QUERY: &str = "how many flightless seabirds live together, seen from orbit";

async fn post(port: u16, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until a search by meaning on the server at `port` ranks the new paper first.
async fn wait_findable(port: u16) {
    for _ in 0..600 {
        let body = post(
            port,
            SEARCH,
            json!({ "q": QUERY, "mode": "SEMANTIC", "first": 1 }),
        )
        .await;
        if body["data"].is_object()
            && arxiv_ids(&body["data"], "searchPapers")
                .first()
                .map(String::as_str)
                == Some(PENGUINS)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the new paper was not found by meaning on 127.0.0.1:{port}");
}

storage_test!(a_new_paper_becomes_findable_by_meaning_on_every_replica);
async fn a_new_paper_becomes_findable_by_meaning_on_every_replica(backend: Backend) {
    let Some(app) = spawn_with_model(backend).await else {
        return;
    };
    // A second replica on PostgreSQL, with the model (SQLite serves one process).
    let second = if backend == Backend::Postgres {
        let dir = minilm_dir().unwrap();
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let child = spawn_server(&[
            ("DATABASE_URL", app.db.url.as_str()),
            ("PAPERS_LISTEN", listen.as_str()),
            ("PAPERS_JWT_SECRET", fixtures::TEST_SECRET),
            ("PAPERS_EMBEDDING_MODEL", dir.to_str().unwrap()),
        ]);
        wait_healthy(port).await;
        Some((port, child))
    } else {
        None
    };

    let db = app.db.connect().await;
    let ada = fixtures::token_for(&fixtures::user(&db, "ada").await);
    let input = json!({
        "arxivId": PENGUINS,
        "title": "Counting emperor penguin colonies in satellite imagery with weak supervision",
        "abstract": "We estimate the number of emperor penguins in Antarctic colonies from \
            high-resolution satellite images, training a segmentation network from colony-level \
            census counts alone.",
        "authors": ["Ada Lovelace"],
    });
    let submitted = app
        .data_as(
            &ada,
            "mutation ($input: SubmitPaperInput!) { submitPaper(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await;
    assert!(submitted["submitPaper"]["id"].is_string());
    // By words at once (before any vector), and the words miss the description.
    let words = app
        .data(
            SEARCH,
            json!({ "q": "penguin colonies", "mode": "LEXICAL" }),
        )
        .await;
    assert_eq!(arxiv_ids(&words, "searchPapers"), [PENGUINS]);
    let described = app
        .data(SEARCH, json!({ "q": QUERY, "mode": "LEXICAL" }))
        .await;
    assert!(arxiv_ids(&described, "searchPapers").is_empty());

    wait_findable(app.addr.port()).await;
    if let Some((port, mut child)) = second {
        wait_findable(port).await;
        terminate(&mut child).await;
    }
    // Embedded once, whichever replica did it.
    assert_eq!(app.count_rows("paper_embeddings").await, 40);
    app.stop().await;
}
