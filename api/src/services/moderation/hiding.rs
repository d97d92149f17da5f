//! Hiding a comment (it reads as a tombstone to all but moderators and its author) and showing
//! it again, each logged in the transaction of the act.

use entity::{comment, comment_report};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::{Action, Reason, ReportStatus, log};
use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{CommentId, UserId};
use crate::services::Services;
use crate::services::notifications::{self, Kind, Notice};

/// Hides a comment (moderators only): it reads as a tombstone to everyone but moderators and
/// its author; its open reports are resolved, its author told, the act logged.
pub async fn hide(
    services: &Services,
    caller: &Caller,
    comment: CommentId,
    reason: Reason,
) -> Result<comment::Model, AppError> {
    let (db, moderator) = (&services.db, caller.moderator("hide comments")?);
    let row = comment::Entity::find_by_id(comment)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
    let txn = db::begin_write(db).await?;
    let hidden = hide_in(&txn, moderator.id, row, reason).await?;
    txn.commit().await?;
    notifications::announce(services, &[Kind::CommentHidden], Some(hidden.id), None).await;
    Ok(hidden)
}

/// Hides a comment in the caller's transaction: the comment reads as a tombstone to all but
/// moderators and its author, its open reports are resolved `HIDDEN`, its author is told (with
/// the reason) and the act is logged.
pub async fn hide_in<C: ConnectionTrait>(
    txn: &C,
    moderator: UserId,
    row: comment::Model,
    reason: Reason,
) -> Result<comment::Model, AppError> {
    let now = crate::services::now();
    let (author, paper, id) = (row.user_id, row.paper_id, row.id);
    let reason = String::from(reason);
    let mut hidden: comment::ActiveModel = row.into();
    hidden.hidden_at = Set(Some(now));
    hidden.hidden_reason = Set(Some(reason.clone()));
    hidden.hidden_by = Set(Some(moderator));
    let hidden = hidden.update(txn).await?;
    comment_report::Entity::update_many()
        .col_expr(
            comment_report::Column::Status,
            Expr::value(ReportStatus::Hidden.as_str()),
        )
        .col_expr(comment_report::Column::ResolvedBy, Expr::value(moderator))
        .col_expr(comment_report::Column::ResolvedAt, Expr::value(now))
        .filter(comment_report::Column::CommentId.eq(id))
        .filter(comment_report::Column::Status.eq(ReportStatus::Open.as_str()))
        .exec(txn)
        .await?;
    if let Some(author) = author {
        notifications::write(
            txn,
            &[Notice {
                user: author,
                kind: Kind::CommentHidden,
                actor: Some(moderator),
                paper: Some(paper),
                comment: Some(id),
                claim: None,
            }],
        )
        .await?;
    }
    log(txn, moderator, Action::HideComment, id, Some(reason)).await?;
    Ok(hidden)
}

/// Shows a hidden comment again (moderators), logged.
pub async fn unhide(
    db: &DatabaseConnection,
    caller: &Caller,
    comment: CommentId,
) -> Result<comment::Model, AppError> {
    let moderator = caller.moderator("unhide comments")?;
    let txn = db::begin_write(db).await?;
    let row = comment::Entity::find_by_id(comment)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
    if row.hidden_at.is_none() {
        return Err(AppError::Conflict("the comment is not hidden".into()));
    }
    let mut shown: comment::ActiveModel = row.into();
    shown.hidden_at = Set(None);
    shown.hidden_reason = Set(None);
    shown.hidden_by = Set(None);
    let shown = shown.update(&txn).await?;
    log(&txn, moderator.id, Action::UnhideComment, shown.id, None).await?;
    txn.commit().await?;
    Ok(shown)
}
