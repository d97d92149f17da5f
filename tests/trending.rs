//! Trending scores: stored, refreshed periodically for recent papers and at start-up.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::storage_test;
use crate::support::Backend;
use crate::support::TestApp;
use crate::support::fixtures;

storage_test!(stale_recent_scores_are_refreshed_and_old_ones_left_alone);
async fn stale_recent_scores_are_refreshed_and_old_ones_left_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let voter = fixtures::user(&db, "voter").await;
    let recent = fixtures::paper(
        &db,
        "2401.00001",
        "Recent",
        "x",
        &["A"],
        fixtures::now() - Duration::hours(5),
        None,
    )
    .await;
    let old = fixtures::paper(
        &db,
        "2301.00001",
        "Old",
        "x",
        &["A"],
        fixtures::now() - Duration::days(30),
        None,
    )
    .await;
    fixtures::upvote(&db, &voter, &recent).await;
    for paper in [&recent, &old] {
        let mut stale: entity::paper::ActiveModel = paper.clone().into();
        stale.trending_score = Set(0.0);
        stale.update(&db).await.expect("make stale");
    }
    let refreshed = api::services::papers::trending::refresh_recent(&db)
        .await
        .expect("refresh");
    assert_eq!(refreshed, 1, "only the recent paper is in the window");
    let recent = entity::paper::Entity::find_by_id(recent.id)
        .one(&db)
        .await
        .expect("q")
        .expect("row");
    let expected = api::services::papers::trending::score(1, recent.submitted_at, fixtures::now());
    assert!(
        (recent.trending_score - expected).abs() < expected * 0.01,
        "{} vs {expected}",
        recent.trending_score
    );
    let old = entity::paper::Entity::find_by_id(old.id)
        .one(&db)
        .await
        .expect("q")
        .expect("row");
    assert_eq!(old.trending_score, 0.0);

    // TRENDING orders by the stored score.
    let data = app
        .data(
            "{ papers(orderBy: TRENDING) { edges { node { arxivId trendingScore } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["papers"]["edges"][0]["node"]["arxivId"], "2401.00001");
}
