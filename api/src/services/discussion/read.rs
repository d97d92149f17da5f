//! Reading comments: a paper's thread, replies, a user's comments.

use std::collections::HashMap;

use entity::comment;
use sea_orm::sea_query::{ColumnRef, Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

use crate::error::AppError;
use crate::ids::CommentId;
use crate::services::pagination::{
    Key, KeyKind, Keyset, Page, PageArgs, ParentId, counts_of, qualified,
};

/// How a paper's top-level comments are ordered. Ids grow with time, so they order by age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// A list of comments that belongs to a parent, paged for many parents at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentList {
    /// A paper's top-level comments (tombstones included, so threads keep their shape).
    TopLevel(CommentOrder),
    /// A comment's replies, oldest first.
    Replies,
    /// A user's standing comments (neither deleted nor hidden), newest first.
    ByUser,
}

impl CommentList {
    /// The rows of every parent's list, the parent column and the list's order.
    fn parts(
        self,
    ) -> (
        Select<comment::Entity>,
        ColumnRef,
        CommentOrder,
        &'static str,
    ) {
        let all = comment::Entity::find();
        match self {
            Self::TopLevel(order) => (
                all.filter(comment::Column::ParentId.is_null()),
                qualified(comment::Column::PaperId),
                order,
                scope(order),
            ),
            Self::Replies => (
                all,
                qualified(comment::Column::ParentId),
                CommentOrder::Oldest,
                "replies",
            ),
            Self::ByUser => (
                all.filter(comment::Column::DeletedAt.is_null())
                    .filter(comment::Column::HiddenAt.is_null()),
                qualified(comment::Column::UserId),
                CommentOrder::Newest,
                "user-comments",
            ),
        }
    }
}

/// The same page of the list of each parent (a paper, a comment or a user), in one query
/// whatever the page size, cursor or number of parents; with `count`, each list's size read in
/// the same statement where it can be (`Keyset::pages_of`).
pub async fn pages<Id: ParentId>(
    db: &DatabaseConnection,
    list: CommentList,
    parents: &[Id],
    args: &PageArgs,
    count: bool,
) -> Result<HashMap<Id, (Page<comment::Model>, Option<u64>)>, AppError> {
    let (select, parent, order, scope) = list.parts();
    let keyset = keyset(scope, order);
    keyset
        .pages_of(db, select, parent, parents, args, count, |row| {
            keyset.cursor(key_of(order, row), row.id)
        })
        .await
}

/// How many comments the list of each parent holds, in one query.
pub async fn counts<Id: ParentId>(
    db: &DatabaseConnection,
    list: CommentList,
    parents: &[Id],
) -> Result<HashMap<Id, u64>, AppError> {
    let (select, parent, _, _) = list.parts();
    counts_of(db, select, parent, parents).await
}

pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[CommentId],
) -> Result<HashMap<CommentId, comment::Model>, AppError> {
    let rows = comment::Entity::find()
        .filter(Expr::col(comment::Column::Id).is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}
