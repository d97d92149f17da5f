//! Writing collections and submitting papers.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::fixtures::{self, token_for};
use crate::support::{TestApp, error_codes};

const CREATE: &str = "mutation ($title: String!, $private: Boolean) { createCollection(input: { \
    title: $title, isPrivate: $private }) { id slug title isPrivate itemCount } }";
const ADD: &str = "mutation ($c: ID!, $p: ID!, $pos: Int, $note: String) { \
    addCollectionItem(input: { collectionId: $c, paperId: $p, position: $pos, note: $note }) { \
    itemCount items(first: 100) { edges { node { position note paper { arxivId } } } } } }";
const MOVE: &str = "mutation ($c: ID!, $p: ID!, $pos: Int) { updateCollectionItem(input: { \
    collectionId: $c, paperId: $p, position: $pos }) { items(first: 100) { edges { node { \
    position paper { arxivId } } } } } }";
const REMOVE: &str = "mutation ($c: ID!, $p: ID!) { removeCollectionItem(collectionId: $c, \
    paperId: $p) { itemCount items(first: 100) { edges { node { position paper { arxivId } } } } \
    } }";

/// The items as (position, arXiv id), checking positions are dense.
fn order(items: &Value) -> Vec<String> {
    let edges = items["edges"].as_array().expect("edges");
    for (i, edge) in edges.iter().enumerate() {
        assert_eq!(edge["node"]["position"], i, "dense positions: {items}");
    }
    edges
        .iter()
        .map(|e| {
            e["node"]["paper"]["arxivId"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect()
}

storage_test!(items_keep_dense_positions_through_inserts_moves_and_removals);
async fn items_keep_dense_positions_through_inserts_moves_and_removals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let mut ids = Vec::new();
    for i in 1..=4 {
        fixtures::paper(
            &db,
            &format!("2401.0000{i}"),
            &format!("P{i}"),
            "x",
            &["A"],
            fixtures::now(),
            None,
        )
        .await;
        ids.push(
            app.data(
                &format!("{{ paper(arxivId: \"2401.0000{i}\") {{ id }} }}"),
                json!({}),
            )
            .await["paper"]["id"]
                .clone(),
        );
    }
    let created = app
        .data_as(&ada, CREATE, json!({ "title": "My reading list!" }))
        .await["createCollection"]
        .clone();
    let c = created["id"].clone();
    assert!(
        created["slug"]
            .as_str()
            .expect("slug")
            .starts_with("ada/my-reading-list-"),
        "{created}"
    );
    app.data_as(&ada, ADD, json!({ "c": c, "p": ids[0] })).await;
    app.data_as(&ada, ADD, json!({ "c": c, "p": ids[1] })).await;
    let data = app
        .data_as(
            &ada,
            ADD,
            json!({ "c": c, "p": ids[2], "pos": 0, "note": "start here" }),
        )
        .await;
    assert_eq!(
        order(&data["addCollectionItem"]["items"]),
        ["2401.00003", "2401.00001", "2401.00002"]
    );
    let data = app
        .data_as(&ada, ADD, json!({ "c": c, "p": ids[3], "pos": 99 }))
        .await;
    assert_eq!(
        order(&data["addCollectionItem"]["items"]),
        ["2401.00003", "2401.00001", "2401.00002", "2401.00004"]
    );
    assert_eq!(data["addCollectionItem"]["itemCount"], 4);
    let data = app
        .data_as(&ada, MOVE, json!({ "c": c, "p": ids[2], "pos": 2 }))
        .await;
    assert_eq!(
        order(&data["updateCollectionItem"]["items"]),
        ["2401.00001", "2401.00002", "2401.00003", "2401.00004"]
    );
    let data = app
        .data_as(&ada, MOVE, json!({ "c": c, "p": ids[3], "pos": 0 }))
        .await;
    assert_eq!(
        order(&data["updateCollectionItem"]["items"]),
        ["2401.00004", "2401.00001", "2401.00002", "2401.00003"]
    );
    let data = app
        .data_as(&ada, REMOVE, json!({ "c": c, "p": ids[0] }))
        .await;
    assert_eq!(
        order(&data["removeCollectionItem"]["items"]),
        ["2401.00004", "2401.00002", "2401.00003"]
    );
    assert_eq!(data["removeCollectionItem"]["itemCount"], 3);

    let before = app.count_rows("collection_items").await;
    let duplicate = app.gql_as(&ada, ADD, json!({ "c": c, "p": ids[1] })).await;
    assert_eq!(error_codes(&duplicate), ["CONFLICT"]);
    let long_note = app
        .gql_as(
            &ada,
            ADD,
            json!({ "c": c, "p": ids[0], "note": "x".repeat(501) }),
        )
        .await;
    assert_eq!(error_codes(&long_note), ["BAD_USER_INPUT"]);
    assert_eq!(app.count_rows("collection_items").await, before);
}

storage_test!(only_the_owner_writes_and_privacy_holds_after_writes);
async fn only_the_owner_writes_and_privacy_holds_after_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let bob = token_for(&fixtures::user(&db, "bob").await);
    fixtures::paper(&db, "2401.00001", "P1", "x", &["A"], fixtures::now(), None).await;
    let paper = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    let public = app
        .data_as(&ada, CREATE, json!({ "title": "Public" }))
        .await["createCollection"]
        .clone();
    let secret = app
        .data_as(&ada, CREATE, json!({ "title": "Secret", "private": true }))
        .await["createCollection"]
        .clone();
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, ADD, json!({ "c": public["id"], "p": paper }))
                .await
        ),
        ["FORBIDDEN"]
    );
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, ADD, json!({ "c": secret["id"], "p": paper }))
                .await
        ),
        ["NOT_FOUND"]
    );
    let rename = "mutation ($id: ID!, $t: String, $p: Boolean) { updateCollection(input: { id: \
        $id, title: $t, isPrivate: $p }) { slug title isPrivate } }";
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, rename, json!({ "id": public["id"], "t": "Mine now" }))
                .await
        ),
        ["FORBIDDEN"]
    );
    let renamed = app
        .data_as(&ada, rename, json!({ "id": public["id"], "t": "Renamed" }))
        .await;
    assert_eq!(
        renamed["updateCollection"]["slug"], public["slug"],
        "the slug survives renames"
    );
    assert_eq!(renamed["updateCollection"]["title"], "Renamed");
    // Made private: gone for others.
    app.data_as(&ada, rename, json!({ "id": public["id"], "p": true }))
        .await;
    let lookup =
        "query ($s: String!) { collection(slug: $s) { title } collections { totalCount } }";
    let seen = app
        .data_as(&bob, lookup, json!({ "s": public["slug"] }))
        .await;
    assert_eq!(
        seen,
        json!({ "collection": null, "collections": { "totalCount": 0 } })
    );
    let delete = "mutation ($id: ID!) { deleteCollection(id: $id) }";
    assert_eq!(
        error_codes(
            &app.gql_as(&bob, delete, json!({ "id": secret["id"] }))
                .await
        ),
        ["NOT_FOUND"]
    );
    assert_eq!(
        app.data_as(&ada, delete, json!({ "id": secret["id"] }))
            .await["deleteCollection"],
        true
    );
    assert_eq!(app.count_rows("collections").await, 1);
}

storage_test!(a_submitted_paper_enters_todays_feed_once);
async fn a_submitted_paper_enters_todays_feed_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    fixtures::paper(
        &db,
        "2401.00001",
        "Existing",
        "x",
        &["Grace Hopper"],
        fixtures::now() - chrono::Duration::days(3),
        None,
    )
    .await;
    let submit = "mutation ($input: SubmitPaperInput!) { submitPaper(input: $input) { arxivId \
        submittedBy { username } authors { name author { paperCount } } } }";
    let input = json!({ "arxivId": "2402.12345v3", "title": "A new paper", "abstract": "We train \
        things.", "authors": ["Grace Hopper", "New Person"] });
    let data = app.data_as(&ada, submit, json!({ "input": input })).await;
    assert_eq!(data["submitPaper"]["arxivId"], "2402.12345");
    assert_eq!(data["submitPaper"]["submittedBy"]["username"], "ada");
    assert_eq!(
        data["submitPaper"]["authors"][0]["author"]["paperCount"], 2,
        "matched the existing author"
    );
    let today = app
        .data("{ dailyPapers { edges { node { arxivId } } } }", json!({}))
        .await;
    assert_eq!(
        today["dailyPapers"]["edges"][0]["node"]["arxivId"],
        "2402.12345"
    );
    let search = app
        .data(
            "{ searchPapers(query: \"new paper\") { edges { node { arxivId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        search["searchPapers"]["edges"][0]["node"]["arxivId"], "2402.12345",
        "indexed for search"
    );

    let before = app.count_rows("papers").await;
    let again = app.gql_as(&ada, submit, json!({ "input": input })).await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);
    for (field, value) in [
        ("arxivId", json!("nonsense")),
        ("title", json!("")),
        ("authors", json!([])),
        ("githubRepo", json!("ftp://x")),
    ] {
        let mut bad = input.clone();
        bad[field] = value;
        let body = app.gql_as(&ada, submit, json!({ "input": bad })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{field}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(app.count_rows("papers").await, before);
    assert_eq!(
        error_codes(&app.gql(submit, json!({ "input": input })).await),
        ["UNAUTHENTICATED"]
    );
}
