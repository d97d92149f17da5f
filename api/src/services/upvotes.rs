//! Which of several objects the viewer has upvoted, one query per kind of object.

use std::collections::HashSet;

use entity::{collection_upvote, comment_upvote, paper_upvote};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;

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
