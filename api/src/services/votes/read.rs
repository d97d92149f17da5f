//! Reading votes: which of several objects the viewer has upvoted (one query per kind of
//! object), the papers a user upvoted and the users who upvoted a paper.

use std::collections::{HashMap, HashSet};

use entity::{collection_upvote, comment_upvote, paper, paper_upvote, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::services::accounts::users;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs, counts_of};
use crate::services::papers;

pub async fn papers_upvoted_by(
    db: &DatabaseConnection,
    user_id: i64,
    paper_ids: &[i64],
) -> Result<HashSet<i64>, AppError> {
    let rows = paper_upvote::Entity::find()
        .filter(paper_upvote::Column::UserId.eq(user_id))
        .filter(paper_upvote::Column::PaperId.is_in(paper_ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.paper_id).collect())
}

pub async fn comments_upvoted_by(
    db: &DatabaseConnection,
    user_id: i64,
    comment_ids: &[i64],
) -> Result<HashSet<i64>, AppError> {
    let rows = comment_upvote::Entity::find()
        .filter(comment_upvote::Column::UserId.eq(user_id))
        .filter(comment_upvote::Column::CommentId.is_in(comment_ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.comment_id).collect())
}

pub async fn collections_upvoted_by(
    db: &DatabaseConnection,
    user_id: i64,
    collection_ids: &[i64],
) -> Result<HashSet<i64>, AppError> {
    let rows = collection_upvote::Entity::find()
        .filter(collection_upvote::Column::UserId.eq(user_id))
        .filter(collection_upvote::Column::CollectionId.is_in(collection_ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.collection_id).collect())
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
    let found = users::find_by_ids(db, &ids).await?;
    Ok(votes
        .into_iter()
        .map(|(paper, page)| (paper, page.filter_map(|v| found.get(&v.user_id).cloned())))
        .collect())
}
