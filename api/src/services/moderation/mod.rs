//! Moderation: users report comments; moderators work the queue of open reports and of
//! pending claims, hide and unhide comments; every act of a moderator is logged
//! (`moderation_actions`) in the transaction of the act itself.

use entity::authorship_claim::ClaimStatus;
use entity::{authorship_claim, comment, comment_report, moderation_action};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::graphql::ids::{NodeType, encode};
use crate::ids::{CommentId, ReportId};
use crate::services::discussion::Reason;
use crate::services::input::Text;
use crate::services::notifications::{self, Kind, Notice};
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};
use crate::services::throttle::Throttles;

pub const MAX_DETAILS_CHARS: usize = 1_000;
/// What a reporter adds to the reason.
pub type Details = Text<MAX_DETAILS_CHARS>;

/// Why a comment is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportReason {
    Spam,
    Abuse,
    OffTopic,
    Other,
}

impl ReportReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "SPAM",
            Self::Abuse => "ABUSE",
            Self::OffTopic => "OFF_TOPIC",
            Self::Other => "OTHER",
        }
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    Open,
    /// Resolved by hiding the comment.
    Hidden,
    Dismissed,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::Hidden => "HIDDEN",
            Self::Dismissed => "DISMISSED",
        }
    }
}

/// What a moderator did, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    HideComment,
    UnhideComment,
    DismissReport,
    ApproveClaim,
    RejectClaim,
    SetRole,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HideComment => "hide_comment",
            Self::UnhideComment => "unhide_comment",
            Self::DismissReport => "dismiss_report",
            Self::ApproveClaim => "approve_claim",
            Self::RejectClaim => "reject_claim",
            Self::SetRole => "set_role",
        }
    }
}

/// Logs a moderator's act in the caller's transaction.
pub async fn log<C: ConnectionTrait>(
    txn: &C,
    moderator: i64,
    action: Action,
    target: (NodeType, i64),
    reason: Option<String>,
) -> Result<(), AppError> {
    moderation_action::ActiveModel {
        moderator_id: Set(moderator),
        action: Set(action.as_str().to_owned()),
        target_id: Set(encode(target.0, target.1).0),
        reason: Set(reason),
        created_at: Set(crate::services::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Reports a comment (signed-in users; not one's own, not a removed one). One open report per
/// user and comment: a second is `CONFLICT`. Throttled per user.
pub async fn report(
    db: &DatabaseConnection,
    throttles: &Throttles,
    caller: &Caller,
    comment: CommentId,
    reason: ReportReason,
    details: Option<Details>,
) -> Result<comment_report::Model, AppError> {
    let reporter = caller.signed_in()?;
    let row = comment::Entity::find_by_id(comment.0)
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

/// Hides a comment in the caller's transaction: the comment reads as a tombstone to all but
/// moderators and its author, its open reports are resolved `HIDDEN`, its author is told (with
/// the reason) and the act is logged.
pub async fn hide_in<C: ConnectionTrait>(
    txn: &C,
    moderator: i64,
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
    log(
        txn,
        moderator,
        Action::HideComment,
        (NodeType::Comment, id),
        Some(reason),
    )
    .await?;
    Ok(hidden)
}

/// Resolves an open report (moderators): `hide` hides the comment (resolving every open report
/// on it), else the report is dismissed. A report resolved already is `CONFLICT`.
pub async fn resolve(
    db: &DatabaseConnection,
    caller: &Caller,
    report: ReportId,
    hide: bool,
    reason: Option<Reason>,
) -> Result<comment_report::Model, AppError> {
    let moderator = caller.moderator("resolve reports")?;
    let txn = db::begin_write(db).await?;
    let row = comment_report::Entity::find_by_id(report.0)
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
            (NodeType::CommentReport, row.id),
            reason.map(String::from),
        )
        .await?;
    }
    let resolved = comment_report::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such report".into()))?;
    txn.commit().await?;
    Ok(resolved)
}

/// Shows a hidden comment again (moderators), logged.
pub async fn unhide(
    db: &DatabaseConnection,
    caller: &Caller,
    comment: CommentId,
) -> Result<comment::Model, AppError> {
    let moderator = caller.moderator("unhide comments")?;
    let txn = db::begin_write(db).await?;
    let row = comment::Entity::find_by_id(comment.0)
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
    log(
        &txn,
        moderator.id,
        Action::UnhideComment,
        (NodeType::Comment, shown.id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(shown)
}

fn oldest_first<C: sea_orm::ColumnTrait>(scope: &'static str, id: C) -> Keyset<C> {
    Keyset {
        scope,
        key: id,
        kind: KeyKind::None,
        tiebreak: id,
        descending: false,
    }
}

/// Reports of a status, oldest first (moderators).
pub async fn reports(
    db: &DatabaseConnection,
    caller: &Caller,
    status: ReportStatus,
    args: &PageArgs,
) -> Result<(Page<comment_report::Model>, u64), AppError> {
    caller.moderator("see reports")?;
    let keyset = oldest_first("reports", comment_report::Column::Id);
    let select =
        comment_report::Entity::find().filter(comment_report::Column::Status.eq(status.as_str()));
    let total = select.clone().count(db).await?;
    let rows = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, rows, |r| keyset.cursor(Key::None, r.id));
    Ok((page, total))
}

/// Pending authorship claims, oldest first (moderators).
pub async fn pending_claims(
    db: &DatabaseConnection,
    caller: &Caller,
    args: &PageArgs,
) -> Result<(Page<authorship_claim::Model>, u64), AppError> {
    caller.moderator("see pending claims")?;
    let keyset = oldest_first("pending_claims", authorship_claim::Column::Id);
    let select = authorship_claim::Entity::find()
        .filter(authorship_claim::Column::Status.eq(ClaimStatus::Pending));
    let total = select.clone().count(db).await?;
    let rows = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, rows, |r| keyset.cursor(Key::None, r.id));
    Ok((page, total))
}

/// The moderation log, newest first (moderators).
pub async fn actions(
    db: &DatabaseConnection,
    caller: &Caller,
    args: &PageArgs,
) -> Result<(Page<moderation_action::Model>, u64), AppError> {
    caller.moderator("see the moderation log")?;
    let keyset = Keyset {
        descending: true,
        ..oldest_first("moderation_log", moderation_action::Column::Id)
    };
    let select = moderation_action::Entity::find();
    let total = select.clone().count(db).await?;
    let rows = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, rows, |r| keyset.cursor(Key::None, r.id));
    Ok((page, total))
}

/// A user's own claims, newest first.
pub async fn claims_of(
    db: &DatabaseConnection,
    user: i64,
    args: &PageArgs,
) -> Result<(Page<authorship_claim::Model>, u64), AppError> {
    let keyset = Keyset {
        descending: true,
        ..oldest_first("claims_of_user", authorship_claim::Column::Id)
    };
    let select = authorship_claim::Entity::find().filter(authorship_claim::Column::UserId.eq(user));
    let total = select.clone().count(db).await?;
    let rows = keyset.apply(select, args)?.all(db).await?;
    let page = Page::from_rows(args, rows, |r| keyset.cursor(Key::None, r.id));
    Ok((page, total))
}

/// A report or a log entry by id, for moderators (`node`).
pub async fn report_by_id(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<comment_report::Model>, AppError> {
    Ok(comment_report::Entity::find_by_id(id).one(db).await?)
}

pub async fn action_by_id(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<moderation_action::Model>, AppError> {
    Ok(moderation_action::Entity::find_by_id(id).one(db).await?)
}
