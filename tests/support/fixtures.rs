//! State for tests: users and papers written directly (a user has no real password; a paper
//! enters the feed at a chosen time), votes, comments and collections made through the services,
//! so that counters, trending scores and slugs are exactly what the site makes.

#![allow(dead_code)]

use api::auth::Caller;
use api::services::Services;
use api::services::collections::{Item, ItemChange, NewCollection};
use api::services::throttle::Throttles;
use api::services::votes;
use api::services::{collections, discussion};
use chrono::{DateTime, Duration, Utc};
use entity::{author, collection, comment, paper, paper_author, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// The JWT secret the test servers use.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub fn now() -> DateTime<Utc> {
    api::services::now()
}

/// A moment of today (UTC) with at least an hour of today before it: a minute ago, or 01:00 when
/// the suite runs in the first hour of the day (a little in the future then, which nothing that
/// lists today's feed minds). Tests that read today's feed place papers up to an hour before it.
pub fn earlier_today() -> DateTime<Utc> {
    let one_am = noon_days_ago(0) - Duration::hours(11);
    (now() - Duration::minutes(1)).max(one_am)
}

/// Noon (UTC) of the day `days` days before today: a moment from which a test can place papers
/// minutes or hours apart on one calendar day whatever the time the suite runs (a run near
/// midnight once split `now() - 1 day + i minutes` over two days).
pub fn noon_days_ago(days: i64) -> DateTime<Utc> {
    let day = now().date_naive() - Duration::days(days);
    day.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

/// The services over a test database, as the server builds them but with the throttles off.
pub fn services(db: &DatabaseConnection) -> Services {
    Services {
        db: db.clone(),
        jwt: std::sync::Arc::new(api::auth::jwt::JwtKeys::new(TEST_SECRET.as_bytes())),
        hasher: std::sync::Arc::new(
            api::services::accounts::passwords::Hasher::new(1).expect("hashing threads"),
        ),
        throttles: std::sync::Arc::new(Throttles::disabled()),
        events: std::sync::Arc::new(api::services::events::Events::new(db.clone())),
        mailer: None,
        discovery: std::sync::Arc::new(api::services::discovery::Discovery::off()),
        viewers: std::sync::Arc::new(api::services::accounts::viewers::Viewers::off()),
    }
}

/// An access token for a user, signed as the test server expects.
pub fn token_for(user: &user::Model) -> String {
    let keys = api::auth::jwt::JwtKeys::new(TEST_SECRET.as_bytes());
    keys.issue(user.id, Utc::now()).expect("token").0
}

pub async fn user(db: &DatabaseConnection, username: &str) -> user::Model {
    user::ActiveModel {
        username: Set(username.to_lowercase()),
        display_name: Set(Some(format!("{username} display"))),
        email: Set(format!("{}@example.org", username.to_lowercase())),
        password_hash: Set("not-a-real-hash".into()),
        role: Set(entity::user::Role::User),
        bio: Set(None),
        avatar_url: Set(None),
        created_at: Set(now()),
        disabled_at: Set(None),
        password_changed_at: Set(now() - Duration::hours(1)),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert user")
}

/// A paper with its authors (matched by exact name, else created).
pub async fn paper(
    db: &DatabaseConnection,
    arxiv_id: &str,
    title: &str,
    abstract_text: &str,
    authors: &[&str],
    submitted_at: DateTime<Utc>,
    submitted_by: Option<api::ids::UserId>,
) -> paper::Model {
    let row = paper::ActiveModel {
        arxiv_id: Set(arxiv_id.into()),
        title: Set(title.into()),
        r#abstract: Set(abstract_text.into()),
        published_at: Set(Some(submitted_at - Duration::days(1))),
        submitted_at: Set(submitted_at),
        submitted_by: Set(submitted_by),
        github_repo: Set(None),
        project_page: Set(None),
        upvote_count: Set(0),
        comment_count: Set(0),
        trending_score: Set(api::services::papers::trending::score(
            0,
            submitted_at,
            now(),
        )),
        source_upvotes: Set(None),
        author_names: Set(authors.join(", ")),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert paper");
    for (position, name) in authors.iter().enumerate() {
        let existing = author::Entity::find()
            .filter(author::Column::Name.eq(*name))
            .one(db)
            .await
            .expect("find author");
        let author_id = match existing {
            Some(a) => a.id,
            None => {
                author::ActiveModel {
                    name: Set((*name).into()),
                    user_id: Set(None),
                    ..Default::default()
                }
                .insert(db)
                .await
                .expect("insert author")
                .id
            }
        };
        paper_author::ActiveModel {
            paper_id: Set(row.id),
            position: Set(i32::try_from(position).expect("position")),
            author_id: Set(author_id),
        }
        .insert(db)
        .await
        .expect("link author");
    }
    row
}

/// The user's upvote of the paper, cast through the votes service (counter and trending score
/// move as on the site).
pub async fn upvote(db: &DatabaseConnection, user: &user::Model, paper: &paper::Model) {
    let caller = Caller::session(user.clone());
    votes::vote(&services(db), &caller, paper.id, true)
        .await
        .expect("upvote");
}

/// A comment or reply, written through the discussion service.
pub async fn comment(
    db: &DatabaseConnection,
    paper: &paper::Model,
    user: &user::Model,
    parent: Option<&comment::Model>,
    body: &str,
) -> comment::Model {
    let caller = Caller::session(user.clone());
    discussion::add(
        &services(db),
        &caller,
        paper.id,
        discussion::Body::parse(body.to_owned(), "body").expect("a body"),
        parent.map(|p| p.id),
    )
    .await
    .expect("add a comment")
}

/// A collection holding the papers in order, each with a note, made through the collections
/// service (real slug, counters).
pub async fn collection(
    db: &DatabaseConnection,
    owner: &user::Model,
    title: &str,
    is_private: bool,
    papers: &[&paper::Model],
) -> collection::Model {
    let caller = Caller::session(owner.clone());
    let description = Some(format!("About {title}"));
    let new = NewCollection::parse(title, description, is_private).expect("a collection");
    let mut row = collections::create(db, &caller, new)
        .await
        .expect("create a collection");
    for (position, paper) in papers.iter().enumerate() {
        let note = Some(format!("note {position}"));
        let item = Item {
            collection: row.id,
            paper: paper.id,
        };
        let change = ItemChange::parse(note, None).expect("a note");
        row = collections::add_item(&services(db), &caller, item, change)
            .await
            .expect("add an item");
    }
    row
}

/// A moderator, and an access token for them.
pub async fn moderator(db: &DatabaseConnection, username: &str) -> (user::Model, String) {
    let mut row: user::ActiveModel = user(db, username).await.into();
    row.role = Set(entity::user::Role::Moderator);
    let row = row.update(db).await.expect("promote");
    let token = token_for(&row);
    (row, token)
}
