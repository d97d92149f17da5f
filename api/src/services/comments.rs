//! Reading comments: a paper's thread, replies, a user's comments.

use std::collections::HashMap;

use entity::comment;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    Statement,
};

use crate::error::AppError;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};

/// How a paper's top-level comments are ordered. Ids grow with time, so they order by age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentOrder {
    Oldest,
    Newest,
    /// Most upvoted first, newest first among equals.
    Top,
}

fn keyset(scope: &'static str, order: CommentOrder) -> Keyset<comment::Column> {
    let (key, kind, descending) = match order {
        CommentOrder::Oldest => (comment::Column::Id, KeyKind::None, false),
        CommentOrder::Newest => (comment::Column::Id, KeyKind::None, true),
        CommentOrder::Top => (comment::Column::UpvoteCount, KeyKind::Int, true),
    };
    Keyset {
        scope,
        key,
        kind,
        tiebreak: comment::Column::Id,
        descending,
    }
}

fn key_of(order: CommentOrder, row: &comment::Model) -> Key {
    match order {
        CommentOrder::Top => Key::Int(i64::from(row.upvote_count)),
        _ => Key::None,
    }
}

fn scope(order: CommentOrder) -> &'static str {
    match order {
        CommentOrder::Oldest => "comments:oldest",
        CommentOrder::Newest => "comments:newest",
        CommentOrder::Top => "comments:top",
    }
}

/// A paper's top-level comments (tombstones included, so threads keep their shape).
pub async fn top_level(
    db: &DatabaseConnection,
    paper_id: i64,
    order: CommentOrder,
    args: &PageArgs,
) -> Result<Page<comment::Model>, AppError> {
    let keyset = keyset(scope(order), order);
    let select = comment::Entity::find()
        .filter(comment::Column::PaperId.eq(paper_id))
        .filter(comment::Column::ParentId.is_null());
    let rows = keyset.apply(select, args)?.all(db).await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(key_of(order, row), row.id)
    }))
}

pub async fn count_top_level(db: &DatabaseConnection, paper_id: i64) -> Result<u64, AppError> {
    Ok(comment::Entity::find()
        .filter(comment::Column::PaperId.eq(paper_id))
        .filter(comment::Column::ParentId.is_null())
        .count(db)
        .await?)
}

/// A comment's replies, oldest first.
pub async fn replies(
    db: &DatabaseConnection,
    parent_id: i64,
    args: &PageArgs,
) -> Result<Page<comment::Model>, AppError> {
    let keyset = keyset("replies", CommentOrder::Oldest);
    let select = comment::Entity::find().filter(comment::Column::ParentId.eq(parent_id));
    let rows = keyset.apply(select, args)?.all(db).await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(Key::None, row.id)
    }))
}

/// The first `limit` replies (plus one, to tell whether more follow) of each of several
/// comments, in one query: what a thread page needs for every comment at once.
pub async fn first_replies(
    db: &DatabaseConnection,
    parent_ids: &[i64],
    limit: u64,
) -> Result<HashMap<i64, Vec<comment::Model>>, AppError> {
    if parent_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=parent_ids.len())
        .map(|i| match backend {
            sea_orm::DbBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        })
        .collect();
    let limit_placeholder = match backend {
        sea_orm::DbBackend::Postgres => format!("${}", parent_ids.len() + 1),
        _ => "?".to_owned(),
    };
    let sql = format!(
        "SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.parent_id ORDER BY c.id) AS rn \
         FROM comments c WHERE c.parent_id IN ({})) ranked WHERE rn <= {limit_placeholder} ORDER BY parent_id, id",
        placeholders.join(", ")
    );
    let mut values: Vec<sea_orm::Value> = parent_ids.iter().map(|&id| id.into()).collect();
    values.push(i64::try_from(limit + 1).unwrap_or(i64::MAX).into());
    let rows =
        comment::Model::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?;
    let mut by_parent: HashMap<i64, Vec<comment::Model>> = HashMap::new();
    for row in rows {
        if let Some(parent) = row.parent_id {
            by_parent.entry(parent).or_default().push(row);
        }
    }
    Ok(by_parent)
}

/// A user's comments, newest first.
pub async fn by_user(
    db: &DatabaseConnection,
    user_id: i64,
    args: &PageArgs,
) -> Result<Page<comment::Model>, AppError> {
    let keyset = keyset("user-comments", CommentOrder::Newest);
    let select = comment::Entity::find()
        .filter(comment::Column::UserId.eq(user_id))
        .filter(comment::Column::DeletedAt.is_null())
        .filter(comment::Column::HiddenAt.is_null());
    let rows = keyset.apply(select, args)?.all(db).await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(Key::None, row.id)
    }))
}

pub async fn count_by_user(db: &DatabaseConnection, user_id: i64) -> Result<u64, AppError> {
    Ok(comment::Entity::find()
        .filter(comment::Column::UserId.eq(user_id))
        .filter(comment::Column::DeletedAt.is_null())
        .filter(comment::Column::HiddenAt.is_null())
        .count(db)
        .await?)
}

pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, comment::Model>, AppError> {
    let rows = comment::Entity::find()
        .filter(Expr::col(comment::Column::Id).is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}
