//! Authorship claims: a user claims to be the author at one position of a paper; a moderator
//! approves (the author identity is linked to the user) or rejects. A rejected claim may be
//! filed again; a second pending claim on the same author is `CONFLICT` (a partial unique index
//! backs the check).

use entity::{author, authorship_claim, paper_author, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::db;
use crate::error::AppError;
use crate::services::discussion::is_moderator;

pub const MAX_NOTE_CHARS: usize = 1_000;
pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";

pub async fn claim(
    db: &DatabaseConnection,
    user: &user::Model,
    paper_id: i64,
    position: i32,
    note: Option<String>,
) -> Result<authorship_claim::Model, AppError> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(AppError::bad_input(
            "note",
            format!("a note has at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let link = paper_author::Entity::find_by_id((paper_id, position))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::bad_input("position", "the paper lists no author at this position")
        })?;
    let txn = db::begin_write(db).await?;
    let author = author::Entity::find_by_id(link.author_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such author".into()))?;
    if author.user_id.is_some() {
        return Err(AppError::Conflict("this author is claimed already".into()));
    }
    let pending = authorship_claim::Entity::find()
        .filter(authorship_claim::Column::AuthorId.eq(author.id))
        .filter(authorship_claim::Column::Status.eq(PENDING))
        .one(&txn)
        .await?;
    if pending.is_some() {
        return Err(AppError::Conflict(
            "a claim on this author is pending".into(),
        ));
    }
    let row = authorship_claim::ActiveModel {
        user_id: Set(user.id),
        author_id: Set(author.id),
        paper_id: Set(paper_id),
        position: Set(position),
        note: Set(note),
        status: Set(PENDING.into()),
        created_at: Set(crate::services::now()),
        decided_at: Set(None),
        decided_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AppError::Conflict("a claim on this author is pending".into())
        }
        _ => e.into(),
    })?;
    txn.commit().await?;
    Ok(row)
}

pub async fn decide(
    db: &DatabaseConnection,
    moderator: &user::Model,
    id: i64,
    approve: bool,
) -> Result<authorship_claim::Model, AppError> {
    if !is_moderator(moderator) {
        return Err(AppError::Forbidden("only moderators decide claims".into()));
    }
    let txn = db::begin_write(db).await?;
    let claim = authorship_claim::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such claim".into()))?;
    if claim.status != PENDING {
        return Err(AppError::Conflict(format!(
            "the claim was {} already",
            claim.status
        )));
    }
    if approve {
        let author = author::Entity::find_by_id(claim.author_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound("no such author".into()))?;
        let mut linked: author::ActiveModel = author.into();
        linked.user_id = Set(Some(claim.user_id));
        linked.update(&txn).await?;
    }
    let mut decided: authorship_claim::ActiveModel = claim.into();
    decided.status = Set(if approve { APPROVED } else { REJECTED }.into());
    decided.decided_at = Set(Some(crate::services::now()));
    decided.decided_by = Set(Some(moderator.id));
    let row = decided.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}
