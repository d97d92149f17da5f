//! `User.recommendedPapers` with an embedding model: ranked by the papers' vectors against the
//! mean direction of what the reader upvoted.

use serde_json::json;

use super::{BLSP, spawn_with_model};
use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};

storage_test!(recommendations_follow_the_vectors_of_what_the_reader_upvoted);
async fn recommendations_follow_the_vectors_of_what_the_reader_upvoted(backend: Backend) {
    let Some(app) = spawn_with_model(backend).await else {
        return;
    };
    let db = app.db.connect().await;
    let reader = fixtures::user(&db, "reader").await;
    let token = token_for(&reader);
    let id = app.paper_gid(BLSP).await;
    app.data_as(
        &token,
        "mutation ($id: ID!) { upvotePaper(paperId: $id) { upvoteCount } }",
        json!({ "id": id }),
    )
    .await;
    let recommended = app
        .data_as(
            &token,
            "{ viewer { recommendedPapers(first: 5) { nodes { arxivId } } } }",
            json!({}),
        )
        .await;
    let similar = app
        .data(
            "query ($a: String!) { paper(arxivId: $a) { similarPapers(first: 10) { nodes { arxivId } } } }",
            json!({ "a": BLSP }),
        )
        .await;
    let ids = |list: &serde_json::Value| -> Vec<String> {
        list["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["arxivId"].as_str().expect("id").to_owned())
            .collect()
    };
    let recommended = ids(&recommended["viewer"]["recommendedPapers"]);
    let similar = ids(&similar["paper"]["similarPapers"]);
    assert_eq!(recommended.len(), 5);
    assert!(
        !recommended.contains(&BLSP.to_owned()),
        "never what the reader upvoted"
    );
    assert!(
        recommended.iter().all(|id| similar.contains(id)),
        "the nearest papers to what the reader upvoted: {recommended:?} within {similar:?}"
    );
}
