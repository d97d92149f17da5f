//! Reports of comments: filing one, and resolving one by hiding the comment or dismissing it.

use entity::{comment, comment_report};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{Action, Details, Reason, ReportReason, ReportStatus, hide_in, log};
use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{CommentId, ReportId};
use crate::services::Services;
use crate::services::notifications::{self, Kind};

/// Reports a comment (signed-in users; not one's own, not a removed one). One open report per
/// user and comment: a second is `CONFLICT`. Throttled per user.
pub async fn report(
    services: &Services,
    caller: &Caller,
    comment: CommentId,
    reason: ReportReason,
    details: Option<Details>,
) -> Result<comment_report::Model, AppError> {
    let (db, throttles) = (&services.db, &services.throttles);
    let reporter = caller.signed_in()?;
    let row = comment::Entity::find_by_id(comment)
        .one(db)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
    if row.user_id == Some(reporter.id) {
        return Err(AppError::bad_input(
            "commentId",
            "you cannot report your own comment",
        ));
    }
    let slot = throttles
        .reports_per_user
        .reserve(&reporter.id.to_string())
        .await?;
    let inserted = comment_report::ActiveModel {
        comment_id: Set(row.id),
        reporter_id: Set(Some(reporter.id)),
        reason: Set(reason.as_str().to_owned()),
        details: Set(details.map(String::from)),
        status: Set(ReportStatus::Open.as_str().to_owned()),
        created_at: Set(crate::services::now()),
        resolved_by: Set(None),
        resolved_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(report) => Ok(report),
        Err(err) => {
            slot.release().await;
            Err(err.into())
        }
    }
}

/// Resolves an open report (moderators): `hide` hides the comment (resolving every open report
/// on it), else the report is dismissed. A report resolved already is `CONFLICT`.
pub async fn resolve(
    services: &Services,
    caller: &Caller,
    report: ReportId,
    hide: bool,
    reason: Option<Reason>,
) -> Result<comment_report::Model, AppError> {
    let (db, moderator) = (&services.db, caller.moderator("resolve reports")?);
    let txn = db::begin_write(db).await?;
    let row = comment_report::Entity::find_by_id(report)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such report".into()))?;
    if row.status != ReportStatus::Open.as_str() {
        return Err(AppError::Conflict("the report is resolved already".into()));
    }
    if hide {
        let target = comment::Entity::find_by_id(row.comment_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound("no such comment".into()))?;
        let reason = match reason {
            Some(reason) => reason,
            None => Reason::parse(&format!("reported as {}", row.reason), "reason")?,
        };
        hide_in(&txn, moderator.id, target, reason).await?;
    } else {
        let dismissed = comment_report::Entity::update_many()
            .col_expr(
                comment_report::Column::Status,
                Expr::value(ReportStatus::Dismissed.as_str()),
            )
            .col_expr(
                comment_report::Column::ResolvedBy,
                Expr::value(moderator.id),
            )
            .col_expr(
                comment_report::Column::ResolvedAt,
                Expr::value(crate::services::now()),
            )
            .filter(comment_report::Column::Id.eq(row.id))
            .filter(comment_report::Column::Status.eq(ReportStatus::Open.as_str()))
            .exec(&txn)
            .await?;
        if dismissed.rows_affected == 0 {
            return Err(AppError::Conflict("the report is resolved already".into()));
        }
        log(
            &txn,
            moderator.id,
            Action::DismissReport,
            row.id,
            reason.map(String::from),
        )
        .await?;
    }
    let resolved = comment_report::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such report".into()))?;
    txn.commit().await?;
    if hide {
        let hidden = [Kind::CommentHidden];
        notifications::announce(services, &hidden, Some(resolved.comment_id), None).await;
    }
    Ok(resolved)
}
