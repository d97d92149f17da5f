//! What moderators read: the open reports, the pending claims and the log; and a user's own
//! claims.

use entity::authorship_claim::ClaimStatus;
use entity::{authorship_claim, comment_report, moderation_action};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::ReportStatus;
use crate::auth::Caller;
use crate::error::AppError;
use crate::ids::{ActionId, ReportId, UserId};

use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};

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
    user: UserId,
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
    id: ReportId,
) -> Result<Option<comment_report::Model>, AppError> {
    Ok(comment_report::Entity::find_by_id(id).one(db).await?)
}

pub async fn action_by_id(
    db: &DatabaseConnection,
    id: ActionId,
) -> Result<Option<moderation_action::Model>, AppError> {
    Ok(moderation_action::Entity::find_by_id(id).one(db).await?)
}
