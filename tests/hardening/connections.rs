//! Connection hygiene: a client that never finishes its headers is cut off, a connection that
//! sends nothing is closed, and connections beyond the cap are answered `503` at once instead of
//! piling up.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Backend, TestApp};

/// Waits (at most `within`) for the server to close the connection; what it sent before.
async fn closed_by_server(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    let closed = tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    closed.ok().map(|()| received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_never_finish_their_headers_are_cut_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--header-timeout", "1"]).await;
    let mut slow = Vec::new();
    for i in 0..50 {
        let mut stream = TcpStream::connect(app.addr).await.expect("connect");
        match i % 3 {
            // Half a request head, never finished.
            0 => stream
                .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .expect("write"),
            // One byte, as if choosing between HTTP/1.1 and HTTP/2.
            1 => stream.write_all(b"P").await.expect("write"),
            // Nothing at all.
            _ => {}
        }
        slow.push(stream);
    }
    for stream in &mut slow {
        assert!(
            closed_by_server(stream, Duration::from_secs(20))
                .await
                .is_some(),
            "a silent connection stays open"
        );
    }
    // Meanwhile and after, the server serves.
    let body = app.gql("{ __typename }", serde_json::json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_alive_connection_gets_the_next_request_and_then_times_out() {
    let app = TestApp::spawn_with(Backend::Sqlite, &["--no-demo", "--header-timeout", "1"]).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    for _ in 0..2 {
        stream.write_all(request).await.expect("write");
        let mut buffer = [0u8; 512];
        let n = stream.read(&mut buffer).await.expect("read");
        assert!(
            buffer[..n].starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&buffer[..n])
        );
    }
    assert!(
        closed_by_server(&mut stream, Duration::from_secs(20))
            .await
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_refused_at_once() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            "--no-demo",
            "--max-connections",
            "2",
            "--header-timeout",
            "60",
        ],
    )
    .await;
    let first = TcpStream::connect(app.addr).await.expect("connect");
    let second = TcpStream::connect(app.addr).await.expect("connect");
    // Give the server the moment it needs to accept both.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(app.addr).await.expect("connect");
    let answer = closed_by_server(&mut third, Duration::from_secs(20))
        .await
        .expect("closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.to_lowercase().contains("retry-after"), "{answer}");
    drop((first, second));
    // The slots come back once those connections are gone.
    let mut served = false;
    for _ in 0..400 {
        let response = reqwest::Client::new().get(app.url("/health")).send().await;
        if response.is_ok_and(|r| r.status().is_success()) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "the server serves again once connections close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_with_prior_knowledge_is_served_with_the_same_rules() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("client");
    let response = client
        .post(app.url("/graphql"))
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["__typename"], "Query");
    let deep = format!(
        "{{ papers(after: {}) {{ totalCount }} }}",
        "[".repeat(5_000)
    );
    let response = client
        .post(app.url("/graphql"))
        .json(&serde_json::json!({ "query": deep }))
        .send()
        .await
        .expect("request");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(crate::support::error_codes(&body), ["GRAPHQL_PARSE_FAILED"]);
}
