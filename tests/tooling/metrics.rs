//! `/metrics` is Prometheus-readable and counts what the issue names.

use std::collections::HashMap;

use serde_json::json;

use crate::storage_test;
use crate::support::fixtures::{self, now};
use crate::support::{Backend, TestApp};

/// A scrape, parsed: each sample by its name and labels as written (`name{a="x",b="y"}`).
struct Scrape {
    samples: HashMap<String, f64>,
}

impl Scrape {
    /// Parses the OpenMetrics text strictly: every line a `# HELP`/`# TYPE`/`# EOF` comment or a
    /// sample of a declared family with a numeric value, `# EOF` last.
    fn parse(text: &str) -> Self {
        let mut families: Vec<String> = Vec::new();
        let mut samples = HashMap::new();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.last(), Some(&"# EOF"), "ends with # EOF");
        for line in &lines[..lines.len() - 1] {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
                assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
                families.push(name.to_owned());
                continue;
            }
            if line.starts_with("# HELP ") {
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("a sample: series value");
            let value: f64 = value.parse().expect("a numeric value");
            let name = series.split('{').next().unwrap_or_default();
            assert!(
                name.starts_with("papers_")
                    && families.iter().any(|f| name.starts_with(f.as_str())),
                "a sample of a declared papers_ family: {line}"
            );
            if let Some(labels) = series.strip_prefix(name) {
                assert!(
                    labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                    "{line}"
                );
            }
            samples.insert(series.to_owned(), value);
        }
        Self { samples }
    }

    fn value(&self, series: &str) -> f64 {
        self.samples.get(series).copied().unwrap_or(0.0)
    }

    fn has_family(&self, prefix: &str) -> bool {
        self.samples.keys().any(|s| s.starts_with(prefix))
    }
}

async fn scrape(app: &TestApp) -> Scrape {
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    Scrape::parse(&response.text().await.expect("text"))
}

storage_test!(metrics_count_requests_operations_the_pool_and_throttles);
async fn metrics_count_requests_operations_the_pool_and_throttles(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--throttle-comments", "1"]).await;
    let db = app.db.connect().await;
    let user = fixtures::user(&db, "talker").await;
    let token = fixtures::token_for(&user);
    fixtures::paper(&db, "2404.00001", "T", "A.", &["Ada"], now(), None).await;
    app.data("query Feed { papers { totalCount } }", json!({}))
        .await;
    app.data("{ papers { totalCount } }", json!({})).await;
    app.gql("{ noSuchField }", json!({})).await;
    let id = app
        .data("{ paper(arxivId: \"2404.00001\") { id } }", json!({}))
        .await["paper"]["id"]
        .clone();
    let comment =
        "mutation Say($id: ID!) { addComment(input: { paperId: $id, body: \"hi\" }) { id } }";
    app.gql_as(&token, comment, json!({ "id": id })).await;
    app.gql_as(&token, comment, json!({ "id": id })).await; // over the limit of 1
    // REST routes count under their declared pattern, whatever the id; unrouted paths as one.
    for path in [
        "/api/papers/2404.00001",
        "/api/papers/2404.99999",
        "/papers/2404.00001.md",
        "/no/such/path",
        "/another/unknown",
    ] {
        app.client.get(app.url(path)).send().await.expect("request");
    }

    let scrape = scrape(&app).await;
    let rest = |route: &str, status: u16| {
        scrape.value(&format!(
            "papers_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\"}}"
        ))
    };
    assert_eq!(rest("/api/papers/{arxiv_id}", 200), 1.0);
    assert_eq!(rest("/api/papers/{arxiv_id}", 404), 1.0);
    assert_eq!(rest("/papers/{arxiv_id}", 200), 1.0);
    assert_eq!(rest("unmatched", 404), 2.0);
    assert!(
        scrape.value(r#"papers_http_requests_total{method="POST",route="/graphql",status="200"}"#)
            >= 5.0
    );
    assert!(scrape.has_family("papers_http_request_duration_seconds_bucket{le="));
    assert!(scrape.value(r#"papers_http_request_duration_seconds_count{route="/graphql"}"#) >= 5.0);
    let op = |kind: &str, name: &str, outcome: &str| {
        scrape.value(&format!(
            "papers_graphql_operations_total{{operation_type=\"{kind}\",\
             operation_name=\"{name}\",outcome=\"{outcome}\"}}"
        ))
    };
    assert_eq!(op("query", "Feed", "success"), 1.0);
    assert!(op("query", "anonymous", "success") >= 2.0);
    assert_eq!(op("query", "anonymous", "refused"), 1.0);
    assert_eq!(op("mutation", "Say", "success"), 1.0);
    assert_eq!(op("mutation", "Say", "field_errors"), 1.0);
    assert!(scrape.has_family(r#"papers_db_pool_connections{state="idle"}"#));
    assert!(scrape.has_family(r#"papers_db_pool_connections{state="in_use"}"#));
    assert!(scrape.value("papers_db_statements_total") > 0.0);
    assert_eq!(
        scrape.value(r#"papers_throttle_rejections_total{throttle="comments_per_user"}"#),
        1.0
    );
    app.stop().await;
}

#[tokio::test]
async fn operation_names_beyond_the_cap_count_as_other() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for i in 0..api::metrics::MAX_OPERATION_NAMES + 5 {
        app.data(&format!("query Name{i} {{ __typename }}"), json!({}))
            .await;
    }
    let scrape = scrape(&app).await;
    let named = scrape
        .samples
        .keys()
        .filter(|s| s.contains("operation_name=\"Name"))
        .count();
    assert_eq!(named, api::metrics::MAX_OPERATION_NAMES);
    assert_eq!(
        scrape.value(
            "papers_graphql_operations_total{operation_type=\"query\",\
             operation_name=\"other\",outcome=\"success\"}"
        ),
        5.0
    );
    app.stop().await;
}

#[tokio::test]
async fn metrics_listen_moves_metrics_off_the_api_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let app =
        TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--metrics-listen", &listen]).await;
    let on_api = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request");
    assert_eq!(on_api.status().as_u16(), 404);
    let mut text = None;
    for _ in 0..50 {
        match app
            .client
            .get(format!("http://{listen}/metrics"))
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => {
                text = Some(response.text().await.expect("text"));
                break;
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
    let text = text.expect("metrics on their own address");
    assert!(Scrape::parse(&text).has_family("papers_http_requests_total"));
    app.stop().await;
}
