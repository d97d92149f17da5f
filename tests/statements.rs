//! No N+1: a feed page costs the same number of SQL statements for 5 papers as for 50.

use chrono::Duration;
use serde_json::json;

use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp};

const FEED: &str = "query ($first: Int!) { dailyPapers(first: $first) { totalCount edges { node {
  id arxivId title authorCount authors { name author { id } } upvoteCount commentCount
  viewerHasUpvoted
  submittedBy { username } } } } }";

/// `bench/run.sh`'s paper page.
const PAGE: &str =
    "query ($first: Int!) { paper(arxivId: \"2401.00000\") { id title abstract upvoteCount
  viewerHasUpvoted authors { name } comments(first: $first) { totalCount edges { node { id bodyHtml
  createdAt upvoteCount author { username displayName } } } } } }";

const THREAD: &str = "query ($first: Int!) { paper(arxivId: \"2401.00000\") { comments(first:
$first) { edges { node {
  body author { username } viewerHasUpvoted replies(first: 5) { edges { node { body author {
  username } } } } } } } } }";

// Loaders gather the keys of one pass of the executor (`graphql/loaders/batch.rs`), with no
// timer: the counts hold however slow the build, on the two worker threads the server has here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_page_costs_the_same_statements_for_5_and_50_papers_on_sqlite() {
    same_statements_for_5_and_50(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_page_costs_the_same_statements_for_5_and_50_papers_on_postgres() {
    if Backend::postgres_available() {
        same_statements_for_5_and_50(Backend::Postgres).await;
    }
}

async fn same_statements_for_5_and_50(backend: Backend) {
    {
        let app = TestApp::spawn_with(backend, &["--no-demo"]).await;
        let db = app.db.connect().await;
        let viewer = fixtures::user(&db, "viewer").await;
        let submitters = [
            fixtures::user(&db, "s1").await,
            fixtures::user(&db, "s2").await,
        ];
        // Today's feed (the query names no date), whatever the hour of the run.
        let now = fixtures::earlier_today();
        for i in 0..60 {
            let submitter = &submitters[i % 2];
            let authors = [
                format!("Author {i}"),
                format!("Author {}", i + 1),
                "Common".to_owned(),
            ];
            let names: Vec<&str> = authors.iter().map(String::as_str).collect();
            let paper = fixtures::paper(
                &db,
                &format!("2401.{i:05}"),
                &format!("Paper {i}"),
                "x",
                &names,
                now - Duration::seconds(i64::try_from(i).expect("i")),
                Some(submitter.id),
            )
            .await;
            if i % 3 == 0 {
                fixtures::upvote(&db, &viewer, &paper).await;
            }
            if i == 0 {
                for c in 0..60 {
                    let parent = fixtures::comment(
                        &db,
                        &paper,
                        &submitters[c % 2],
                        None,
                        &format!("comment {c}"),
                    )
                    .await;
                    fixtures::comment(&db, &paper, &viewer, Some(&parent), "reply").await;
                }
            }
        }
        let token = token_for(&viewer);
        app.settle_viewer_cache(&token).await;
        // Authenticating the viewer costs nothing once its row is cached (`viewer_cache.rs`).
        let small = app
            .statements_for(Some(&token), FEED, json!({ "first": 5 }))
            .await;
        let large = app
            .statements_for(Some(&token), FEED, json!({ "first": 50 }))
            .await;
        assert_eq!(
            small, large,
            "feed: {small} statements for 5 papers, {large} for 50"
        );
        // One: the page with its total, the viewer's upvotes, each paper's authors and its
        // submitter read along (`papers::Along`).
        assert_eq!(large, 1, "feed: {large} statements");

        let small = app
            .statements_for(Some(&token), THREAD, json!({ "first": 5 }))
            .await;
        let large = app
            .statements_for(Some(&token), THREAD, json!({ "first": 50 }))
            .await;
        assert_eq!(
            small, large,
            "thread: {small} statements for 5 comments, {large} for 50"
        );

        let small = app
            .statements_for(Some(&token), PAGE, json!({ "first": 5 }))
            .await;
        let large = app
            .statements_for(Some(&token), PAGE, json!({ "first": 50 }))
            .await;
        assert_eq!(
            small, large,
            "page: {small} statements for 5, {large} for 50"
        );
        // The paper with the viewer's upvote and its authors read along; the comments with
        // their total read along; their authors.
        assert_eq!(large, 3, "page: {large} statements");

        // The REST surface's daily list: the page, its authors, the users (submitters).
        let rest = |limit: u32| {
            let app = &app;
            async move {
                let before = app.statements.load(std::sync::atomic::Ordering::SeqCst);
                let response = app
                    .client
                    .get(app.url(&format!("/api/daily_papers?limit={limit}")))
                    .send()
                    .await
                    .expect("an answer");
                let papers: serde_json::Value = response.json().await.expect("JSON");
                assert_eq!(papers.as_array().map(Vec::len), Some(limit as usize));
                app.statements.load(std::sync::atomic::Ordering::SeqCst) - before
            }
        };
        let (small, large) = (rest(5).await, rest(50).await);
        assert_eq!(
            (small, large),
            (3, 3),
            "REST: {small} statements for 5, {large} for 50"
        );
    }
}
