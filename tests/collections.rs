//! Collections: items in order with notes, and private collections invisible to all but their
//! owner everywhere.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;
use crate::support::fixtures::{self, token_for};

storage_test!(a_collection_lists_its_items_in_order_with_notes);
async fn a_collection_lists_its_items_in_order_with_notes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let now = fixtures::now();
    let p1 = fixtures::paper(&db, "2401.00001", "One", "x", &["A"], now, None).await;
    let p2 = fixtures::paper(&db, "2401.00002", "Two", "x", &["A"], now, None).await;
    let p3 = fixtures::paper(&db, "2401.00003", "Three", "x", &["A"], now, None).await;
    let c = fixtures::collection(&db, &alice, "Reading list", false, &[&p3, &p1, &p2]).await;
    let query = "query ($slug: String!, $after: String) { collection(slug: $slug) { title owner
    { username } itemCount
        items(first: 2, after: $after) { totalCount edges { node { position note paper {
        arxivId } } } pageInfo { hasNextPage endCursor } } } }";
    let data = app.data(query, json!({ "slug": c.slug })).await;
    let collection = &data["collection"];
    assert_eq!(collection["owner"]["username"], "alice");
    assert_eq!(collection["itemCount"], 3);
    let first: Vec<&str> = collection["items"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["paper"]["arxivId"].as_str().expect("id"))
        .collect();
    assert_eq!(first, ["2401.00003", "2401.00001"]);
    assert_eq!(collection["items"]["edges"][1]["node"]["note"], "note 1");
    let after = collection["items"]["pageInfo"]["endCursor"].clone();
    let data = app
        .data(query, json!({ "slug": c.slug, "after": after }))
        .await;
    assert_eq!(
        data["collection"]["items"]["edges"][0]["node"]["paper"]["arxivId"],
        "2401.00002"
    );
    assert_eq!(
        data["collection"]["items"]["pageInfo"]["hasNextPage"],
        false
    );
}

storage_test!(a_private_collection_is_invisible_to_everyone_but_its_owner_everywhere);
async fn a_private_collection_is_invisible_to_everyone_but_its_owner_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let alice = fixtures::user(&db, "alice").await;
    let bob = fixtures::user(&db, "bob").await;
    let paper = fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let public = fixtures::collection(&db, &alice, "Public", false, &[&paper]).await;
    let secret = fixtures::collection(&db, &alice, "Secret", true, &[&paper]).await;
    let alice_token = token_for(&alice);
    let bob_token = token_for(&bob);

    let by_slug = "query ($slug: String!) { collection(slug: $slug) { id title } }";
    let seen_by_owner = app
        .data_as(&alice_token, by_slug, json!({ "slug": secret.slug }))
        .await;
    assert_eq!(seen_by_owner["collection"]["title"], "Secret");
    let secret_id = seen_by_owner["collection"]["id"].clone();

    let everywhere = "query ($slug: String!, $id: ID!, $paper: ID!) {
        collection(slug: $slug) { id }
        node(id: $id) { id }
        nodes(ids: [$id]) { id }
        collections { totalCount edges { node { title } } }
        filtered: collections(filter: { owner: \"alice\", paperId: $paper }) { totalCount edges
        { node { title } } }
        user(username: \"alice\") { collections { totalCount edges { node { title } } } }
        paper(arxivId: \"2401.00001\") { collections { totalCount edges { node { title } } } }
    }";
    let paper_id = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    let variables = json!({ "slug": secret.slug, "id": secret_id, "paper": paper_id });
    let titles = |list: &Value| -> Vec<String> {
        list["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["title"].as_str().expect("title").to_owned())
            .collect()
    };
    for (who, token) in [("anonymous", None), ("bob", Some(bob_token.as_str()))] {
        let data = match token {
            Some(token) => app.data_as(token, everywhere, variables.clone()).await,
            None => app.data(everywhere, variables.clone()).await,
        };
        assert_eq!(data["collection"], Value::Null, "{who}");
        assert_eq!(data["node"], Value::Null, "{who}");
        assert_eq!(data["nodes"], json!([null]), "{who}");
        for list in [
            &data["collections"],
            &data["filtered"],
            &data["user"]["collections"],
            &data["paper"]["collections"],
        ] {
            assert_eq!(titles(list), ["Public"], "{who}: {list}");
            assert_eq!(list["totalCount"], 1, "{who}: {list}");
        }
    }
    let data = app.data_as(&alice_token, everywhere, variables).await;
    assert_eq!(data["node"]["id"], secret_id);
    for list in [
        &data["collections"],
        &data["filtered"],
        &data["user"]["collections"],
        &data["paper"]["collections"],
    ] {
        assert_eq!(list["totalCount"], 2, "owner sees both: {list}");
    }
    let _ = public;
}
