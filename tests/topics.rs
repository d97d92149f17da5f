//! Topics: arXiv's categories, papers filed under them (primary first), the topic queries and
//! the topic filters of the feeds.

use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

const TOPIC: &str = "query ($slug: String!) { topic(slug: $slug) { id slug name paperCount \
    followerCount viewerIsFollowing papers(first: 100, orderBy: SUBMITTED_AT) { totalCount \
    nodes { arxivId topics { slug } } } } }";

storage_test!(demo_papers_are_filed_under_arxiv_categories);
async fn demo_papers_are_filed_under_arxiv_categories(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let cl = app.data(TOPIC, json!({ "slug": "cs.CL" })).await["topic"].clone();
    assert_eq!(cl["name"], "Computation and Language");
    assert_eq!(cl["followerCount"], 0);
    assert_eq!(cl["viewerIsFollowing"], false);
    let count = cl["paperCount"].as_i64().expect("a count");
    assert!(count > 5, "the demo has language papers: {cl}");
    assert_eq!(
        cl["papers"]["totalCount"], count,
        "the counter equals the rows"
    );
    let listed = cl["papers"]["nodes"].as_array().expect("papers");
    assert_eq!(listed.len() as i64, count);
    assert!(
        listed.iter().all(|p| p["topics"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["slug"] == "cs.CL"))),
        "every paper listed is filed under the topic"
    );
    // Primary first, as the data says; the primary category agrees.
    let paper = app
        .data(
            "{ paper(arxivId: \"2309.00916\") { primaryCategory topics { slug name } } }",
            json!({}),
        )
        .await["paper"]
        .clone();
    assert_eq!(
        paper["topics"],
        json!([
            { "slug": "cs.CL", "name": "Computation and Language" },
            { "slug": "eess.AS", "name": "Audio and Speech Processing" },
            { "slug": "cs.SD", "name": "Sound" },
        ])
    );
    assert_eq!(paper["primaryCategory"], "cs.CL");
    // A topic is a node.
    let node = app
        .data(
            "query ($id: ID!) { node(id: $id) { ... on Topic { slug } } }",
            json!({ "id": cl["id"] }),
        )
        .await;
    assert_eq!(node["node"]["slug"], "cs.CL");
    // Unknown slugs are no topic.
    let none = app.data(TOPIC, json!({ "slug": "cs.XX" })).await;
    assert_eq!(none["topic"], Value::Null);
}

storage_test!(topics_list_in_three_orders_and_page);
async fn topics_list_in_three_orders_and_page(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let list = |order: &str, after: Value| {
        let query = format!(
            "query ($after: String) {{ topics(orderBy: {order}, first: 3, after: $after) {{ \
             totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ slug name paperCount }} }} }}"
        );
        let app = &app;
        async move { app.data(&query, json!({ "after": after })).await["topics"].clone() }
    };
    let by_papers = list("PAPERS", Value::Null).await;
    assert_eq!(by_papers["totalCount"], 156, "every arXiv category");
    let counts: Vec<i64> = by_papers["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|t| t["paperCount"].as_i64().expect("count"))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(
        by_papers["nodes"][0]["slug"], "cs.LG",
        "the demo's largest field"
    );
    // By name, A to Z, across pages.
    let first = list("NAME", Value::Null).await;
    let second = list("NAME", first["pageInfo"]["endCursor"].clone()).await;
    let names: Vec<String> = [&first, &second]
        .iter()
        .flat_map(|page| page["nodes"].as_array().expect("nodes").clone())
        .map(|t| t["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(names.len(), 6);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "pages continue in name order");
    assert_eq!(names[0], "Accelerator Physics");
    // A cursor of another order is refused.
    let body = app
        .gql(
            "query ($after: String) { topics(orderBy: PAPERS, after: $after) { totalCount } }",
            json!({ "after": first["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
}

storage_test!(feeds_narrow_by_topic_and_refuse_unknown_ones);
async fn feeds_narrow_by_topic_and_refuse_unknown_ones(backend: Backend) {
    let app = TestApp::spawn_with_demo(backend).await;
    let today = "query ($t: String) { dailyPapers(topic: $t, first: 100) { totalCount \
        nodes { arxivId topics { slug } } } }";
    let has = |paper: &Value, slug: &str| {
        paper["topics"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["slug"] == slug))
    };
    let all = app.data(today, json!({ "t": null })).await["dailyPapers"].clone();
    for slug in ["cs.CL", "cs.CV", "cs.LG"] {
        let narrowed = app.data(today, json!({ "t": slug })).await["dailyPapers"].clone();
        let expected: Vec<Value> = all["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter(|p| has(p, slug))
            .cloned()
            .collect();
        assert_eq!(narrowed["nodes"], json!(expected), "{slug}");
        assert_eq!(narrowed["totalCount"], expected.len());
    }
    let filtered = app
        .data(
            "{ papers(filter: { topic: \"cs.CV\" }, first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    let topic = app.data(TOPIC, json!({ "slug": "cs.CV" })).await;
    assert_eq!(
        filtered["papers"]["totalCount"],
        topic["topic"]["paperCount"]
    );
    assert!(topic["topic"]["paperCount"].as_i64() > Some(3));
    for (query, path) in [
        ("{ dailyPapers(topic: \"cs.XX\") { totalCount } }", "topic"),
        (
            "{ papers(filter: { topic: \"nonsense\" }) { totalCount } }",
            "filter.topic",
        ),
    ] {
        let body = app.gql(query, json!({})).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], path, "{body}");
    }
}

const SUBMIT: &str = "mutation ($topics: [String!]) { submitPaper(input: { arxivId: \"2411.00001\", \
    title: \"A new paper\", abstract: \"About things.\", authors: [\"Ada\"], topics: $topics }) \
    { arxivId primaryCategory topics { slug paperCount } } }";

storage_test!(submissions_take_known_topics_and_refuse_unknown_ones_changing_nothing);
async fn submissions_take_known_topics_and_refuse_unknown_ones_changing_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let token = token_for(&ada);
    let eleven = [
        "cs.AI", "cs.AR", "cs.CC", "cs.CE", "cs.CG", "cs.CL", "cs.CR", "cs.CV", "cs.CY", "cs.DB",
        "cs.DC",
    ];
    for topics in [json!(["cs.CL", "cs.NOPE"]), json!(eleven)] {
        let body = app
            .gql_as(&token, SUBMIT, json!({ "topics": topics }))
            .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "topics");
    }
    assert_eq!(
        app.count_rows("papers").await,
        0,
        "a refused submission writes nothing"
    );
    assert_eq!(app.count_rows("paper_topics").await, 0);
    let done = app
        .data_as(
            &token,
            SUBMIT,
            json!({ "topics": ["cs.LG", " cs.CL", "cs.LG"] }),
        )
        .await["submitPaper"]
        .clone();
    assert_eq!(
        done,
        json!({ "arxivId": "2411.00001", "primaryCategory": "cs.LG", "topics": [
            { "slug": "cs.LG", "paperCount": 1 }, { "slug": "cs.CL", "paperCount": 1 } ] })
    );
}
