//! `papers embed` and the `--embedding-model` setting.

use api::services::discovery::store;

use crate::cli::run;
use crate::storage_test;
use crate::support::process::minilm_dir;
use crate::support::{Backend, TestDb, count_rows, fixtures};

storage_test!(papers_embed_fills_the_backlog_once_and_drops_other_models);
async fn papers_embed_fills_the_backlog_once_and_drops_other_models(backend: Backend) {
    let Some(dir) = minilm_dir() else { return };
    let test_db = TestDb::new(backend).await;
    let settings = crate::support::settings(&test_db, &[]);
    let db = api::db::connect(&settings).await.unwrap();
    api::db::migrate_up(&db).await.unwrap();
    let mut papers = Vec::new();
    for (i, title) in ["Sparse attention", "Speech units", "Protein folding"]
        .iter()
        .enumerate()
    {
        let published = fixtures::now() - chrono::Duration::days(i64::try_from(i).unwrap());
        let arxiv = format!("2401.0000{i}");
        papers.push(
            fixtures::paper(
                &db,
                &arxiv,
                title,
                "An abstract.",
                &["A B"],
                published,
                None,
            )
            .await,
        );
    }
    // A vector of another model, as a server with an older model left it.
    let other = papers[0].id;
    store::save(&db, "old-model@0", &[(other, vec![1.0, 0.0])])
        .await
        .unwrap();

    let env = [
        ("DATABASE_URL", test_db.url.as_str()),
        ("PAPERS_EMBEDDING_MODEL", dir.to_str().unwrap()),
    ];
    // Two now (the newest), the rest on the next run.
    let (code, stdout, stderr) = run(&["embed", "--limit", "2"], &env).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("embedded 2 papers"), "{stdout}");
    assert!(stdout.contains("2 of 3 papers have a vector"), "{stdout}");
    let (code, stdout, stderr) = run(&["embed"], &env).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("embedded 1 papers"), "{stdout}");
    assert!(
        stdout.contains("1 vectors of other models are kept"),
        "{stdout}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no progress bar off a terminal: {stderr:?}"
    );
    assert_eq!(count_rows(&db, "paper_embeddings").await, 4);

    // Again: nothing left, nothing written twice; then the old model's vectors go.
    let (code, stdout, _) = run(&["embed", "--drop-other-models"], &env).await;
    assert_eq!(code, Some(0));
    assert!(stdout.contains("embedded 0 papers"), "{stdout}");
    assert!(
        stdout.contains("dropped 1 vectors of other models"),
        "{stdout}"
    );
    assert_eq!(count_rows(&db, "paper_embeddings").await, 3);
    assert_eq!(store::count(&db, "old-model@0").await.unwrap(), 0);
    test_db.destroy().await;
}

#[tokio::test]
async fn a_missing_or_bad_model_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("config.json"), "{ not json").unwrap();
    let bad = empty.path().to_str().unwrap();
    for (args, env) in [
        (vec!["embed"], vec![]),
        (
            vec!["embed"],
            vec![("PAPERS_EMBEDDING_MODEL", "/nonexistent/model")],
        ),
        (vec!["--embedding-model", bad, "embed"], vec![]),
        (
            vec!["serve", "--no-demo"],
            vec![("PAPERS_EMBEDDING_MODEL", bad)],
        ),
        (vec!["--embedding-model", "/nonexistent", "serve"], vec![]),
    ] {
        let (code, _, stderr) = run(&args, &env).await;
        assert_eq!(code, Some(2), "{args:?} {env:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr:?}");
        assert!(stderr.contains("--embedding-model"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
