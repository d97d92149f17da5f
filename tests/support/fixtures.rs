//! Rows written behind the API's back, for read tests that need users, votes, comments and
//! collections before the write API exists to make them. Counters are kept as the services keep
//! them (equal to their rows).

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use entity::{
    author, collection, collection_item, comment, paper, paper_author, paper_upvote, user,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// The JWT secret the test servers use.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub fn now() -> DateTime<Utc> {
    api::services::now()
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
    submitted_by: Option<i64>,
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

pub async fn upvote(db: &DatabaseConnection, user: &user::Model, paper: &paper::Model) {
    paper_upvote::ActiveModel {
        user_id: Set(user.id),
        paper_id: Set(paper.id),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .expect("insert upvote");
    paper::Entity::update_many()
        .col_expr(
            paper::Column::UpvoteCount,
            Expr::col(paper::Column::UpvoteCount).add(1),
        )
        .filter(paper::Column::Id.eq(paper.id))
        .exec(db)
        .await
        .expect("count upvote");
}

pub async fn comment(
    db: &DatabaseConnection,
    paper: &paper::Model,
    user: &user::Model,
    parent: Option<&comment::Model>,
    body: &str,
) -> comment::Model {
    let row = comment::ActiveModel {
        paper_id: Set(paper.id),
        user_id: Set(Some(user.id)),
        parent_id: Set(parent.map(|p| p.id)),
        depth: Set(parent.map_or(0, |p| p.depth + 1)),
        body: Set(body.into()),
        created_at: Set(now()),
        edited_at: Set(None),
        deleted_at: Set(None),
        hidden_at: Set(None),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        upvote_count: Set(0),
        reply_count: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert comment");
    paper::Entity::update_many()
        .col_expr(
            paper::Column::CommentCount,
            Expr::col(paper::Column::CommentCount).add(1),
        )
        .filter(paper::Column::Id.eq(paper.id))
        .exec(db)
        .await
        .expect("count comment");
    if let Some(parent) = parent {
        comment::Entity::update_many()
            .col_expr(
                comment::Column::ReplyCount,
                Expr::col(comment::Column::ReplyCount).add(1),
            )
            .filter(comment::Column::Id.eq(parent.id))
            .exec(db)
            .await
            .expect("count reply");
    }
    row
}

pub async fn collection(
    db: &DatabaseConnection,
    owner: &user::Model,
    title: &str,
    is_private: bool,
    papers: &[&paper::Model],
) -> collection::Model {
    let slug = format!(
        "{}/{}-{}",
        owner.username,
        title.to_lowercase().replace(' ', "-"),
        uuid::Uuid::new_v4().simple()
    );
    let row = collection::ActiveModel {
        slug: Set(slug),
        owner_id: Set(owner.id),
        title: Set(title.into()),
        description: Set(Some(format!("About {title}"))),
        is_private: Set(is_private),
        created_at: Set(now()),
        updated_at: Set(now()),
        upvote_count: Set(0),
        item_count: Set(i32::try_from(papers.len()).expect("count")),
        trending_score: Set(0.0),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert collection");
    for (position, paper) in papers.iter().enumerate() {
        collection_item::ActiveModel {
            collection_id: Set(row.id),
            paper_id: Set(paper.id),
            position: Set(i32::try_from(position).expect("position")),
            note: Set(Some(format!("note {position}"))),
            added_at: Set(now()),
        }
        .insert(db)
        .await
        .expect("insert item");
    }
    row
}
