//! Reading users and the lists on their profiles.

use std::collections::HashMap;

use entity::{paper, paper_upvote, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs, counts_of};
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

/// The same page of the papers each user upvoted, latest vote first: one query for the votes of
/// every user, one for their papers.
pub async fn upvoted_papers(
    db: &DatabaseConnection,
    user_ids: &[i64],
    args: &PageArgs,
) -> Result<HashMap<i64, Page<paper::Model>>, AppError> {
    let keyset = upvotes_by_user();
    let votes = keyset
        .pages_of(
            db,
            paper_upvote::Entity::find(),
            paper_upvote::Column::UserId,
            user_ids,
            args,
            |v| keyset.cursor(Key::Time(Some(v.created_at)), v.paper_id),
        )
        .await?;
    let ids: Vec<i64> = votes
        .values()
        .flat_map(|page| page.items.iter().map(|(_, v)| v.paper_id))
        .collect();
    let found = papers::find_by_ids(db, &ids).await?;
    Ok(votes
        .into_iter()
        .map(|(user, page)| (user, page.filter_map(|v| found.get(&v.paper_id).cloned())))
        .collect())
}

/// How many papers each user upvoted.
pub async fn upvoted_counts(
    db: &DatabaseConnection,
    user_ids: &[i64],
) -> Result<HashMap<i64, u64>, AppError> {
    counts_of(
        db,
        paper_upvote::Entity::find(),
        paper_upvote::Column::UserId,
        user_ids,
    )
    .await
}

/// The same page of the users who upvoted each paper, latest first: one query for the votes on
/// every paper, one for their users.
pub async fn upvoters(
    db: &DatabaseConnection,
    paper_ids: &[i64],
    args: &PageArgs,
) -> Result<HashMap<i64, Page<user::Model>>, AppError> {
    let keyset = upvotes_of_paper();
    let votes = keyset
        .pages_of(
            db,
            paper_upvote::Entity::find(),
            paper_upvote::Column::PaperId,
            paper_ids,
            args,
            |v| keyset.cursor(Key::Time(Some(v.created_at)), v.user_id),
        )
        .await?;
    let ids: Vec<i64> = votes
        .values()
        .flat_map(|page| page.items.iter().map(|(_, v)| v.user_id))
        .collect();
    let found = find_by_ids(db, &ids).await?;
    Ok(votes
        .into_iter()
        .map(|(paper, page)| (paper, page.filter_map(|v| found.get(&v.user_id).cloned())))
        .collect())
}
