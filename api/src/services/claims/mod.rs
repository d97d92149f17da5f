//! Authorship claims: a user claims to be the author at one position of a paper; a moderator
//! approves (the author identity is linked to the user) or rejects. A rejected claim may be
//! filed again; a second pending claim on the same author is `CONFLICT` (a partial unique index
//! backs the check).

use entity::authorship_claim::ClaimStatus;
use entity::{author, authorship_claim, paper_author};
use sea_orm::ActiveEnum;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{ClaimId, PaperId};
use crate::services::Services;
use crate::services::input::Text;
use crate::services::moderation;
use crate::services::notifications::{self, Kind, Notice, followed};

pub const MAX_NOTE_CHARS: usize = 1_000;
/// The claimant's note to the moderators.
pub type Note = Text<MAX_NOTE_CHARS>;

pub async fn claim(
    db: &DatabaseConnection,
    caller: &Caller,
    paper: PaperId,
    position: i32,
    note: Option<Note>,
) -> Result<authorship_claim::Model, AppError> {
    let user = caller.signed_in()?;
    let link = paper_author::Entity::find_by_id((paper, position))
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
        .filter(authorship_claim::Column::Status.eq(ClaimStatus::Pending))
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
        paper_id: Set(paper),
        position: Set(position),
        note: Set(note.map(String::from)),
        status: Set(ClaimStatus::Pending),
        created_at: Set(crate::services::now()),
        decided_at: Set(None),
        decided_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Decides a pending claim. The decision is one conditional update of a claim that is still
/// pending, so of two moderators deciding at once exactly one succeeds and the other gets
/// `CONFLICT`; an approval links the author identity in the same transaction, and only if no
/// one has claimed it meanwhile.
///
/// Once it has committed, the claimant's notification is announced live.
pub async fn decide(
    services: &Services,
    caller: &Caller,
    claim: ClaimId,
    approve: bool,
) -> Result<authorship_claim::Model, AppError> {
    let (db, moderator) = (&services.db, caller.moderator("decide claims")?);
    let status = if approve {
        ClaimStatus::Approved
    } else {
        ClaimStatus::Rejected
    };
    let started = crate::services::now();
    let row = db::retrying(|| async {
        let txn = db::begin_write(db).await?;
        let decided = authorship_claim::Entity::update_many()
            .col_expr(authorship_claim::Column::Status, Expr::value(status))
            .col_expr(
                authorship_claim::Column::DecidedAt,
                Expr::value(crate::services::now()),
            )
            .col_expr(
                authorship_claim::Column::DecidedBy,
                Expr::value(moderator.id),
            )
            .filter(authorship_claim::Column::Id.eq(claim))
            .filter(authorship_claim::Column::Status.eq(ClaimStatus::Pending))
            .exec(&txn)
            .await?;
        let claim = authorship_claim::Entity::find_by_id(claim)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound("no such claim".into()))?;
        if decided.rows_affected == 0 {
            return Err(AppError::Conflict(format!(
                "the claim was {} already",
                claim.status.to_value()
            )));
        }
        if approve {
            let linked = author::Entity::update_many()
                .col_expr(author::Column::UserId, Expr::value(claim.user_id))
                .filter(author::Column::Id.eq(claim.author_id))
                .filter(author::Column::UserId.is_null())
                .exec(&txn)
                .await?;
            if linked.rows_affected == 0 {
                return Err(AppError::Conflict(
                    "the author is linked to a user already".into(),
                ));
            }
            // The paper is now the claimant's: their followers hear of it.
            followed::claimed(&txn, claim.paper_id, claim.user_id, started).await?;
        }
        notifications::write(
            &txn,
            &[Notice {
                user: claim.user_id,
                kind: Kind::ClaimDecided,
                actor: Some(moderator.id),
                paper: Some(claim.paper_id),
                comment: None,
                claim: Some(claim.id),
            }],
        )
        .await?;
        crate::services::webhooks::outbox::claim_decided(&txn, &claim).await?;
        let action = if approve {
            moderation::Action::ApproveClaim
        } else {
            moderation::Action::RejectClaim
        };
        moderation::log(&txn, moderator.id, action, claim.id, None).await?;
        txn.commit().await?;
        Ok(claim)
    })
    .await?;
    let decided = [Kind::ClaimDecided];
    notifications::announce(services, &decided, None, Some(row.id)).await;
    if approve {
        followed::announce(services, row.paper_id, started).await;
    }
    Ok(row)
}

/// Claims by id, for loaders.
pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[ClaimId],
) -> Result<std::collections::HashMap<ClaimId, authorship_claim::Model>, AppError> {
    Ok(authorship_claim::Entity::find()
        .filter(authorship_claim::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}
