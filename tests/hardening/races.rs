//! Parallel writes keep every invariant, on PostgreSQL as on SQLite: positions stay dense and
//! unique, one decision per claim, one paper per arXiv id, one author per new name, no text in a
//! tombstone; a lost race is `CONFLICT` or `NOT_FOUND`, never `INTERNAL_SERVER_ERROR`.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

use super::{in_parallel, tally};
use api::ids::Global;

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;
use crate::support::fixtures::{self, token_for};

const ADD_ITEM: &str = "mutation ($c: ID!, $p: ID!, $at: Int) { addCollectionItem(input: { \
    collectionId: $c, paperId: $p, position: $at }) { itemCount } }";
const MOVE_ITEM: &str = "mutation ($c: ID!, $p: ID!, $at: Int) { updateCollectionItem(input: { \
    collectionId: $c, paperId: $p, position: $at }) { itemCount } }";
const REMOVE_ITEM: &str = "mutation ($c: ID!, $p: ID!) { removeCollectionItem(collectionId: $c, \
    paperId: $p) { itemCount } }";

/// The positions of a collection's items, in order.
async fn positions(app: &TestApp, collection: api::ids::CollectionId) -> Vec<i32> {
    let db = app.db.connect().await;
    entity::collection_item::Entity::find()
        .filter(entity::collection_item::Column::CollectionId.eq(collection))
        .order_by_asc(entity::collection_item::Column::Position)
        .all(&db)
        .await
        .expect("items")
        .into_iter()
        .map(|item| item.position)
        .collect()
}

fn dense(n: usize) -> Vec<i32> {
    (0..i32::try_from(n).expect("small")).collect()
}

/// The global ID the API gives an object.
fn global_id(id: impl Global) -> Value {
    json!(id.global())
}

/// `n` papers, as global IDs.
async fn paper_ids(app: &TestApp, n: usize) -> Vec<Value> {
    let db = app.db.connect().await;
    let mut ids = Vec::new();
    for i in 0..n {
        let arxiv = format!("2401.{i:05}");
        let row = fixtures::paper(
            &db,
            &arxiv,
            &format!("Paper {i}"),
            "x",
            &["A"],
            fixtures::now(),
            None,
        )
        .await;
        ids.push(global_id(row.id));
    }
    ids
}

storage_test!(parallel_item_writes_keep_positions_dense_and_unique);
async fn parallel_item_writes_keep_positions_dense_and_unique(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let owner = fixtures::user(&db, "owner").await;
    let token = token_for(&owner);
    let row = fixtures::collection(&db, &owner, "Reading list", false, &[]).await;
    let collection = global_id(row.id);
    let papers = paper_ids(&app, 16).await;

    let bodies = in_parallel(
        &app,
        Some(&token),
        ADD_ITEM,
        |i| json!({ "c": collection, "p": papers[i], "at": (i % 3) }),
        16,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 16, "{codes:?}");
    assert_eq!(positions(&app, row.id).await, dense(16));

    let bodies = in_parallel(
        &app,
        Some(&token),
        MOVE_ITEM,
        |i| json!({ "c": collection, "p": papers[i], "at": (i * 7) % 16 }),
        16,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 16, "{codes:?}");
    assert_eq!(positions(&app, row.id).await, dense(16));

    // Moves and removals together.
    let mixed = in_parallel(
        &app,
        Some(&token),
        MOVE_ITEM,
        |i| json!({ "c": collection, "p": papers[i], "at": 0 }),
        8,
    );
    let removals = in_parallel(
        &app,
        Some(&token),
        REMOVE_ITEM,
        |i| json!({ "c": collection, "p": papers[8 + i] }),
        8,
    );
    let (moved, removed) = tokio::join!(mixed, removals);
    let (ok, codes) = tally(&[moved, removed].concat());
    assert_eq!(ok, 16, "{codes:?}");
    assert_eq!(positions(&app, row.id).await, dense(8));
    let count = app
        .data(
            "query ($s: String!) { collection(slug: $s) { itemCount } }",
            json!({ "s": row.slug }),
        )
        .await;
    assert_eq!(count["collection"]["itemCount"], 8);
}

storage_test!(the_same_paper_added_in_parallel_is_one_item_and_conflicts);
async fn the_same_paper_added_in_parallel_is_one_item_and_conflicts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let owner = fixtures::user(&db, "owner").await;
    let row = fixtures::collection(&db, &owner, "Reading list", false, &[]).await;
    let collection = global_id(row.id);
    let papers = paper_ids(&app, 1).await;
    let bodies = in_parallel(
        &app,
        Some(&token_for(&owner)),
        ADD_ITEM,
        |_| json!({ "c": collection, "p": papers[0] }),
        8,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 1, "{codes:?}");
    assert_eq!(codes, vec!["CONFLICT"; 7]);
    assert_eq!(positions(&app, row.id).await, dense(1));
}

storage_test!(a_claim_is_decided_once_whatever_the_race);
async fn a_claim_is_decided_once_whatever_the_race(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let mut moderator: entity::user::ActiveModel = fixtures::user(&db, "mo").await.into();
    moderator.role = Set(entity::user::Role::Moderator);
    let mo = token_for(&moderator.update(&db).await.expect("promote"));
    fixtures::paper(
        &db,
        "2401.00001",
        "One",
        "x",
        &["Ada Lovelace"],
        fixtures::now(),
        None,
    )
    .await;
    let paper = app
        .data("{ paper(arxivId: \"2401.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    let claim =
        "mutation ($p: ID!) { claimAuthorship(input: { paperId: $p, position: 0 }) { id } }";
    let id = app
        .data_as(&token_for(&ada), claim, json!({ "p": paper }))
        .await["claimAuthorship"]["id"]
        .clone();

    let decide = "mutation ($id: ID!, $ok: Boolean!) { decideAuthorshipClaim(id: $id, approve: \
        $ok) { status } }";
    let bodies = in_parallel(
        &app,
        Some(&mo),
        decide,
        |i| json!({ "id": id, "ok": i % 2 == 0 }),
        10,
    )
    .await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 1, "{codes:?}");
    assert_eq!(codes, vec!["CONFLICT"; 9]);
    let winner = bodies
        .iter()
        .find(|b| b.get("errors").is_none())
        .expect("a winner");
    let status = winner["data"]["decideAuthorshipClaim"]["status"]
        .as_str()
        .expect("status")
        .to_owned();

    let stored = entity::authorship_claim::Entity::find()
        .one(&db)
        .await
        .expect("query")
        .expect("claim");
    let author = entity::author::Entity::find()
        .filter(entity::author::Column::Name.eq("Ada Lovelace"))
        .one(&db)
        .await
        .expect("query")
        .expect("author");
    let expected = if status == "APPROVED" {
        entity::authorship_claim::ClaimStatus::Approved
    } else {
        entity::authorship_claim::ClaimStatus::Rejected
    };
    assert_eq!(stored.status, expected);
    assert_eq!(
        author.user_id.is_some(),
        status == "APPROVED",
        "linked exactly when approved"
    );
}

storage_test!(parallel_submissions_of_one_paper_make_one_paper_and_conflicts);
async fn parallel_submissions_of_one_paper_make_one_paper_and_conflicts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let mut tokens = Vec::new();
    for i in 0..8 {
        tokens.push(token_for(&fixtures::user(&db, &format!("user{i}")).await));
    }
    let submit = "mutation ($id: String!) { submitPaper(input: { arxivId: $id, title: \"T\", \
        abstract: \"A\", authors: [\"Brand New Person\", \"Another New One\"] }) { id } }";
    let requests = tokens
        .iter()
        .map(|t| app.gql_as(t, submit, json!({ "id": "2403.00001" })));
    let bodies = futures_util::future::join_all(requests).await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 1, "{codes:?}");
    assert_eq!(codes, vec!["CONFLICT"; 7]);
    assert_eq!(app.count_rows("papers").await, 1);

    // Different papers naming the same new authors: one author row per name.
    let requests = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| app.gql_as(t, submit, json!({ "id": format!("2404.{i:05}") })));
    let bodies = futures_util::future::join_all(requests).await;
    let (ok, codes) = tally(&bodies);
    assert_eq!(ok, 8, "{codes:?}");
    assert_eq!(app.count_rows("authors").await, 2);
}

storage_test!(an_edit_racing_a_delete_never_writes_into_the_tombstone);
async fn an_edit_racing_a_delete_never_writes_into_the_tombstone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let token = token_for(&ada);
    let paper = fixtures::paper(&db, "2401.00001", "One", "x", &["A"], fixtures::now(), None).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let row = fixtures::comment(&db, &paper, &ada, None, &format!("comment {i}")).await;
        ids.push(global_id(row.id));
    }
    let edit =
        "mutation ($id: ID!) { editComment(input: { id: $id, body: \"edited text\" }) { id } }";
    let delete = "mutation ($id: ID!) { deleteComment(id: $id) { id } }";
    let edits = in_parallel(&app, Some(&token), edit, |i| json!({ "id": ids[i] }), 10);
    let deletes = in_parallel(&app, Some(&token), delete, |i| json!({ "id": ids[i] }), 10);
    let (edits, deletes) = tokio::join!(edits, deletes);
    let (_, codes) = tally(&[edits, deletes].concat());
    assert!(
        codes.iter().all(|c| c == "NOT_FOUND"),
        "a lost race is NOT_FOUND: {codes:?}"
    );
    let rows = entity::comment::Entity::find()
        .all(&db)
        .await
        .expect("comments");
    assert_eq!(rows.len(), 10);
    for row in rows {
        assert!(row.deleted_at.is_some());
        assert_eq!(row.body, "", "a deleted comment holds no text");
    }
    let count = app
        .data(
            "{ paper(arxivId: \"2401.00001\") { commentCount } }",
            json!({}),
        )
        .await;
    assert_eq!(count["paper"]["commentCount"], 0);
}

storage_test!(replicas_started_at_once_on_an_empty_database_all_start);
async fn replicas_started_at_once_on_an_empty_database_all_start(backend: Backend) {
    let test_db = crate::support::TestDb::new(backend).await;
    let starts = (0..4).map(|_| api::app::prepare(crate::support::settings(&test_db, &[])));
    let started = futures_util::future::join_all(starts).await;
    for state in &started {
        assert!(state.is_ok(), "{:?}", state.as_ref().err());
    }
    let db = test_db.connect().await;
    assert_eq!(
        crate::support::count_rows(&db, "papers").await,
        39,
        "the demo data is loaded once"
    );
}
