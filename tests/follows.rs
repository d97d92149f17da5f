//! Follows: users, authors, collections and topics; idempotent, counters equal to rows under
//! parallel requests, privacy of private collections and of the feed, the following feed with
//! its reasons, erasure and export.

use api::ids::Global;
use chrono::Duration;
use futures_util::future::join_all;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::{Backend, TestApp, error_codes};

const FOLLOWED: &str = "... on User { username followerCount viewerIsFollowing } \
    ... on Author { name followerCount viewerIsFollowing } \
    ... on Collection { title followerCount viewerIsFollowing } \
    ... on Topic { slug followerCount viewerIsFollowing }";

fn follow_query(verb: &str) -> String {
    format!("mutation ($id: ID!) {{ {verb}(targetId: $id) {{ __typename {FOLLOWED} }} }}")
}

/// The first author identity of a paper, by the API.
async fn author_id(app: &TestApp, arxiv_id: &str) -> Value {
    app.data(
        "query ($a: String!) { paper(arxivId: $a) { authors { author { id } } } }",
        json!({ "a": arxiv_id }),
    )
    .await["paper"]["authors"][0]["author"]["id"]
        .clone()
}

async fn topic_id(app: &TestApp, slug: &str) -> Value {
    app.data(
        "query ($s: String!) { topic(slug: $s) { id } }",
        json!({ "s": slug }),
    )
    .await["topic"]["id"]
        .clone()
}

storage_test!(follows_are_idempotent_counted_and_refused_where_they_must_be);
async fn follows_are_idempotent_counted_and_refused_where_they_must_be(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let (ada, bob, carol) = (
        fixtures::user(&db, "ada").await,
        fixtures::user(&db, "bob").await,
        fixtures::user(&db, "carol").await,
    );
    let paper = fixtures::paper(
        &db,
        "2401.00001",
        "One",
        "x",
        &["Xavier X."],
        fixtures::now(),
        None,
    )
    .await;
    let public = fixtures::collection(&db, &bob, "Bob's reading", false, &[&paper]).await;
    let private = fixtures::collection(&db, &carol, "Carol's secret", true, &[&paper]).await;
    let token = token_for(&ada);
    let targets = [
        (json!(bob.id.global()), "User"),
        (author_id(&app, "2401.00001").await, "Author"),
        (json!(public.id.global()), "Collection"),
        (topic_id(&app, "cs.CL").await, "Topic"),
    ];
    for (id, kind) in &targets {
        for _ in 0..2 {
            let done = app
                .data_as(&token, &follow_query("follow"), json!({ "id": id }))
                .await;
            assert_eq!(done["follow"]["__typename"], *kind);
            assert_eq!(
                done["follow"]["followerCount"], 1,
                "a repeat changes nothing"
            );
            assert_eq!(done["follow"]["viewerIsFollowing"], true);
        }
    }
    assert_eq!(app.count_rows("follows").await, 4);
    // What ada follows, latest first; who follows bob.
    let lists = app
        .data(
            "{ user(username: \"ada\") { following(first: 10) { totalCount nodes { __typename } } } \
               bob: user(username: \"bob\") { followerCount followers { totalCount nodes { username } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        lists["user"]["following"],
        json!({ "totalCount": 4, "nodes": [{ "__typename": "Topic" }, { "__typename": "Collection" },
            { "__typename": "Author" }, { "__typename": "User" }] })
    );
    assert_eq!(
        lists["bob"],
        json!({ "followerCount": 1, "followers": { "totalCount": 1, "nodes": [{ "username": "ada" }] } })
    );
    // Unfollowing, twice.
    let (author, _) = &targets[1];
    for _ in 0..2 {
        let done = app
            .data_as(&token, &follow_query("unfollow"), json!({ "id": author }))
            .await;
        assert_eq!(done["unfollow"]["followerCount"], 0);
        assert_eq!(done["unfollow"]["viewerIsFollowing"], false);
    }
    assert_eq!(app.count_rows("follows").await, 3);

    // Refusals change nothing.
    let follow = follow_query("follow");
    let cases = [
        (Some(&token), json!(ada.id.global()), "BAD_USER_INPUT"),
        (Some(&token), json!("garbage"), "BAD_USER_INPUT"),
        (Some(&token), json!(paper.id.global()), "NOT_FOUND"),
        (
            Some(&token),
            json!(api::ids::UserId(9999).global()),
            "NOT_FOUND",
        ),
        (
            Some(&token),
            json!(api::ids::TopicId(9999).global()),
            "NOT_FOUND",
        ),
        (Some(&token), json!(private.id.global()), "NOT_FOUND"),
        (None, json!(bob.id.global()), "UNAUTHENTICATED"),
    ];
    for (who, id, code) in cases {
        let body = match who {
            Some(token) => app.gql_as(token, &follow, json!({ "id": id })).await,
            None => app.gql(&follow, json!({ "id": id })).await,
        };
        assert_eq!(error_codes(&body), [code], "{id}: {body}");
    }
    assert_eq!(app.count_rows("follows").await, 3);
    // The owner may follow her own private collection; nobody else sees that follow.
    let carols = token_for(&carol);
    app.data_as(&carols, &follow, json!({ "id": private.id.global() }))
        .await;
    let following =
        "{ user(username: \"carol\") { following { totalCount nodes { __typename } } } }";
    let seen_by_ada = app.data_as(&token, following, json!({})).await;
    assert_eq!(
        seen_by_ada["user"]["following"],
        json!({ "totalCount": 0, "nodes": [] })
    );
    let seen_by_carol = app.data_as(&carols, following, json!({})).await;
    assert_eq!(seen_by_carol["user"]["following"]["totalCount"], 1);
}

storage_test!(parallel_follows_keep_every_counter_equal_to_its_rows);
async fn parallel_follows_keep_every_counter_equal_to_its_rows(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--rate-limits", "off"]).await;
    let db = app.db.connect().await;
    let star = fixtures::user(&db, "star").await;
    let mut tokens = Vec::new();
    for i in 0..12 {
        tokens.push(token_for(&fixtures::user(&db, &format!("fan{i}")).await));
    }
    let follow = follow_query("follow");
    let unfollow = follow_query("unfollow");
    let id = json!(star.id.global());
    // One reader following twenty times at once is one follow.
    let same = (0..20).map(|_| app.gql_as(&tokens[0], &follow, json!({ "id": id })));
    for body in join_all(same).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    // Every other reader following and unfollowing at once.
    let storm = tokens.iter().enumerate().flat_map(|(i, token)| {
        let mut requests = vec![app.gql_as(token, &follow, json!({ "id": id }))];
        if i % 3 == 0 {
            requests.push(app.gql_as(token, &unfollow, json!({ "id": id })));
        }
        requests
    });
    join_all(storm).await;
    let rows = app.count_rows("follows").await;
    let counted = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT follower_count FROM users WHERE id = {}", star.id),
        ))
        .await
        .expect("query")
        .expect("a row")
        .try_get_by_index::<i32>(0)
        .expect("a count");
    assert_eq!(i64::from(counted), rows, "the counter equals the rows");
    assert!(rows >= 8, "at least the readers that only followed: {rows}");
}

/// The feed of the test below: every field a reader's page shows, with the reasons.
const FEED: &str = "query ($first: Int, $after: String) { viewer { feed(first: $first, after: $after) { \
    pageInfo { hasNextPage endCursor } edges { cursor node { arxivId viewerHasUpvoted \
    authors { name } } reasons { kind target { __typename \
    ... on User { username } ... on Author { name } ... on Collection { title } \
    ... on Topic { slug } } } } } } }";

fn feed_entries(data: &Value) -> Vec<(String, Vec<String>)> {
    data["viewer"]["feed"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            let reasons = edge["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .map(|r| {
                    let target = &r["target"];
                    let name = ["username", "name", "title", "slug"]
                        .iter()
                        .find_map(|f| target[f].as_str())
                        .unwrap_or("?");
                    format!("{}:{name}", r["kind"].as_str().unwrap_or("?"))
                })
                .collect();
            (
                edge["node"]["arxivId"].as_str().expect("id").to_owned(),
                reasons,
            )
        })
        .collect()
}

storage_test!(the_following_feed_gathers_every_reason_once_per_paper_newest_first);
async fn the_following_feed_gathers_every_reason_once_per_paper_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let (ada, bob, carol) = (
        fixtures::user(&db, "ada").await,
        fixtures::user(&db, "bob").await,
        fixtures::user(&db, "carol").await,
    );
    let now = fixtures::now();
    let at = |hours: i64| now - Duration::hours(hours);
    let paper = |id: &'static str,
                 authors: &'static [&'static str],
                 hours: i64,
                 by: Option<api::ids::UserId>| {
        let db = &db;
        async move { fixtures::paper(db, id, id, "x", authors, at(hours), by).await }
    };
    let by_xavier = paper("2401.00001", &["Xavier X."], 5, None).await;
    let by_bob = paper("2401.00002", &["Nobody N."], 4, Some(bob.id)).await;
    let robots = paper("2401.00003", &["Robo R."], 3, None).await;
    api::services::topics::file(&db, robots.id, &["cs.RO".to_owned()])
        .await
        .expect("file");
    let both = paper("2401.00004", &["Xavier X."], 2, Some(bob.id)).await;
    let old = paper("2301.00005", &["Old O."], 24 * 300, None).await;
    let claimed = paper("2401.00006", &["Bob B."], 6, None).await;
    paper("2401.00007", &["Else E."], 1, None).await;
    // Bob's claimed author identity.
    db.execute_unprepared(&format!(
        "UPDATE authors SET user_id = {} WHERE name = 'Bob B.'",
        bob.id
    ))
    .await
    .expect("claim");
    let list = fixtures::collection(&db, &carol, "Classics", false, &[&old]).await;
    let token = token_for(&ada);
    // Carol herself brings nothing (she wrote and submitted nothing), but following her widens
    // the follows' reach enough that pages of two walk the papers while pages of ten gather
    // them from the follows (`services::follows::feed`): both ways must list the same feed.
    for id in [
        json!(bob.id.global()),
        author_id(&app, "2401.00001").await,
        topic_id(&app, "cs.RO").await,
        json!(list.id.global()),
        json!(carol.id.global()),
    ] {
        app.data_as(&token, &follow_query("follow"), json!({ "id": id }))
            .await;
    }
    let _ = (&by_xavier, &by_bob, &both, &claimed);
    let page = app.data_as(&token, FEED, json!({ "first": 10 })).await;
    assert_eq!(
        feed_entries(&page),
        vec![
            (
                "2301.00005".to_owned(),
                vec!["COLLECTION:Classics".to_owned()]
            ),
            (
                "2401.00004".to_owned(),
                vec!["USER:bob".to_owned(), "AUTHOR:Xavier X.".to_owned()]
            ),
            ("2401.00003".to_owned(), vec!["TOPIC:cs.RO".to_owned()]),
            ("2401.00002".to_owned(), vec!["USER:bob".to_owned()]),
            ("2401.00001".to_owned(), vec!["AUTHOR:Xavier X.".to_owned()]),
            ("2401.00006".to_owned(), vec!["USER:bob".to_owned()]),
        ],
        "{page}"
    );
    assert_eq!(page["viewer"]["feed"]["pageInfo"]["hasNextPage"], false);
    // Pages of two continue where the last ended, each paper once.
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data_as(&token, FEED, json!({ "first": 2, "after": after }))
            .await;
        paged.extend(feed_entries(&page).into_iter().map(|(id, _)| id));
        let info = &page["viewer"]["feed"]["pageInfo"];
        if info["hasNextPage"] != true {
            break;
        }
        after = info["endCursor"].clone();
    }
    assert_eq!(
        paged,
        [
            "2301.00005",
            "2401.00004",
            "2401.00003",
            "2401.00002",
            "2401.00001",
            "2401.00006"
        ]
    );
    // The same statements for a page of five as for fifty (each page has reasons of every
    // kind: each kind's targets are one batched statement).
    let small = app
        .statements_for(Some(&token), FEED, json!({ "first": 5 }))
        .await;
    let large = app
        .statements_for(Some(&token), FEED, json!({ "first": 50 }))
        .await;
    assert_eq!(small, large);
    // The feed is its owner's alone.
    let others = "{ user(username: \"ada\") { feed { edges { cursor } } } }";
    assert_eq!(
        app.data_as(&token_for(&bob), others, json!({})).await["user"]["feed"],
        Value::Null
    );
    assert_eq!(
        app.data(others, json!({})).await["user"]["feed"],
        Value::Null
    );
    // A followed collection gone private takes its papers out of the feed.
    app.data_as(
        &token_for(&carol),
        "mutation ($id: ID!) { updateCollection(input: { id: $id, isPrivate: true }) { isPrivate } }",
        json!({ "id": list.id.global() }),
    )
    .await;
    let page = app.data_as(&token, FEED, json!({ "first": 10 })).await;
    let ids: Vec<String> = feed_entries(&page).into_iter().map(|(id, _)| id).collect();
    assert!(!ids.contains(&"2301.00005".to_owned()), "{ids:?}");
    assert_eq!(ids.len(), 5);
    // A bad cursor is the client's error.
    let body = app.gql_as(&token, FEED, json!({ "after": "bm9wZQ" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
}

storage_test!(follows_are_exported_and_erased_with_their_counts);
async fn follows_are_exported_and_erased_with_their_counts(backend: Backend) {
    const PASSWORD: &str = "correct horse battery staple";
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let session = app
        .data(
            "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
            json!({ "i": { "username": "ada", "email": "ada@example.org", "password": PASSWORD } }),
        )
        .await["register"]["accessToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    let bob = fixtures::user(&db, "bob").await;
    fixtures::paper(
        &db,
        "2401.00001",
        "One",
        "x",
        &["Xavier X."],
        fixtures::now(),
        None,
    )
    .await;
    let follow = follow_query("follow");
    let targets = [
        json!(bob.id.global()),
        author_id(&app, "2401.00001").await,
        topic_id(&app, "cs.CL").await,
    ];
    for id in &targets {
        app.data_as(&session, &follow, json!({ "id": id })).await;
    }
    let ada_id =
        app.data_as(&session, "{ viewer { id } }", json!({})).await["viewer"]["id"].clone();
    app.data_as(&token_for(&bob), &follow, json!({ "id": ada_id }))
        .await;
    let export: Value = app
        .client
        .get(app.url("/api/me/export"))
        .bearer_auth(&session)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("json");
    let kinds: Vec<&str> = export["follows"]
        .as_array()
        .expect("follows")
        .iter()
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["USER", "AUTHOR", "TOPIC"]);
    assert_eq!(export["follows"][0]["target"], targets[0]);
    app.data_as(
        &session,
        "mutation ($p: String!) { deleteAccount(password: $p) }",
        json!({ "p": PASSWORD }),
    )
    .await;
    assert_eq!(
        app.count_rows("follows").await,
        0,
        "their follows and the follows of them"
    );
    let counts = app
        .data(
            "{ user(username: \"bob\") { followerCount following { totalCount } } \
               topic(slug: \"cs.CL\") { followerCount } \
               paper(arxivId: \"2401.00001\") { authors { author { followerCount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        counts,
        json!({ "user": { "followerCount": 0, "following": { "totalCount": 0 } },
            "topic": { "followerCount": 0 },
            "paper": { "authors": [{ "author": { "followerCount": 0 } }] } })
    );
}

storage_test!(follows_are_throttled_and_refusals_do_not_count);
async fn follows_are_throttled_and_refusals_do_not_count(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--no-demo", "--throttle-follows", "2"]).await;
    let db = app.db.connect().await;
    let ada = fixtures::user(&db, "ada").await;
    let token = token_for(&ada);
    let follow = follow_query("follow");
    let body = app
        .gql_as(
            &token,
            &follow,
            json!({ "id": api::ids::UserId(999).global() }),
        )
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"]);
    for slug in ["cs.CL", "cs.LG"] {
        app.data_as(&token, &follow, json!({ "id": topic_id(&app, slug).await }))
            .await;
    }
    let body = app
        .gql_as(
            &token,
            &follow,
            json!({ "id": topic_id(&app, "cs.CV").await }),
        )
        .await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    assert_eq!(app.count_rows("follows").await, 2);
}

const SUBMIT: &str = "mutation ($id: String!, $authors: [String!]!) { submitPaper(input: { \
    arxivId: $id, title: \"T\", abstract: \"A.\", authors: $authors }) { id } }";
const INBOX: &str = "{ viewer { notifications(first: 20) { edges { node { kind actor { username } \
    paper { arxivId } } } } } }";

/// The viewer's notifications as `KIND ARXIV-ID`, newest first.
async fn told(app: &TestApp, token: &str) -> Vec<String> {
    let data = app.data_as(token, INBOX, json!({})).await;
    data["viewer"]["notifications"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["node"]["kind"].as_str().unwrap_or("?"),
                e["node"]["paper"]["arxivId"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

storage_test!(followers_are_told_once_per_paper_live_and_in_the_inbox);
async fn followers_are_told_once_per_paper_live_and_in_the_inbox(backend: Backend) {
    use crate::support::ws::WsClient;
    let app = TestApp::spawn(backend).await;
    let db = app.db.connect().await;
    let (reader, bob, sub, mo) = (
        fixtures::user(&db, "reader").await,
        fixtures::user(&db, "bob").await,
        fixtures::user(&db, "sub").await,
        fixtures::moderator(&db, "mo").await,
    );
    let token = token_for(&reader);
    fixtures::paper(
        &db,
        "2401.00001",
        "Old",
        "x",
        &["Xavier X.", "Bob B."],
        fixtures::now(),
        None,
    )
    .await;
    db.execute_unprepared(&format!(
        "UPDATE authors SET user_id = {} WHERE name = 'Bob B.'",
        bob.id
    ))
    .await
    .expect("bob's identity");
    let list = fixtures::collection(&db, &bob, "Picks", false, &[]).await;
    let hidden = fixtures::collection(&db, &bob, "Hidden", false, &[]).await;
    for id in [
        author_id(&app, "2401.00001").await,
        json!(bob.id.global()),
        json!(list.id.global()),
        json!(hidden.id.global()),
    ] {
        app.data_as(&token, &follow_query("follow"), json!({ "id": id }))
            .await;
    }
    app.data_as(
        &token_for(&bob),
        "mutation ($id: ID!) { updateCollection(input: { id: $id, isPrivate: true }) { isPrivate } }",
        json!({ "id": hidden.id.global() }),
    )
    .await;
    let mut ws = WsClient::ready(app.addr.port(), Some(&token)).await;
    let subscription =
        "subscription { notificationAdded { kind actor { username } paper { arxivId } } }";
    ws.subscribe("n", subscription, json!({})).await;
    ws.send(json!({ "type": "ping" })).await;
    assert_eq!(ws.next_message().await["type"], "pong");

    // A submission by the followed author and by the followed user's identity: told once.
    let subs = token_for(&sub);
    app.data_as(
        &subs,
        SUBMIT,
        json!({ "id": "2402.00002", "authors": ["Xavier X.", "Bob B."] }),
    )
    .await;
    let live = ws.next_data("n").await;
    assert_eq!(
        live["notificationAdded"],
        json!({ "kind": "FOLLOWED_AUTHOR_PAPER", "actor": { "username": "sub" },
            "paper": { "arxivId": "2402.00002" } })
    );
    // Collected into a followed collection: told; into a second followed one (private, and the
    // paper told of already): not again.
    let old = app.paper_gid("2401.00001").await;
    let add = "mutation ($c: ID!, $p: ID!) { addCollectionItem(input: { collectionId: $c, \
        paperId: $p }) { itemCount } }";
    let bobs = token_for(&bob);
    app.data_as(&bobs, add, json!({ "c": list.id.global(), "p": old }))
        .await;
    let live = ws.next_data("n").await;
    assert_eq!(
        live["notificationAdded"]["kind"],
        "FOLLOWED_COLLECTION_ITEM"
    );
    let fresh = app.paper_gid("2402.00002").await;
    app.data_as(&bobs, add, json!({ "c": list.id.global(), "p": fresh }))
        .await;
    app.data_as(&bobs, add, json!({ "c": hidden.id.global(), "p": old }))
        .await;
    // An import of a paper by the followed author.
    let paper = api::services::papers::new::NewPaper::parse(
        "2403.00003",
        "Imported",
        "An abstract.",
        &["Xavier X.".to_owned()],
    )
    .expect("a paper");
    let record = api::services::papers::import::ImportRecord {
        paper,
        submitted_at: None,
    };
    api::services::papers::import::import(&db, &[record], |_| fixtures::now())
        .await
        .expect("import");
    // A claim approved makes a followed user an author.
    fixtures::paper(
        &db,
        "2404.00004",
        "Claimed",
        "x",
        &["B. Bobson"],
        fixtures::now(),
        None,
    )
    .await;
    let claimed = app.paper_gid("2404.00004").await;
    let claim = app
        .data_as(
            &bobs,
            "mutation ($p: ID!) { claimAuthorship(input: { paperId: $p, position: 0 }) { id } }",
            json!({ "p": claimed }),
        )
        .await["claimAuthorship"]["id"]
        .clone();
    app.data_as(
        &mo.1,
        "mutation ($id: ID!) { decideAuthorshipClaim(id: $id, approve: true) { status } }",
        json!({ "id": claim }),
    )
    .await;
    assert_eq!(
        told(&app, &token).await,
        [
            "FOLLOWED_AUTHOR_PAPER 2404.00004",
            "FOLLOWED_AUTHOR_PAPER 2403.00003",
            "FOLLOWED_COLLECTION_ITEM 2401.00001",
            "FOLLOWED_AUTHOR_PAPER 2402.00002",
        ]
    );
    // Nobody is told of their own act: bob collected, sub submitted.
    assert!(
        told(&app, &bobs)
            .await
            .iter()
            .all(|n| !n.starts_with("FOLLOWED"))
    );
    assert!(told(&app, &subs).await.is_empty());
}
