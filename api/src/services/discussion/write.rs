//! Writing comments: adding, replying, editing, deleting (a tombstone stays), and hiding by
//! moderators. Counters move in the same transaction as the rows they count.

use entity::{comment, paper, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{CommentId, PaperId};
use crate::services::Services;
use crate::services::discussion::markdown;
use crate::services::events::Event;
use crate::services::input::Markdown;
use crate::services::notifications::{self, Kind, Notice};

/// Longest comment body, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// Deepest reply: a top-level comment is depth 0, a reply to it depth 1, and so on.
pub const MAX_DEPTH: i32 = 8;

/// A comment's markdown body.
pub type Body = Markdown<MAX_BODY_CHARS>;

/// Comments on a paper, or replies to a comment of the same paper. Counted against the
/// author's comment throttle: the slot is reserved before the write (parallel requests cannot
/// pass the limit together) and given back when the comment is refused.
///
/// Once it has committed, subscribers are told of the comment and of the paper's new count, and
/// those it concerns of their notifications.
pub async fn add(
    services: &Services,
    caller: &Caller,
    paper: PaperId,
    body: Body,
    parent: Option<CommentId>,
) -> Result<comment::Model, AppError> {
    let author = caller.signed_in()?;
    let slot = services
        .throttles
        .comments_per_user
        .reserve(&author.id.to_string())
        .await?;
    let row = match insert(&services.db, author, paper, body, parent).await {
        Ok(row) => row,
        Err(err) => {
            slot.release().await;
            return Err(err);
        }
    };
    let (paper, comment) = (row.paper_id, row.id);
    let events = [
        Event::CommentAdded { paper, comment },
        Event::PaperUpdated { paper },
    ];
    services.publish(&events).await;
    let kinds = [Kind::CommentReply, Kind::PaperComment];
    notifications::announce(services, &kinds, Some(comment), None).await;
    Ok(row)
}

async fn insert(
    db: &DatabaseConnection,
    author: &user::Model,
    paper_id: PaperId,
    body: Body,
    parent_id: Option<CommentId>,
) -> Result<comment::Model, AppError> {
    let paper = paper::Entity::find_by_id(paper_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such paper".into()))?;
    let depth = match parent_id {
        None => 0,
        Some(parent_id) => {
            let parent = comment::Entity::find_by_id(parent_id).one(db).await?;
            match parent {
                Some(p) if p.paper_id != paper_id => {
                    return Err(AppError::bad_input(
                        "parentId",
                        "the parent comment is on another paper",
                    ));
                }
                Some(p) if p.deleted_at.is_some() || p.hidden_at.is_some() => {
                    return Err(AppError::bad_input(
                        "parentId",
                        "the parent comment was removed",
                    ));
                }
                Some(p) if p.depth + 1 > MAX_DEPTH => {
                    return Err(AppError::bad_input(
                        "parentId",
                        format!("replies nest at most {MAX_DEPTH} deep"),
                    ));
                }
                Some(p) => p.depth + 1,
                None => return Err(AppError::bad_input("parentId", "no such comment")),
            }
        }
    };
    let txn = db::begin_write(db).await?;
    let row = comment::ActiveModel {
        paper_id: Set(paper_id),
        user_id: Set(Some(author.id)),
        parent_id: Set(parent_id),
        depth: Set(depth),
        body_html: Set(Some(markdown::to_safe_html(body.as_str()))),
        body: Set(body.into()),
        created_at: Set(crate::services::now()),
        edited_at: Set(None),
        deleted_at: Set(None),
        hidden_at: Set(None),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        upvote_count: Set(0),
        reply_count: Set(0),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    paper::Entity::update_many()
        .col_expr(
            paper::Column::CommentCount,
            Expr::col(paper::Column::CommentCount).add(1),
        )
        .filter(paper::Column::Id.eq(paper_id))
        .exec(&txn)
        .await?;
    if let Some(parent_id) = parent_id {
        comment::Entity::update_many()
            .col_expr(
                comment::Column::ReplyCount,
                Expr::col(comment::Column::ReplyCount).add(1),
            )
            .filter(comment::Column::Id.eq(parent_id))
            .exec(&txn)
            .await?;
    }
    // Who the comment concerns hears of it: in the inbox and through their webhooks.
    let audience = notifications::comment_audience(&txn, &row, &paper).await?;
    let notices: Vec<Notice> = audience
        .iter()
        .map(|&(user, kind)| Notice {
            user,
            kind,
            actor: Some(author.id),
            paper: Some(paper_id),
            comment: Some(row.id),
            claim: None,
        })
        .collect();
    notifications::write(&txn, &notices).await?;
    let users: Vec<_> = audience.iter().map(|(user, _)| *user).collect();
    crate::services::webhooks::outbox::comment_added(&txn, &row, &paper, author, &users).await?;
    txn.commit().await?;
    Ok(row)
}

/// A comment the user wrote and that still stands; `FORBIDDEN` for another's comment.
async fn own_comment(
    db: &DatabaseConnection,
    user: &user::Model,
    id: CommentId,
) -> Result<comment::Model, AppError> {
    let row = comment::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
    if row.user_id != Some(user.id) {
        return Err(AppError::Forbidden(
            "only its author may change a comment".into(),
        ));
    }
    Ok(row)
}

/// Replaces the body of the user's own comment. The update is conditional on the comment still
/// standing, so an edit racing a delete can never write text into the tombstone.
pub async fn edit(
    db: &DatabaseConnection,
    caller: &Caller,
    comment: CommentId,
    body: Body,
) -> Result<comment::Model, AppError> {
    let user = caller.signed_in()?;
    own_comment(db, user, comment).await?;
    let edited = comment::Entity::update_many()
        .col_expr(
            comment::Column::BodyHtml,
            Expr::value(markdown::to_safe_html(body.as_str())),
        )
        .col_expr(comment::Column::Body, Expr::value(String::from(body)))
        .col_expr(
            comment::Column::EditedAt,
            Expr::value(crate::services::now()),
        )
        .filter(comment::Column::Id.eq(comment))
        .filter(comment::Column::UserId.eq(user.id))
        .filter(comment::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if edited.rows_affected == 0 {
        return Err(AppError::NotFound("no such comment".into()));
    }
    comment::Entity::find_by_id(comment)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such comment".into()))
}

/// Deletes the user's comment: its body goes, the row stays as a tombstone holding its replies.
pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    comment: CommentId,
) -> Result<comment::Model, AppError> {
    let user = caller.signed_in()?;
    let row = own_comment(db, user, comment).await?;
    let txn = db::begin_write(db).await?;
    // Conditional, so that two concurrent deletes move the counter once.
    let deleted = comment::Entity::update_many()
        .col_expr(
            comment::Column::DeletedAt,
            Expr::value(crate::services::now()),
        )
        .col_expr(comment::Column::Body, Expr::value(""))
        .col_expr(comment::Column::BodyHtml, Expr::value(""))
        .filter(comment::Column::Id.eq(comment))
        .filter(comment::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 1 {
        paper::Entity::update_many()
            .col_expr(
                paper::Column::CommentCount,
                Expr::col(paper::Column::CommentCount).sub(1),
            )
            .filter(paper::Column::Id.eq(row.paper_id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    comment::Entity::find_by_id(comment)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such comment".into()))
}

/// Renders the bodies of comments stored before `body_html` existed, a batch at a time; returns
/// how many it rendered. An edit meanwhile wins: a row is only filled while it still holds the
/// body that was rendered.
pub async fn render_missing(db: &DatabaseConnection) -> Result<usize, AppError> {
    let mut rendered = 0;
    loop {
        let rows: Vec<(CommentId, String)> = comment::Entity::find()
            .select_only()
            .columns([comment::Column::Id, comment::Column::Body])
            .filter(comment::Column::BodyHtml.is_null())
            .order_by_asc(comment::Column::Id)
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(rendered);
        }
        let txn = db::begin_write(db).await?;
        for (id, body) in &rows {
            comment::Entity::update_many()
                .col_expr(
                    comment::Column::BodyHtml,
                    Expr::value(markdown::to_safe_html(body)),
                )
                .filter(comment::Column::Id.eq(*id))
                .filter(comment::Column::Body.eq(body.as_str()))
                .filter(comment::Column::BodyHtml.is_null())
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        rendered += rows.len();
    }
}
