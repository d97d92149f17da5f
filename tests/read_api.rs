//! The first read API: `paper`, `papers` as a Relay connection, `node`/`nodes`.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::Backend;
use crate::support::{TestApp, error_codes};

const PAGE: &str =
    "query ($order: PaperOrder, $first: Int, $after: String, $last: Int, $before: String) {
  papers(orderBy: $order, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id arxivId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

fn ids(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["arxivId"].as_str().expect("id").to_owned())
        .collect()
}

storage_test!(paging_forward_and_backward_visits_every_paper_once_in_every_order);
async fn paging_forward_and_backward_visits_every_paper_once_in_every_order(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    for order in ["TRENDING", "UPVOTES", "SUBMITTED_AT", "PUBLISHED_AT"] {
        let all = app
            .data(PAGE, json!({ "order": order, "first": 100 }))
            .await;
        let expected = ids(&all["papers"]);
        assert_eq!(expected.len(), 39, "{order}");

        // Forward, 7 at a time (UPVOTES ties everywhere: all demo papers have 0 votes).
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app
                .data(PAGE, json!({ "order": order, "first": 7, "after": after }))
                .await;
            let page = &data["papers"];
            seen.extend(ids(page));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_null());
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(
            seen, expected,
            "{order}: forward pages concatenate to the whole list"
        );

        // Backward, 10 at a time.
        let mut seen_back: Vec<String> = Vec::new();
        let mut before = Value::Null;
        loop {
            let data = app
                .data(
                    PAGE,
                    json!({ "order": order, "last": 10, "before": before }),
                )
                .await;
            let page = &data["papers"];
            let mut chunk = ids(page);
            chunk.extend(seen_back);
            seen_back = chunk;
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(
            seen_back, expected,
            "{order}: backward pages concatenate to the whole list"
        );
    }
}

storage_test!(a_cursor_at_the_very_end_gives_an_empty_last_page);
async fn a_cursor_at_the_very_end_gives_an_empty_last_page(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let data = app.data(PAGE, json!({ "first": 39 })).await;
    assert_eq!(data["papers"]["pageInfo"]["hasNextPage"], false);
    let end = data["papers"]["pageInfo"]["endCursor"].clone();
    let data = app.data(PAGE, json!({ "first": 5, "after": end })).await;
    assert_eq!(data["papers"]["edges"], json!([]));
    assert_eq!(data["papers"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(data["papers"]["totalCount"], 39);
}

storage_test!(an_empty_database_gives_an_empty_connection);
async fn an_empty_database_gives_an_empty_connection(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let data = app.data(PAGE, json!({})).await;
    assert_eq!(data["papers"]["totalCount"], 0);
    assert_eq!(data["papers"]["edges"], json!([]));
    assert_eq!(data["papers"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(data["papers"]["pageInfo"]["startCursor"], Value::Null);
}

storage_test!(page_sizes_default_to_20_and_are_bounded);
async fn page_sizes_default_to_20_and_are_bounded(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let data = app.data(PAGE, json!({})).await;
    assert_eq!(ids(&data["papers"]).len(), 20);
    for (first, last) in [
        (json!(0), Value::Null),
        (json!(-1), Value::Null),
        (json!(101), Value::Null),
        (Value::Null, json!(0)),
        (Value::Null, json!(101)),
    ] {
        let body = app.gql(PAGE, json!({ "first": first, "last": last })).await;
        assert_eq!(
            error_codes(&body),
            ["BAD_USER_INPUT"],
            "first {first} last {last}: {body}"
        );
        let field = body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap_or_default();
        assert!(field == "first" || field == "last", "{body}");
    }
}

storage_test!(forged_truncated_and_foreign_cursors_are_bad_input);
async fn forged_truncated_and_foreign_cursors_are_bad_input(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let data = app
        .data(PAGE, json!({ "order": "TRENDING", "first": 3 }))
        .await;
    let cursor = data["papers"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let truncated = cursor[..cursor.len() - 3].to_owned();
    let forged = "cGFwZXJzOnRyZW5kaW5nfE5hTnwx".to_owned(); // "papers:trending|NaN|1"
    for (order, bad) in [
        ("TRENDING", "garbage!".to_owned()),
        ("TRENDING", truncated),
        ("TRENDING", forged),
        ("TRENDING", String::new()),
        ("UPVOTES", cursor.clone()),
        ("PUBLISHED_AT", cursor),
    ] {
        let body = app
            .gql(PAGE, json!({ "order": order, "first": 3, "after": bad }))
            .await;
        assert_eq!(
            error_codes(&body),
            ["BAD_USER_INPUT"],
            "{order} {bad}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], "after");
    }
}

storage_test!(a_paper_is_found_by_plain_and_versioned_arxiv_id);
async fn a_paper_is_found_by_plain_and_versioned_arxiv_id(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let query = "query ($id: String!) { paper(arxivId: $id) { arxivId title authorCount arxivUrl \
        pdfUrl githubRepo publishedAt upvoteCount commentCount authors { position name } } }";
    let plain = app.data(query, json!({ "id": "2309.00916" })).await;
    assert_eq!(plain["paper"]["arxivId"], "2309.00916");
    assert_eq!(plain["paper"]["authorCount"], 8);
    assert_eq!(
        plain["paper"]["authors"][0],
        json!({ "position": 0, "name": "Chen Wang" })
    );
    assert_eq!(
        plain["paper"]["arxivUrl"],
        "https://arxiv.org/abs/2309.00916"
    );
    assert_eq!(plain["paper"]["pdfUrl"], "https://arxiv.org/pdf/2309.00916");
    let versioned = app.data(query, json!({ "id": "2309.00916v2" })).await;
    assert_eq!(versioned, plain);
    let long = app.data(query, json!({ "id": "2401.05566" })).await;
    assert_eq!(long["paper"]["authorCount"], 39);
    for unknown in [
        "2309.99999",
        "hep-th/9901001",
        "nonsense",
        "",
        "'; DROP TABLE papers; --",
    ] {
        let data = app.data(query, json!({ "id": unknown })).await;
        assert_eq!(data["paper"], Value::Null, "{unknown}");
    }
}

storage_test!(node_finds_papers_and_authors_by_global_id_and_nothing_else);
async fn node_finds_papers_and_authors_by_global_id_and_nothing_else(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let data = app
        .data(
            "{ paper(arxivId: \"2309.00916\") { id title authors { author { id name } } } }",
            json!({}),
        )
        .await;
    let paper_id = data["paper"]["id"].as_str().expect("id").to_owned();
    let author_id = data["paper"]["authors"][0]["author"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let query = "query ($id: ID!) { node(id: $id) { __typename id ... on Paper { title } ... on \
        Author { name } } }";
    let node = app.data(query, json!({ "id": paper_id })).await;
    assert_eq!(node["node"]["__typename"], "Paper");
    assert_eq!(node["node"]["title"], data["paper"]["title"]);
    let node = app.data(query, json!({ "id": author_id })).await;
    assert_eq!(node["node"]["__typename"], "Author");
    assert_eq!(node["node"]["name"], "Chen Wang");
    for garbage in ["", "garbage", "UGFwZXI6OTk5OTk", "VXNlcjox", "UGFwZXI6LTE"] {
        // Unknown row, a type we do not have, a negative id.
        let node = app.data(query, json!({ "id": garbage })).await;
        assert_eq!(node["node"], Value::Null, "{garbage}");
    }
    let nodes = app
        .data(
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [paper_id, "garbage", author_id] }),
        )
        .await;
    assert_eq!(nodes["nodes"][0]["id"], paper_id.as_str());
    assert_eq!(nodes["nodes"][1], Value::Null);
    assert_eq!(nodes["nodes"][2]["id"], author_id.as_str());
    let distinct: HashSet<&str> = [paper_id.as_str(), author_id.as_str()].into();
    assert_eq!(distinct.len(), 2);
}

const READ_ALONG: &str = "query ($date: Date, $first: Int, $after: String) {
  dailyPapers(date: $date, first: $first, after: $after) {
    ...total
    edges { cursor node { id arxivId viewerHasUpvoted submittedBy { username } } }
    nodes { id again: viewerHasUpvoted by: submittedBy { username } }
  }
}
fragment total on PaperConnection { totalCount }";

const ONE: &str = "query ($id: ID!, $arxivId: String!) {
  node(id: $id) { ... on Paper { viewerHasUpvoted submittedBy { username } } }
  paper(arxivId: $arxivId) { viewerHasUpvoted submittedBy { username } }
}";

storage_test!(what_a_page_of_papers_reads_along_agrees_with_the_loaders);
/// The feed reads `totalCount` and `viewerHasUpvoted` in the page's own statement, and `paper`
/// the viewer's upvote with the paper; the answers
/// must equal what the separate count and the per-paper loader answer, on first and later pages
/// (where the total cannot come from the page), through aliases and fragments, signed in or not.
async fn what_a_page_of_papers_reads_along_agrees_with_the_loaders(backend: Backend) {
    use crate::support::fixtures;
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let viewer = fixtures::user(&db, "viewer").await;
    let other = fixtures::user(&db, "other").await;
    let day = fixtures::noon_days_ago(1);
    let mut upvoted = HashSet::new();
    for i in 0..7_i64 {
        let paper = fixtures::paper(
            &db,
            &format!("2402.{i:05}"),
            &format!("Paper {i}"),
            "x",
            &["A"],
            day + chrono::Duration::minutes(i),
            (i % 3 == 1).then_some(other.id),
        )
        .await;
        if i % 2 == 0 {
            fixtures::upvote(&db, &viewer, &paper).await;
            upvoted.insert(
                app.paper_gid(&paper.arxiv_id)
                    .await
                    .as_str()
                    .expect("id")
                    .to_owned(),
            );
        }
        if i % 3 == 0 {
            fixtures::upvote(&db, &other, &paper).await;
        }
    }
    let date = day.format("%Y-%m-%d").to_string();
    let token = fixtures::token_for(&viewer);
    let mut after = Value::Null;
    let mut seen = 0;
    let mut submitters = HashSet::new();
    loop {
        let vars = json!({ "date": date, "first": 3, "after": after });
        let data = app.data_as(&token, READ_ALONG, vars.clone()).await;
        let page = &data["dailyPapers"];
        assert_eq!(page["totalCount"], 7, "every page counts the whole day");
        let edges = page["edges"].as_array().expect("edges");
        for (edge, node) in edges.iter().zip(page["nodes"].as_array().expect("nodes")) {
            let id = edge["node"]["id"].as_str().expect("id");
            let expected = upvoted.contains(id);
            assert_eq!(edge["node"]["viewerHasUpvoted"], expected, "{id}");
            assert_eq!(node["again"], expected, "{id} through nodes");
            let arxiv_id = &edge["node"]["arxivId"];
            let vars = json!({ "id": id, "arxivId": arxiv_id });
            let alone = app.data_as(&token, ONE, vars.clone()).await;
            assert_eq!(alone["node"]["viewerHasUpvoted"], expected, "{id} by node");
            assert_eq!(
                alone["paper"]["viewerHasUpvoted"], expected,
                "{id} by arXiv id"
            );
            // The submitter of each way of reading the paper is the same.
            let by = &alone["node"]["submittedBy"];
            assert_eq!(&edge["node"]["submittedBy"], by, "{id}");
            assert_eq!(&node["by"], by, "{id} through nodes");
            assert_eq!(&alone["paper"]["submittedBy"], by, "{id} by arXiv id");
            submitters.insert(by.clone());
            let anonymous = app.data(ONE, vars).await;
            assert_eq!(anonymous["paper"]["viewerHasUpvoted"], false);
        }
        let anonymous = app.data(READ_ALONG, vars).await;
        let anonymous = &anonymous["dailyPapers"];
        assert_eq!(anonymous["totalCount"], 7);
        for edge in anonymous["edges"].as_array().expect("edges") {
            assert_eq!(edge["node"]["viewerHasUpvoted"], false);
        }
        seen += edges.len();
        let Some(last) = edges.last() else { break };
        after = last["cursor"].clone();
    }
    assert_eq!(seen, 7);
    // Both kinds were seen: papers submitted by a user and imported ones (no submitter).
    let expected: HashSet<Value> = [Value::Null, json!({ "username": "other" })].into();
    assert_eq!(submitters, expected);

    // (The last page above was empty: its total came from the separate count.) An empty first
    // page counts 0.
    let empty = app
        .data_as(
            &token,
            READ_ALONG,
            json!({ "date": "2001-01-01", "first": 3 }),
        )
        .await;
    assert_eq!(empty["dailyPapers"]["totalCount"], 0);
}

const COUNTED: &str = "query ($date: Date, $arxivId: String!, $first: Int, $after: String,
$mine: String) {
  dailyPapers(date: $date, first: 10) {
    edges { node { arxivId comments(first: $first, after: $after) { totalCount edges { cursor }
    } } }
  }
  paper(arxivId: $arxivId) { comments(first: $first, after: $after) { totalCount edges { cursor
  } } }
  viewer { comments(first: $first, after: $mine) { totalCount edges { cursor } } }
}";

storage_test!(comment_totals_read_with_their_pages_agree_with_the_separate_count);
/// A comment list's `totalCount` is read in its page's statement when it can be: for one parent
/// (`paper`, `viewer`) by a sub-select, for the papers of a page by a count over each paper's
/// partition (first pages only). Later pages are counted separately. All must agree.
async fn comment_totals_read_with_their_pages_agree_with_the_separate_count(backend: Backend) {
    use crate::support::fixtures;
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let writer = fixtures::user(&db, "writer").await;
    let day = fixtures::noon_days_ago(1);
    let mut expected = std::collections::HashMap::new();
    let mut written = 0;
    for i in 0..4_i64 {
        let arxiv_id = format!("2403.{i:05}");
        let paper = fixtures::paper(&db, &arxiv_id, "P", "x", &["A"], day, None).await;
        // Paper i holds 2i top-level comments, each but the first with a reply (replies are
        // not top-level and do not count).
        for c in 0..2 * i {
            let top = fixtures::comment(&db, &paper, &writer, None, "top").await;
            if c > 0 {
                fixtures::comment(&db, &paper, &writer, Some(&top), "reply").await;
                written += 1;
            }
            written += 1;
        }
        expected.insert(arxiv_id, 2 * i);
    }
    let date = day.format("%Y-%m-%d").to_string();
    let token = fixtures::token_for(&writer);
    for arxiv_id in ["2403.00000", "2403.00003"] {
        let first = app
            .data_as(
                &token,
                COUNTED,
                json!({ "date": date, "arxivId": arxiv_id, "first": 1 }),
            )
            .await;
        for edge in first["dailyPapers"]["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            let wanted = expected[node["arxivId"].as_str().expect("id")];
            assert_eq!(node["comments"]["totalCount"], wanted, "{node}");
        }
        let one = &first["paper"]["comments"];
        assert_eq!(one["totalCount"], expected[arxiv_id], "{arxiv_id}");
        assert_eq!(first["viewer"]["comments"]["totalCount"], written);

        // After a cursor: the same totals (counted separately for the feed's papers and for
        // an empty last page, read along for one parent's non-empty page).
        let Some(cursor) = one["edges"][0]["cursor"].as_str() else {
            continue;
        };
        let mine = &first["viewer"]["comments"]["edges"][0]["cursor"];
        let vars =
            json!({ "date": date, "arxivId": arxiv_id, "first": 1, "after": cursor, "mine": mine });
        let later = app.data_as(&token, COUNTED, vars).await;
        assert_eq!(later["paper"]["comments"]["totalCount"], expected[arxiv_id]);
        for edge in later["dailyPapers"]["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            let wanted = expected[node["arxivId"].as_str().expect("id")];
            assert_eq!(node["comments"]["totalCount"], wanted, "{node}");
        }
        assert_eq!(later["viewer"]["comments"]["totalCount"], written);
    }
}

storage_test!(a_bad_cursor_fails_its_own_list_and_not_the_lists_loaded_with_it);
/// Nested lists of one kind are loaded together, one batch per wave; a bad cursor on one of them
/// is that field's `BAD_USER_INPUT` alone: its siblings in the same batch still answer.
async fn a_bad_cursor_fails_its_own_list_and_not_the_lists_loaded_with_it(backend: Backend) {
    use crate::support::fixtures;
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let writer = fixtures::user(&db, "writer").await;
    let day = fixtures::noon_days_ago(1);
    let paper = fixtures::paper(&db, "2404.00001", "P", "x", &["A"], day, None).await;
    fixtures::comment(&db, &paper, &writer, None, "one").await;
    fixtures::comment(&db, &paper, &writer, None, "two").await;
    let token = fixtures::token_for(&writer);
    let body = app
        .gql_as(
            &token,
            "{ paper(arxivId: \"2404.00001\") {
                 comments(first: 1) { totalCount edges { node { body } } } }
               viewer { comments(first: 1, after: \"bm90IGEgY3Vyc29y\") { totalCount } } }",
            json!({}),
        )
        .await;
    let errors = body["errors"].as_array().expect("an error");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(errors[0]["path"], json!(["viewer", "comments"]));
    let comments = &body["data"]["paper"]["comments"];
    assert_eq!(comments["totalCount"], 2, "{body}");
    assert_eq!(comments["edges"][0]["node"]["body"], "one");
}

/// Every field `Paper` and `PaperAuthor` answer directly (`graphql::direct`), once through the
/// direct path and once through async-graphql's own (an inline fragment sends the object there).
const DIRECT_FIELDS: &str = "__typename id arxivId title abstract publishedAt submittedAt \
    upvoteCount viewerHasUpvoted commentCount arxivUrl pdfUrl primaryCategory arxivComment \
    githubRepo projectPage trendingScore t1: title t2: upvoteCount \
    authors { __typename position name p: position }";

storage_test!(papers_answered_directly_equal_their_resolvers);
/// The direct path must answer exactly what the resolvers answer, for every field it covers,
/// null and set, signed in and anonymous, in a page and alone; and the paper row read by
/// position must equal the row sea-orm decodes by name.
async fn papers_answered_directly_equal_their_resolvers(backend: Backend) {
    use crate::support::fixtures;
    use entity::paper;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, Iterable, QueryFilter, Set};
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let viewer = fixtures::user(&db, "viewer").await;
    let day = fixtures::noon_days_ago(1);
    let full = fixtures::paper(
        &db,
        "2403.00001",
        "Full",
        "Every field.",
        &["Ada", "Grace"],
        day,
        Some(viewer.id),
    )
    .await;
    let mut row: paper::ActiveModel = full.clone().into();
    row.github_repo = Set(Some("https://github.com/a/b".into()));
    row.project_page = Set(Some("https://example.org/p".into()));
    row.primary_category = Set(Some("cs.CL".into()));
    row.arxiv_comment = Set(Some("15 pages".into()));
    row.source_upvotes = Set(Some(7));
    row.update(&db).await.expect("every field set");
    let sparse =
        fixtures::paper(&db, "2403.00002", "Sparse", "Nulls.", &["Linus"], day, None).await;
    let mut row: paper::ActiveModel = sparse.into();
    row.published_at = Set(None);
    row.update(&db).await.expect("no publication date");
    fixtures::upvote(&db, &viewer, &full).await;

    let date = day.format("%Y-%m-%d").to_string();
    let token = fixtures::token_for(&viewer);
    let direct = format!(
        "query($d: Date, $a: String!) {{ dailyPapers(date: $d) {{ edges {{ cursor node {{ \
            {DIRECT_FIELDS} }} }} nodes {{ {DIRECT_FIELDS} }} }} paper(arxivId: $a) {{ \
            {DIRECT_FIELDS} }} }}"
    );
    let generic = direct
        .replace(
            &format!("{{ {DIRECT_FIELDS} }}"),
            &format!("{{ ... on Paper {{ {DIRECT_FIELDS} }} }}"),
        )
        .replace(
            "authors { __typename position name p: position }",
            "authors { ... on PaperAuthor { __typename position name p: position } }",
        );
    assert_ne!(direct, generic);
    for arxiv in ["2403.00001", "2403.00002"] {
        let vars = json!({ "d": date, "a": arxiv });
        for signed_in in [true, false] {
            let (a, b) = if signed_in {
                (
                    app.data_as(&token, &direct, vars.clone()).await,
                    app.data_as(&token, &generic, vars.clone()).await,
                )
            } else {
                (
                    app.data(&direct, vars.clone()).await,
                    app.data(&generic, vars.clone()).await,
                )
            };
            assert_eq!(a, b, "{arxiv}, signed in: {signed_in}");
            assert_eq!(
                serde_json::to_string(&a).expect("json"),
                serde_json::to_string(&b).expect("json"),
                "the same keys in the same order"
            );
            assert_eq!(a["dailyPapers"]["edges"].as_array().map(Vec::len), Some(2));
        }
    }
    let answer = app
        .data_as(&token, &direct, json!({ "d": date, "a": "2403.00001" }))
        .await;
    let paper = &answer["paper"];
    assert_eq!(paper["viewerHasUpvoted"], true);
    assert_eq!(paper["githubRepo"], "https://github.com/a/b");
    assert_eq!(paper["authors"][1]["name"], "Grace");
    assert_eq!(paper["authors"][1]["p"], 1);

    // The row read by position equals the row decoded by name, column for column.
    for (i, column) in paper::Column::iter().enumerate() {
        assert_eq!(
            column as usize, i,
            "columns are listed in declaration order"
        );
    }
    for arxiv in ["2403.00001", "2403.00002"] {
        let by_position = api::services::papers::find_by_arxiv_id(&db, arxiv)
            .await
            .expect("read")
            .expect("the paper");
        let by_name = paper::Entity::find()
            .filter(paper::Column::ArxivId.eq(arxiv))
            .one(&db)
            .await
            .expect("read")
            .expect("the paper");
        assert_eq!(by_position, by_name, "{arxiv}");
    }
}

/// Every field `Comment` and `User` answer directly, for a thread's comments and their authors.
const COMMENT_FIELDS: &str = "__typename id body bodyHtml createdAt editedAt isDeleted \
    replyCount upvoteCount hiddenReason viewerHasUpvoted b2: body \
    author { __typename id username displayName bio avatarUrl createdAt email u: username }";

storage_test!(comments_and_users_answered_directly_equal_their_resolvers);
/// As for papers: the direct path answers exactly what the resolvers answer — for a plain, an
/// edited, a deleted and a hidden comment, an author with a profile and one without, a comment
/// stored before its HTML was kept — asked anonymously, by the author, and by a moderator (who
/// sees a hidden comment's body).
async fn comments_and_users_answered_directly_equal_their_resolvers(backend: Backend) {
    use crate::support::fixtures;
    use entity::{comment, user};
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let mut profile: user::ActiveModel = ada.clone().into();
    profile.display_name = Set(Some("Ada L.".into()));
    profile.bio = Set(Some("Engines.".into()));
    profile.avatar_url = Set(Some("https://example.org/ada.png".into()));
    let ada = profile.update(&db).await.expect("a profile");
    let bob = fixtures::user(&db, "bob").await;
    let (_, moderator) = fixtures::moderator(&db, "mo").await;
    let paper = fixtures::paper(
        &db,
        "2403.00009",
        "Threads",
        "x",
        &["A"],
        fixtures::noon_days_ago(1),
        None,
    )
    .await;
    let plain = fixtures::comment(&db, &paper, &ada, None, "*plain*").await;
    fixtures::comment(&db, &paper, &bob, Some(&plain), "a reply").await;
    let edited = fixtures::comment(&db, &paper, &bob, None, "edited").await;
    let deleted = fixtures::comment(&db, &paper, &ada, None, "deleted").await;
    let hidden = fixtures::comment(&db, &paper, &bob, None, "hidden").await;
    let old = fixtures::comment(&db, &paper, &ada, None, "**old** <b>row</b>").await;
    let now = chrono::Utc::now();
    let change = |row: &comment::Model| -> comment::ActiveModel { row.clone().into() };
    let mut row = change(&edited);
    row.edited_at = Set(Some(now));
    row.update(&db).await.expect("edited");
    let mut row = change(&deleted);
    row.deleted_at = Set(Some(now));
    row.update(&db).await.expect("deleted");
    let mut row = change(&hidden);
    row.hidden_at = Set(Some(now));
    row.hidden_reason = Set(Some("off topic".into()));
    row.update(&db).await.expect("hidden");
    let mut row = change(&old);
    row.body_html = Set(None);
    row.update(&db).await.expect("no stored HTML");

    let direct = format!(
        "{{ paper(arxivId: \"2403.00009\") {{ comments(first: 10) {{ edges {{ node {{ \
            {COMMENT_FIELDS} }} }} nodes {{ {COMMENT_FIELDS} }} }} }} }}"
    );
    let generic = direct
        .replace(
            &format!("{{ {COMMENT_FIELDS} }}"),
            &format!("{{ ... on Comment {{ {COMMENT_FIELDS} }} }}"),
        )
        .replace(
            "author { __typename id username displayName bio avatarUrl createdAt email u: username }",
            "author { ... on User { __typename id username displayName bio avatarUrl createdAt \
             email u: username } }",
        );
    assert_ne!(direct, generic);
    for token in [
        None,
        Some(fixtures::token_for(&ada)),
        Some(moderator.clone()),
    ] {
        let (a, b) = match &token {
            Some(token) => (
                app.data_as(token, &direct, json!({})).await,
                app.data_as(token, &generic, json!({})).await,
            ),
            None => (
                app.data(&direct, json!({})).await,
                app.data(&generic, json!({})).await,
            ),
        };
        assert_eq!(a, b, "signed in: {}", token.is_some());
        assert_eq!(
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&b).expect("json"),
            "the same keys in the same order"
        );
        let nodes = &a["paper"]["comments"]["nodes"];
        assert_eq!(nodes.as_array().map(Vec::len), Some(5), "{a}");
    }
    // What the comparison covers is really there: a tombstone, a hidden body for moderators
    // only, HTML rendered for the old row, the author's profile.
    let anonymous = app.data(&direct, json!({})).await;
    let nodes = &anonymous["paper"]["comments"]["nodes"];
    assert_eq!(nodes[0]["bodyHtml"], "<p><em>plain</em></p>\n");
    assert_eq!(nodes[0]["author"]["displayName"], "Ada L.");
    assert_eq!(nodes[0]["author"]["email"], Value::Null);
    assert_eq!(nodes[0]["replyCount"], 1);
    assert!(nodes[1]["editedAt"].is_string());
    assert_eq!(nodes[2]["isDeleted"], true);
    assert_eq!(nodes[2]["body"], "");
    assert_eq!(nodes[3]["body"], "");
    assert!(
        nodes[4]["bodyHtml"]
            .as_str()
            .is_some_and(|h| h.contains("<strong>old</strong>"))
    );
    let as_moderator = app.data_as(&moderator, &direct, json!({})).await;
    assert_eq!(
        as_moderator["paper"]["comments"]["nodes"][3]["body"],
        "hidden"
    );
    let as_ada = app
        .data_as(&fixtures::token_for(&ada), &direct, json!({}))
        .await;
    assert_eq!(
        as_ada["paper"]["comments"]["nodes"][0]["author"]["email"],
        ada.email
    );
}

storage_test!(a_page_reads_the_abstract_wherever_its_selection_asks_for_it);
/// A page of papers leaves the abstract out of its statement when nothing selects it; asked
/// for only through a fragment, an inline fragment or an alias, it is still answered.
async fn a_page_reads_the_abstract_wherever_its_selection_asks_for_it(backend: Backend) {
    use crate::support::fixtures;
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let day = fixtures::noon_days_ago(1);
    fixtures::paper(&db, "2403.00001", "P", "The abstract.", &["A"], day, None).await;
    let date = day.format("%Y-%m-%d").to_string();
    for query in [
        "query ($d: Date) { dailyPapers(date: $d) { nodes { title ...A } } } \
         fragment A on Paper { abstract }",
        "query ($d: Date) { dailyPapers(date: $d) { edges { node { ... on Paper { abstract } } } } }",
        "query ($d: Date) { dailyPapers(date: $d) { nodes { summary: abstract } } }",
    ] {
        let data = app.data(query, json!({ "d": date })).await;
        let page = &data["dailyPapers"];
        let node = if page["nodes"].is_null() {
            &page["edges"][0]["node"]
        } else {
            &page["nodes"][0]
        };
        let text = node.get("abstract").or_else(|| node.get("summary"));
        assert_eq!(text, Some(&json!("The abstract.")), "{query}");
    }
    let without = app
        .data(
            "query ($d: Date) { dailyPapers(date: $d) { totalCount nodes { title } } }",
            json!({ "d": date }),
        )
        .await;
    assert_eq!(without["dailyPapers"]["totalCount"], 1);
    assert_eq!(without["dailyPapers"]["nodes"][0]["title"], "P");
}

/// What the test below asks of each paper: the author list with every field of its entries and
/// identities, and the submitter with its owner-only `email`.
const WITH_PEOPLE: &str = "arxivId authorCount authors { position name author { id name \
    followerCount user { username } } user { username } } submittedBy { __typename id username \
    displayName bio avatarUrl createdAt email }";

storage_test!(authors_and_submitters_read_along_equal_the_loaders);
/// A page of papers and `paper` read the authors (as one JSON text per paper) and the submitter
/// (a join) in their own statement when asked; `node` reads them through the loaders. The
/// answers are equal for every paper: names JSON must escape, a paper without authors, authors
/// whose ids run against their positions, a claimed author identity, a submitter shared by two
/// papers, none at all, asked by the submitter (who sees `email`) and by someone else; in every
/// order of `papers` (the join must not make a column ambiguous) and filtered by submitter.
async fn authors_and_submitters_read_along_equal_the_loaders(backend: Backend) {
    use crate::support::fixtures;
    use entity::{author, user};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let mut profile: user::ActiveModel = ada.clone().into();
    profile.display_name = Set(Some("Ada L.".into()));
    profile.bio = Set(Some("Engines \"and\" looms.".into()));
    let ada = profile.update(&db).await.expect("a profile");
    let bob = fixtures::user(&db, "bob").await;
    let day = fixtures::noon_days_ago(1);
    let odd = "Zoë \"Q\" O'Néil \\ 日本語\t名";
    let papers = [
        ("2404.00001", vec!["Common", "Second"], Some(ada.id)),
        // Its first author was created after its second: ids run against positions.
        ("2404.00002", vec![odd, "Common"], Some(ada.id)),
        ("2404.00003", vec![], Some(bob.id)),
        ("2404.00004", vec!["Second", odd, "Third"], None),
    ];
    for (i, (arxiv_id, authors, by)) in papers.iter().enumerate() {
        let at = day + chrono::Duration::minutes(i64::try_from(i).expect("i"));
        fixtures::paper(&db, arxiv_id, "T", "x", authors, at, *by).await;
    }
    // Ada's claim on "Second" was approved: the identity names her, and has followers.
    let second = author::Entity::find()
        .filter(author::Column::Name.eq("Second"))
        .one(&db)
        .await
        .expect("query")
        .expect("Second");
    let mut claimed: author::ActiveModel = second.into();
    claimed.user_id = Set(Some(ada.id));
    claimed.follower_count = Set(3);
    claimed.update(&db).await.expect("claimed");
    // A list with a gap in its positions (no writer leaves one, but the positions are the
    // rows', not their count): 2404.00004 keeps positions 0 and 2.
    let four = entity::paper::Entity::find()
        .filter(entity::paper::Column::ArxivId.eq("2404.00004"))
        .one(&db)
        .await
        .expect("query")
        .expect("2404.00004");
    entity::paper_author::Entity::delete_by_id((four.id, 1))
        .exec(&db)
        .await
        .expect("a gap");

    let date = day.format("%Y-%m-%d").to_string();
    let page = format!(
        "query ($d: Date) {{ dailyPapers(date: $d) {{ edges {{ node {{ id {WITH_PEOPLE} }} }} }} }}"
    );
    let one = format!(
        "query ($id: ID!, $a: String!) {{ node(id: $id) {{ ... on Paper {{ id {WITH_PEOPLE} }} }} \
         paper(arxivId: $a) {{ id {WITH_PEOPLE} }} }}"
    );
    let orders = ["TRENDING", "UPVOTES", "SUBMITTED_AT", "PUBLISHED_AT"].map(|order| {
        format!(
            "{{ papers(orderBy: {order}, first: 10) {{ nodes {{ id {WITH_PEOPLE} }} }} \
             mine: papers(filter: {{ submitter: \"ada\" }}, orderBy: {order}, first: 10) {{ \
             nodes {{ arxivId }} }} }}"
        )
    });
    // Names only: the page reads nothing else of the entries (`ReadAuthors::Names`).
    let names = "arxivId authorCount authors { name } \
        again: authors { ... on PaperAuthor { name } }";
    let names_page = format!(
        "query ($d: Date) {{ dailyPapers(date: $d) {{ nodes {{ id {names} }} }} \
         paper(arxivId: \"2404.00002\") {{ id {names} }} }}"
    );
    let names_one =
        format!("query ($id: ID!) {{ node(id: $id) {{ ... on Paper {{ id {names} }} }} }}");
    let listed = app.data(&names_page, json!({ "d": date })).await;
    let nodes = listed["dailyPapers"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4);
    for node in nodes.iter().chain([&listed["paper"]]) {
        let alone = app.data(&names_one, json!({ "id": node["id"] })).await;
        assert_eq!(node, &alone["node"], "names: page against node");
    }
    assert_eq!(listed["paper"]["authors"][0]["name"], odd);
    assert_eq!(listed["paper"]["authors"][1]["name"], "Common");
    assert_eq!(listed["paper"]["again"][1]["name"], "Common");

    let ada_token = fixtures::token_for(&ada);
    for token in [
        None,
        Some(ada_token.clone()),
        Some(fixtures::token_for(&bob)),
    ] {
        let ask = |query: String, vars: Value| {
            let (app, token) = (&app, token.clone());
            async move {
                match token {
                    Some(token) => app.data_as(&token, &query, vars).await,
                    None => app.data(&query, vars).await,
                }
            }
        };
        let listed = ask(page.clone(), json!({ "d": date })).await;
        let edges = listed["dailyPapers"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 4);
        for edge in edges {
            let node = &edge["node"];
            let vars = json!({ "id": node["id"], "a": node["arxivId"] });
            let alone = ask(one.clone(), vars).await;
            assert_eq!(node, &alone["node"], "page against node");
            assert_eq!(node, &alone["paper"], "page against paper");
            assert_eq!(
                serde_json::to_string(node).expect("json"),
                serde_json::to_string(&alone["node"]).expect("json"),
                "the same keys in the same order"
            );
        }
        for query in &orders {
            let data = ask(query.clone(), json!({})).await;
            let nodes = data["papers"]["nodes"].as_array().expect("nodes");
            assert_eq!(nodes.len(), 4, "{query}");
            for node in nodes {
                let in_feed = edges
                    .iter()
                    .find(|e| e["node"]["id"] == node["id"])
                    .expect("the same paper in the feed");
                assert_eq!(&in_feed["node"], node, "{query}");
            }
            let mine: HashSet<&str> = data["mine"]["nodes"]
                .as_array()
                .expect("mine")
                .iter()
                .filter_map(|n| n["arxivId"].as_str())
                .collect();
            assert_eq!(mine, HashSet::from(["2404.00001", "2404.00002"]), "{query}");
        }
    }
    // What the comparison covers is really there.
    let as_ada = app.data_as(&ada_token, &page, json!({ "d": date })).await;
    let edges = &as_ada["dailyPapers"]["edges"];
    let by_arxiv = |id: &str| {
        edges
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["node"])
            .find(|n| n["arxivId"] == id)
            .expect("paper")
            .clone()
    };
    let two = by_arxiv("2404.00002");
    assert_eq!(two["authorCount"], 2);
    assert_eq!(two["authors"][0]["name"], odd);
    assert_eq!(two["authors"][0]["position"], 0);
    assert_eq!(two["authors"][1]["name"], "Common");
    assert_eq!(two["submittedBy"]["email"], ada.email);
    assert_eq!(two["submittedBy"]["displayName"], "Ada L.");
    let three = by_arxiv("2404.00003");
    assert_eq!(three["authorCount"], 0);
    assert_eq!(three["authors"], json!([]));
    assert_eq!(three["submittedBy"]["username"], "bob");
    assert_eq!(three["submittedBy"]["email"], Value::Null);
    let four = by_arxiv("2404.00004");
    assert_eq!(four["submittedBy"], Value::Null);
    assert_eq!(four["authors"][0]["user"]["username"], "ada");
    assert_eq!(four["authors"][0]["author"]["followerCount"], 3);
    assert_eq!(four["authors"][1]["name"], "Third");
    assert_eq!(four["authors"][1]["position"], 2);
    let gapped = listed["dailyPapers"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["arxivId"] == "2404.00004")
        .expect("2404.00004 by names");
    assert_eq!(
        gapped["authors"],
        json!([{ "name": "Second" }, { "name": "Third" }])
    );
}
