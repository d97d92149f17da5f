//! The outbox: each event becomes one pending delivery per webhook that wants it, written with
//! the caller's transaction, so a change that rolls back leaves no delivery and a change that
//! commits has its deliveries whatever happens to the process next.
//!
//! A payload is `{"type", "timestamp", "data"}`, `data` holding the object as the API shows it
//! (global IDs, camelCase names), with long texts cut so that the body stays under
//! [`MAX_PAYLOAD_BYTES`]; a receiver wanting more asks the API by the ID.

use entity::{authorship_claim, comment, paper, user, webhook, webhook_delivery};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::error::AppError;
use crate::ids::{Global, UserId};
use crate::services::input::excerpt;
use crate::services::webhooks::EventType;

/// The largest payload, in bytes (the specification's advice for receivers).
pub const MAX_PAYLOAD_BYTES: usize = 20_000;

/// A paper entered the feed: every active webhook subscribed to `paper.submitted` hears of it.
pub async fn paper_submitted<C: ConnectionTrait>(
    txn: &C,
    paper: &paper::Model,
    authors: &[&str],
) -> Result<(), AppError> {
    let targets = subscribed(EventType::PaperSubmitted).all(txn).await?;
    if targets.is_empty() {
        return Ok(());
    }
    let payload = fit(EventType::PaperSubmitted, |budget| {
        json!({
            "id": paper.id.global(),
            "arxivId": paper.arxiv_id,
            "title": excerpt(&paper.title, budget / 2),
            "abstract": excerpt(&paper.r#abstract, budget),
            "authors": authors
                .iter()
                .take((budget / 100).max(3))
                .map(|name| json!({ "name": excerpt(name, 100) }))
                .collect::<Vec<_>>(),
            "authorCount": authors.len(),
            "publishedAt": paper.published_at,
            "submittedAt": paper.submitted_at,
            "submittedBy": paper.submitted_by.map(|id| json!({ "id": id.global() })),
            "url": format!("https://arxiv.org/abs/{}", paper.arxiv_id),
        })
    });
    enqueue(txn, &targets, EventType::PaperSubmitted, &payload).await
}

/// A comment was posted: the webhooks subscribed to `comment.added` of the people it concerns
/// (`notifications::comment_audience`: the paper's submitter, its authors who claimed it, the
/// parent comment's author; never the commenter) hear of it.
pub async fn comment_added<C: ConnectionTrait>(
    txn: &C,
    comment: &comment::Model,
    paper: &paper::Model,
    author: &user::Model,
    audience: &[UserId],
) -> Result<(), AppError> {
    if audience.is_empty() {
        return Ok(());
    }
    let targets = subscribed(EventType::CommentAdded)
        .filter(webhook::Column::UserId.is_in(audience.iter().copied()))
        .all(txn)
        .await?;
    if targets.is_empty() {
        return Ok(());
    }
    let payload = fit(EventType::CommentAdded, |budget| {
        json!({
            "id": comment.id.global(),
            "body": excerpt(&comment.body, budget),
            "createdAt": comment.created_at,
            "depth": comment.depth,
            "parent": comment.parent_id.map(|id| json!({ "id": id.global() })),
            "author": { "id": author.id.global(), "username": author.username },
            "paper": paper_brief(paper, budget),
        })
    });
    enqueue(txn, &targets, EventType::CommentAdded, &payload).await
}

/// A moderator decided a claim: the claimant's webhooks subscribed to `claim.decided` hear it.
pub async fn claim_decided<C: ConnectionTrait>(
    txn: &C,
    claim: &authorship_claim::Model,
) -> Result<(), AppError> {
    let targets = subscribed(EventType::ClaimDecided)
        .filter(webhook::Column::UserId.eq(claim.user_id))
        .all(txn)
        .await?;
    if targets.is_empty() {
        return Ok(());
    }
    let paper = paper::Entity::find_by_id(claim.paper_id).one(txn).await?;
    let status = match claim.status {
        authorship_claim::ClaimStatus::Approved => "APPROVED",
        authorship_claim::ClaimStatus::Rejected => "REJECTED",
        authorship_claim::ClaimStatus::Pending => "PENDING",
    };
    let payload = fit(EventType::ClaimDecided, |budget| {
        json!({
            "id": claim.id.global(),
            "status": status,
            "position": claim.position,
            "decidedAt": claim.decided_at,
            "author": { "id": claim.author_id.global() },
            "paper": paper.as_ref().map(|p| paper_brief(p, budget)),
        })
    });
    enqueue(txn, &targets, EventType::ClaimDecided, &payload).await
}

/// A test message to one webhook.
pub async fn ping<C: ConnectionTrait>(
    txn: &C,
    webhook: &webhook::Model,
) -> Result<webhook_delivery::Model, AppError> {
    let payload = fit(
        EventType::Ping,
        |_| json!({ "webhook": { "id": webhook.id.global() } }),
    );
    Ok(delivery(webhook, EventType::Ping, &payload)
        .insert(txn)
        .await?)
}

/// Active webhooks subscribed to an event.
fn subscribed(event: EventType) -> sea_orm::Select<webhook::Entity> {
    webhook::Entity::find()
        .filter(webhook::Column::IsActive.eq(true))
        .filter(webhook::Column::Events.like(like(event)))
}

/// The `LIKE` pattern of an event in the comma-separated list (no event name contains another).
fn like(event: EventType) -> String {
    format!("%{}%", event.as_str())
}

async fn enqueue<C: ConnectionTrait>(
    txn: &C,
    targets: &[webhook::Model],
    event: EventType,
    payload: &str,
) -> Result<(), AppError> {
    let rows: Vec<_> = targets
        .iter()
        .map(|target| delivery(target, event, payload))
        .collect();
    webhook_delivery::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn delivery(
    target: &webhook::Model,
    event: EventType,
    payload: &str,
) -> webhook_delivery::ActiveModel {
    let now = crate::services::now();
    webhook_delivery::ActiveModel {
        webhook_id: Set(target.id),
        message_id: Set(format!("msg_{}", uuid::Uuid::new_v4().simple())),
        event: Set(event.as_str().to_owned()),
        payload: Set(payload.to_owned()),
        status: Set(super::deliver::Status::Pending.as_str().to_owned()),
        attempts: Set(0),
        response_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
        next_attempt_at: Set(Some(now)),
        ..Default::default()
    }
}

/// A paper named inside another object's payload.
fn paper_brief(paper: &paper::Model, budget: usize) -> Value {
    json!({
        "id": paper.id.global(),
        "arxivId": paper.arxiv_id,
        "title": excerpt(&paper.title, budget / 2),
    })
}

/// The event's body with `data` built under the largest text budget that keeps it under
/// [`MAX_PAYLOAD_BYTES`].
fn fit(event: EventType, data: impl Fn(usize) -> Value) -> String {
    let timestamp = crate::services::now();
    let body = |budget| {
        json!({ "type": event.as_str(), "timestamp": timestamp, "data": data(budget) }).to_string()
    };
    for budget in [4_000, 1_000, 200] {
        let text = body(budget);
        if text.len() < MAX_PAYLOAD_BYTES {
            return text;
        }
    }
    body(20)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn payloads_stay_under_the_limit() {
        let long = "ü".repeat(20_000);
        let body = fit(
            EventType::CommentAdded,
            |budget| json!({ "body": excerpt(&long, budget), "title": excerpt(&long, budget) }),
        );
        assert!(body.len() < MAX_PAYLOAD_BYTES);
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["type"], "comment.added");
    }
}
