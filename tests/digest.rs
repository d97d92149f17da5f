//! The email digest against a real SMTP server (aiosmtpd): double opt-in, the mail's parts,
//! headers and links, once per subscription and period, a failed mail retried by the next run,
//! and RFC 8058 one-click unsubscribe.

use chrono::{TimeZone, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

use crate::storage_test;
use crate::support::fixtures::{self, token_for};
use crate::support::smtp::SmtpSink;
use crate::support::{Backend, TestApp, error_codes, papers_bin};

const SUBSCRIBE: &str = "mutation ($email: String, $f: DigestFrequency!) { subscribeDigest(input: \
    { email: $email, frequency: $f }) { email frequency confirmed createdAt } }";
const SITE: &str = "https://papers.example.org";

async fn app_with_mail(backend: Backend, sink: &SmtpSink) -> TestApp {
    TestApp::spawn_with(
        backend,
        &[
            "--no-demo",
            "--smtp-url",
            &sink.url(),
            "--public-url",
            SITE,
            "--mail-from",
            "Papers <digest@papers.example.org>",
        ],
    )
    .await
}

/// `papers digest send` as cron would run it; returns its stdout.
async fn send(app: &TestApp, sink: &SmtpSink, frequency: &str, date: &str) -> String {
    let output = tokio::process::Command::new(papers_bin())
        .args(["digest", "send", "--frequency", frequency, "--date", date])
        .env("DATABASE_URL", &app.db.url)
        .env("PAPERS_SMTP_URL", sink.url())
        .env("PAPERS_PUBLIC_URL", SITE)
        .output()
        .await
        .expect("run papers digest send");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return format!("{stdout}FAILED: {stderr}");
    }
    stdout
}

/// The token of a link in a mail's text: `…/digest/confirm?token=…`.
fn token_in(text: &str, path: &str) -> String {
    let start = text.find(path).expect("the link is in the mail") + path.len() + "?token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Twelve papers submitted on 2026-11-20, paper N with N·3 upvotes, and one the day after.
async fn papers_of_the_day(db: &sea_orm::DatabaseConnection) {
    let day = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    for n in 1..=12 {
        let row = fixtures::paper(
            db,
            &format!("2611.{n:05}"),
            &format!("Paper number {n}"),
            &format!("Abstract {n} <b>bold</b> & more. {}", "words ".repeat(80)),
            &[
                "First Author",
                "Second Author",
                "Third Author",
                "Fourth Author",
            ],
            day + chrono::Duration::minutes(n),
            None,
        )
        .await;
        let mut row: entity::paper::ActiveModel = row.into();
        row.upvote_count = Set(i32::try_from(n * 3).unwrap());
        row.update(db).await.unwrap();
    }
    fixtures::paper(
        db,
        "2611.99999",
        "Next day",
        "x",
        &["Z"],
        day + chrono::Duration::days(1),
        None,
    )
    .await;
}

storage_test!(the_digest_is_confirmed_mailed_once_per_period_and_unsubscribed_in_one_click);
async fn the_digest_is_confirmed_mailed_once_per_period_and_unsubscribed_in_one_click(
    backend: Backend,
) {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let app = app_with_mail(backend, &sink).await;
    let db = app.db.connect().await;
    papers_of_the_day(&db).await;

    let subscribed = app
        .data(
            SUBSCRIBE,
            json!({ "email": " Reader@Example.org ", "f": "DAILY" }),
        )
        .await["subscribeDigest"]
        .clone();
    assert_eq!(subscribed["email"], "reader@example.org");
    assert_eq!(subscribed["frequency"], "DAILY");
    assert_eq!(subscribed["confirmed"], false);
    let confirmation = sink.wait_for(1).await[0].clone();
    assert_eq!(confirmation["rcpt_tos"], json!(["reader@example.org"]));
    assert_eq!(confirmation["mail_from"], "digest@papers.example.org");
    assert_eq!(confirmation["content_type"], "multipart/alternative");
    let text = confirmation["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("{SITE}/digest/confirm?token=")),
        "{text}"
    );
    assert!(
        confirmation["html"]
            .as_str()
            .unwrap()
            .contains("/digest/confirm?token=")
    );
    // A confirmation is not a digest: no unsubscribe headers.
    assert!(confirmation["headers"].get("List-Unsubscribe").is_none());

    // Nothing is sent before the link is followed.
    let before = send(&app, &sink, "daily", "2026-11-20").await;
    assert!(before.contains("sent 0"), "{before}");
    assert_eq!(sink.messages().len(), 1);

    let token = token_in(text, "/digest/confirm");
    let wrong = app
        .client
        .get(app.url("/digest/confirm?token=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
    let confirmed = app
        .client
        .get(app.url(&format!("/digest/confirm?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .text()
            .await
            .unwrap()
            .contains("reader@example.org")
    );

    let report = send(&app, &sink, "daily", "2026-11-20").await;
    assert!(report.contains("10 papers, sent 1, failed 0"), "{report}");
    let digest = sink.wait_for(2).await[1].clone();
    assert_eq!(digest["rcpt_tos"], json!(["reader@example.org"]));
    assert_eq!(digest["content_type"], "multipart/alternative");
    let subject = digest["subject"].as_str().unwrap();
    assert!(
        subject.contains("2026-11-20") && subject.contains("10"),
        "{subject}"
    );
    let unsubscribe = format!("<{SITE}/digest/unsubscribe?token={token}>");
    assert_eq!(digest["headers"]["List-Unsubscribe"], unsubscribe);
    assert_eq!(
        digest["headers"]["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    let text = digest["text"].as_str().unwrap().replace("\r\n", "\n");
    let html = digest["html"].as_str().unwrap();
    // The ten most upvoted of the day, most upvoted first; not the two least, nor the next day's.
    let first = text.find("Paper number 12").expect("the top paper");
    let tenth = text.find("Paper number 3\n").expect("the tenth paper");
    assert!(first < tenth);
    for absent in ["Paper number 2\n", "Paper number 1\n", "Next day"] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }
    assert!(text.contains("36 upvotes"));
    assert!(text.contains("First Author, Second Author, Third Author et al."));
    assert!(text.contains(&format!("{SITE}/papers/2611.00012")));
    assert!(text.contains("Abstract 12 <b>bold</b> & more."));
    assert!(text.contains('…'), "the abstract is cut");
    assert!(html.contains(&format!("href=\"{SITE}/papers/2611.00012\"")));
    assert!(
        html.contains("Abstract 12 &lt;b&gt;bold&lt;/b&gt; &amp; more."),
        "HTML escaped"
    );
    assert!(!html.contains("<b>bold</b>"));

    // Once per period: a second run sends nothing new; a new period sends again.
    let again = send(&app, &sink, "daily", "2026-11-20").await;
    assert!(again.contains("sent 0"), "{again}");
    assert_eq!(sink.messages().len(), 2);
    let next = send(&app, &sink, "daily", "2026-11-21").await;
    assert!(next.contains("1 papers, sent 1"), "{next}");
    assert_eq!(sink.wait_for(3).await.len(), 3);

    // The unsubscribe link's page only offers a button; the one-click POST unsubscribes.
    let page = app
        .client
        .get(app.url(&format!("/digest/unsubscribe?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("method=\"post\""));
    assert_eq!(app.count_rows("digest_subscriptions").await, 1);
    let one_click = app
        .client
        .post(app.url(&format!("/digest/unsubscribe?token={token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), 200);
    assert_eq!(app.count_rows("digest_subscriptions").await, 0);
    assert_eq!(app.count_rows("digest_sends").await, 0);
    let after = send(&app, &sink, "daily", "2026-11-20").await;
    assert!(after.contains("sent 0"), "{after}");
    assert_eq!(sink.messages().len(), 3);
}

storage_test!(signed_in_users_subscribe_their_account_and_bad_input_changes_nothing);
async fn signed_in_users_subscribe_their_account_and_bad_input_changes_nothing(backend: Backend) {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let app = app_with_mail(backend, &sink).await;
    let db = app.db.connect().await;
    let ada = token_for(&fixtures::user(&db, "ada").await);
    let mine =
        app.data_as(&ada, SUBSCRIBE, json!({ "f": "WEEKLY" })).await["subscribeDigest"].clone();
    assert_eq!(mine["email"], "ada@example.org");
    assert_eq!(mine["frequency"], "WEEKLY");
    assert_eq!(
        sink.wait_for(1).await[0]["rcpt_tos"],
        json!(["ada@example.org"])
    );

    for (email, token) in [
        (Value::Null, None),
        (json!("not-an-address"), None),
        (json!("a@b"), Some(&ada)),
    ] {
        let vars = json!({ "email": email, "f": "DAILY" });
        let body = match token {
            Some(token) => app.gql_as(token, SUBSCRIBE, vars).await,
            None => app.gql(SUBSCRIBE, vars).await,
        };
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{email}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "email");
    }
    assert_eq!(app.count_rows("digest_subscriptions").await, 1);

    // Subscribing again while unconfirmed mails a new link and retires the old one.
    let first_token = token_in(
        sink.messages()[0]["text"].as_str().unwrap(),
        "/digest/confirm",
    );
    app.data_as(&ada, SUBSCRIBE, json!({ "f": "WEEKLY" })).await;
    let second = sink.wait_for(2).await[1].clone();
    let second_token = token_in(second["text"].as_str().unwrap(), "/digest/confirm");
    assert_ne!(first_token, second_token);
    let old = app
        .client
        .get(app.url(&format!("/digest/confirm?token={first_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404);
    // unsubscribeDigest by token: true once, then false.
    let unsubscribe = "mutation ($t: String!) { unsubscribeDigest(token: $t) }";
    assert_eq!(
        app.data(unsubscribe, json!({ "t": second_token })).await["unsubscribeDigest"],
        true
    );
    assert_eq!(
        app.data(unsubscribe, json!({ "t": second_token })).await["unsubscribeDigest"],
        false
    );
    assert_eq!(app.count_rows("digest_subscriptions").await, 0);
    let metrics = app.metrics().await;
    let line = "papers_mails_total{kind=\"confirmation\",outcome=\"sent\"} 2";
    assert!(metrics.contains(line), "{line} missing from {metrics}");
}

storage_test!(a_failed_mail_is_not_logged_and_the_next_run_sends_it);
async fn a_failed_mail_is_not_logged_and_the_next_run_sends_it(backend: Backend) {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let app = app_with_mail(backend, &sink).await;
    let db = app.db.connect().await;
    papers_of_the_day(&db).await;
    for email in ["kept@example.org", "bounced@example.org"] {
        entity::digest_subscription::ActiveModel {
            email: Set(email.into()),
            user_id: Set(None),
            frequency: Set("weekly".into()),
            token: Set(format!("token-{email}")),
            created_at: Set(fixtures::now()),
            confirmed_at: Set(Some(fixtures::now())),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    sink.reject(&["bounced@example.org"]);
    let first = send(&app, &sink, "weekly", "2026-11-18").await;
    assert!(
        first.contains("digest 2026-W47: 13 papers") || first.contains("FAILED"),
        "{first}"
    );
    assert!(first.contains("1 mails failed"), "{first}");
    let delivered = sink.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["rcpt_tos"], json!(["kept@example.org"]));
    assert!(
        delivered[0]["subject"]
            .as_str()
            .unwrap()
            .contains("2026-W47")
    );
    assert_eq!(app.count_rows("digest_sends").await, 1);

    sink.reject(&[]);
    let second = send(&app, &sink, "weekly", "2026-11-22").await;
    assert!(
        second.contains("digest 2026-W47: 13 papers, sent 1, failed 0"),
        "{second}"
    );
    let all = sink.wait_for(2).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["rcpt_tos"], json!(["bounced@example.org"]));
    assert_eq!(app.count_rows("digest_sends").await, 2);
    let _ = entity::digest_send::Entity::find().all(&db).await.unwrap();
}

storage_test!(subscriptions_are_throttled_per_address);
async fn subscriptions_are_throttled_per_address(backend: Backend) {
    // No SMTP server: subscribing works all the same, and nothing is mailed.
    let app = TestApp::spawn(backend).await;
    for _ in 0..3 {
        app.data(
            SUBSCRIBE,
            json!({ "email": "many@example.org", "f": "DAILY" }),
        )
        .await;
    }
    let fourth = app
        .gql(
            SUBSCRIBE,
            json!({ "email": "many@example.org", "f": "WEEKLY" }),
        )
        .await;
    assert_eq!(error_codes(&fourth), ["RATE_LIMITED"]);
    assert_eq!(app.count_rows("digest_subscriptions").await, 1);
    // Without --smtp-url the command refuses to run.
    let output = tokio::process::Command::new(papers_bin())
        .args(["digest", "send", "--frequency", "daily"])
        .env("DATABASE_URL", &app.db.url)
        .env_remove("PAPERS_SMTP_URL")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

const SUBSCRIBE_KIND: &str = "mutation ($email: String, $f: DigestFrequency!, $k: DigestKind!) { \
    subscribeDigest(input: { email: $email, frequency: $f, kind: $k }) { email frequency kind \
    confirmed } }";

storage_test!(
    the_for_you_digest_mails_each_reader_their_own_papers_and_nothing_when_nothing_is_new
);
async fn the_for_you_digest_mails_each_reader_their_own_papers_and_nothing_when_nothing_is_new(
    backend: Backend,
) {
    use sea_orm::ConnectionTrait;
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let app = app_with_mail(backend, &sink).await;
    let db = app.db.connect().await;
    papers_of_the_day(&db).await;
    let day = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    fixtures::paper(
        &db,
        "2611.50000",
        "Followed work",
        "x",
        &["Xavier X."],
        day,
        None,
    )
    .await;
    let (ada, bob, carol) = (
        fixtures::user(&db, "ada").await,
        fixtures::user(&db, "bob").await,
        fixtures::user(&db, "carol").await,
    );
    let ada_token = token_for(&ada);
    // Ada follows Xavier; she and Bob upvoted paper 1, Bob also paper 2: a co-upvote.
    let xavier = app
        .data(
            "{ paper(arxivId: \"2611.50000\") { authors { author { id } } } }",
            json!({}),
        )
        .await["paper"]["authors"][0]["author"]["id"]
        .clone();
    app.data_as(
        &ada_token,
        "mutation ($id: ID!) { follow(targetId: $id) { __typename } }",
        json!({ "id": xavier }),
    )
    .await;
    let ids = ["2611.00001", "2611.00002"];
    let mut rows = Vec::new();
    for id in ids {
        rows.push(
            entity::paper::Entity::find()
                .filter(<entity::paper::Column as sea_orm::ColumnTrait>::eq(
                    &entity::paper::Column::ArxivId,
                    id,
                ))
                .one(&db)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    use sea_orm::QueryFilter;
    fixtures::upvote(&db, &ada, &rows[0]).await;
    fixtures::upvote(&db, &bob, &rows[0]).await;
    fixtures::upvote(&db, &bob, &rows[1]).await;

    // FOR_YOU is an account's own: anonymous, or to another address, is refused.
    let vars = |email: Value| json!({ "email": email, "f": "DAILY", "k": "FOR_YOU" });
    let anonymous = app.gql(SUBSCRIBE_KIND, vars(json!("x@example.org"))).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    let elsewhere = app
        .gql_as(&ada_token, SUBSCRIBE_KIND, vars(json!("other@example.org")))
        .await;
    assert_eq!(error_codes(&elsewhere), ["BAD_USER_INPUT"]);
    assert_eq!(app.count_rows("digest_subscriptions").await, 0);
    for token in [&ada_token, &token_for(&carol)] {
        let done = app.data_as(token, SUBSCRIBE_KIND, vars(Value::Null)).await;
        assert_eq!(done["subscribeDigest"]["kind"], "FOR_YOU");
    }
    // Ada also takes the trending one: a second subscription of the same address.
    let trending = app
        .data_as(
            &ada_token,
            SUBSCRIBE_KIND,
            json!({ "f": "DAILY", "k": "TRENDING" }),
        )
        .await;
    assert_eq!(trending["subscribeDigest"]["kind"], "TRENDING");
    assert_eq!(app.count_rows("digest_subscriptions").await, 3);
    sink.wait_for(3).await;
    db.execute_unprepared("UPDATE digest_subscriptions SET confirmed_at = created_at")
        .await
        .unwrap();

    // A day with no papers: nothing new, nothing sent, nothing logged.
    let empty = send(&app, &sink, "daily", "2026-11-25").await;
    assert!(empty.contains("sent 0"), "{empty}");
    assert_eq!(app.count_rows("digest_sends").await, 0);

    let run = send(&app, &sink, "daily", "2026-11-20").await;
    assert!(run.contains("sent 3"), "{run}");
    let mails = sink.wait_for(6).await;
    let for_you: Vec<&Value> = mails
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Your papers")
        })
        .collect();
    assert_eq!(for_you.len(), 2, "ada's and carol's");
    let adas = for_you
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["ada@example.org"]))
        .expect("ada's own digest");
    let text = adas["text"].as_str().unwrap();
    let followed = text
        .find("Followed work")
        .expect("the followed author's paper");
    let recommended = text.find("Paper number 2").expect("the co-upvoted paper");
    assert!(followed < recommended, "what she follows first: {text}");
    assert!(
        !text.contains("2611.00001"),
        "never what she upvoted: {text}"
    );
    assert!(adas["headers"].get("List-Unsubscribe").is_some());
    // Carol, with no signal yet, gets the day's trending papers; run again, nothing more.
    let again = send(&app, &sink, "daily", "2026-11-20").await;
    assert!(again.contains("sent 0"), "{again}");
}
