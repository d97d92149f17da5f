//! Reading users and the lists on their profiles.

use std::collections::HashMap;

use entity::{paper, paper_upvote, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::error::AppError;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};
use crate::services::papers;

/// A user by username, case-insensitively (usernames are stored lowercase).
pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<user::Model>, AppError> {
    let username = username.trim().to_lowercase();
    if username.is_empty() || username.len() > 64 {
        return Ok(None);
    }
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, user::Model>, AppError> {
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|u| (u.id, u)).collect())
}

fn upvotes_by_user() -> Keyset<paper_upvote::Column> {
    Keyset {
        scope: "user-upvotes",
        key: paper_upvote::Column::CreatedAt,
        kind: KeyKind::Time,
        tiebreak: paper_upvote::Column::PaperId,
        descending: true,
    }
}

fn upvotes_of_paper() -> Keyset<paper_upvote::Column> {
    Keyset {
        scope: "paper-upvoters",
        key: paper_upvote::Column::CreatedAt,
        kind: KeyKind::Time,
        tiebreak: paper_upvote::Column::UserId,
        descending: true,
    }
}

/// The papers a user upvoted, latest vote first: one query for the votes, one for the papers.
pub async fn upvoted_papers(
    db: &DatabaseConnection,
    user_id: i64,
    args: &PageArgs,
) -> Result<Page<paper::Model>, AppError> {
    let keyset = upvotes_by_user();
    let select = paper_upvote::Entity::find().filter(paper_upvote::Column::UserId.eq(user_id));
    let votes = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, votes, |v| {
        keyset.cursor(Key::Time(Some(v.created_at)), v.paper_id)
    });
    let ids: Vec<i64> = page.items.iter().map(|(_, v)| v.paper_id).collect();
    let mut found = papers::find_by_ids(db, &ids).await?;
    Ok(page.filter_map(|vote| found.remove(&vote.paper_id)))
}

pub async fn count_upvoted_papers(db: &DatabaseConnection, user_id: i64) -> Result<u64, AppError> {
    Ok(paper_upvote::Entity::find()
        .filter(paper_upvote::Column::UserId.eq(user_id))
        .count(db)
        .await?)
}

/// The users who upvoted a paper, latest first.
pub async fn upvoters(
    db: &DatabaseConnection,
    paper_id: i64,
    args: &PageArgs,
) -> Result<Page<user::Model>, AppError> {
    let keyset = upvotes_of_paper();
    let select = paper_upvote::Entity::find().filter(paper_upvote::Column::PaperId.eq(paper_id));
    let votes = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, votes, |v| {
        keyset.cursor(Key::Time(Some(v.created_at)), v.user_id)
    });
    let ids: Vec<i64> = page.items.iter().map(|(_, v)| v.user_id).collect();
    let mut found = find_by_ids(db, &ids).await?;
    Ok(page.filter_map(|vote| found.remove(&vote.user_id)))
}
