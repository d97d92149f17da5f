//! `GET /api/me/export`: everything stored about a user, as one JSON document (GDPR's right
//! to portability). Secrets never appear (password hash, token hashes, webhook secrets), nor
//! anything of anyone else's beyond what points at it (a paper's arXiv id, a comment's id).

use entity::{
    api_token, authorship_claim, collection, collection_item, collection_upvote, comment,
    comment_upvote, digest_subscription, follow, notification, paper, paper_upvote, user, webhook,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::error::AppError;
use crate::ids::{Global, PaperId};
use crate::services::follows::Target;

/// The user's data.
pub async fn export(db: &DatabaseConnection, user: &user::Model) -> Result<Value, AppError> {
    let id = user.id;
    let arxiv_ids = |ids: Vec<PaperId>| async move {
        Ok::<_, AppError>(
            paper::Entity::find()
                .filter(paper::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p.arxiv_id))
                .collect::<std::collections::HashMap<_, _>>(),
        )
    };
    let comments = comment::Entity::find()
        .filter(comment::Column::UserId.eq(id))
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await?;
    let paper_votes = paper_upvote::Entity::find()
        .filter(paper_upvote::Column::UserId.eq(id))
        .all(db)
        .await?;
    let collections = collection::Entity::find()
        .filter(collection::Column::OwnerId.eq(id))
        .order_by_asc(collection::Column::Id)
        .all(db)
        .await?;
    let items = collection_item::Entity::find()
        .filter(collection_item::Column::CollectionId.is_in(collections.iter().map(|c| c.id)))
        .all(db)
        .await?;
    let claims = authorship_claim::Entity::find()
        .filter(authorship_claim::Column::UserId.eq(id))
        .all(db)
        .await?;
    let mut paper_ids: Vec<_> = comments.iter().map(|c| c.paper_id).collect();
    paper_ids.extend(paper_votes.iter().map(|v| v.paper_id));
    paper_ids.extend(items.iter().map(|i| i.paper_id));
    paper_ids.extend(claims.iter().map(|c| c.paper_id));
    paper_ids.sort_unstable();
    paper_ids.dedup();
    let arxiv = arxiv_ids(paper_ids).await?;
    let arxiv_of = |paper: PaperId| arxiv.get(&paper).cloned();
    let comment_votes = comment_upvote::Entity::find()
        .filter(comment_upvote::Column::UserId.eq(id))
        .all(db)
        .await?;
    let collection_votes = collection_upvote::Entity::find()
        .filter(collection_upvote::Column::UserId.eq(id))
        .all(db)
        .await?;
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(id))
        .all(db)
        .await?;
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(id))
        .all(db)
        .await?;
    let digests = digest_subscription::Entity::find()
        .filter(digest_subscription::Column::UserId.eq(id))
        .all(db)
        .await?;
    let follows = follow::Entity::find()
        .filter(follow::Column::UserId.eq(id))
        .order_by_asc(follow::Column::Id)
        .all(db)
        .await?;
    let notifications = notification::Entity::find()
        .filter(notification::Column::UserId.eq(id))
        .order_by_desc(notification::Column::Id)
        .all(db)
        .await?;
    Ok(json!({
        "exportedAt": crate::services::now(),
        "profile": {
            "id": id.global(),
            "username": user.username,
            "email": user.email,
            "displayName": user.display_name,
            "bio": user.bio,
            "avatarUrl": user.avatar_url,
            "role": sea_orm::ActiveEnum::to_value(&user.role),
            "createdAt": user.created_at,
        },
        "comments": comments.iter().map(|c| json!({
            "id": c.id.global(),
            "paper": arxiv_of(c.paper_id),
            "parentId": c.parent_id.map(|p| p.global()),
            "body": c.body,
            "createdAt": c.created_at,
            "editedAt": c.edited_at,
            "deletedAt": c.deleted_at,
            "hiddenAt": c.hidden_at,
            "hiddenReason": c.hidden_reason,
        })).collect::<Vec<_>>(),
        "votes": {
            "papers": paper_votes.iter().map(|v| json!({ "paper": arxiv_of(v.paper_id), "at": v.created_at })).collect::<Vec<_>>(),
            "comments": comment_votes.iter().map(|v| json!({ "comment": v.comment_id.global(), "at": v.created_at })).collect::<Vec<_>>(),
            "collections": collection_votes.iter().map(|v| json!({ "collection": v.collection_id.global(), "at": v.created_at })).collect::<Vec<_>>(),
        },
        "collections": collections.iter().map(|c| json!({
            "id": c.id.global(),
            "slug": c.slug,
            "title": c.title,
            "description": c.description,
            "isPrivate": c.is_private,
            "createdAt": c.created_at,
            "items": items.iter().filter(|i| i.collection_id == c.id).map(|i| json!({
                "paper": arxiv_of(i.paper_id),
                "position": i.position,
                "note": i.note,
                "addedAt": i.added_at,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "follows": follows.iter().filter_map(|f| {
            let (kind, target) = match Target::of(f)? {
                Target::User(t) => ("USER", t.global()),
                Target::Author(t) => ("AUTHOR", t.global()),
                Target::Collection(t) => ("COLLECTION", t.global()),
                Target::Topic(t) => ("TOPIC", t.global()),
            };
            Some(json!({ "kind": kind, "target": target, "at": f.created_at }))
        }).collect::<Vec<_>>(),
        "claims": claims.iter().map(|c| json!({
            "id": c.id.global(),
            "paper": arxiv_of(c.paper_id),
            "position": c.position,
            "status": sea_orm::ActiveEnum::to_value(&c.status),
            "note": c.note,
            "createdAt": c.created_at,
            "decidedAt": c.decided_at,
        })).collect::<Vec<_>>(),
        "apiTokens": tokens.iter().map(|t| json!({
            "name": t.name,
            "scopes": t.scopes.split(',').collect::<Vec<_>>(),
            "createdAt": t.created_at,
            "lastUsedAt": t.last_used_at,
            "revokedAt": t.revoked_at,
        })).collect::<Vec<_>>(),
        "webhooks": hooks.iter().map(|w| json!({
            "url": w.url,
            "events": w.events.split(',').collect::<Vec<_>>(),
            "description": w.description,
            "isActive": w.is_active,
            "createdAt": w.created_at,
        })).collect::<Vec<_>>(),
        "digestSubscriptions": digests.iter().map(|d| json!({
            "email": d.email,
            "frequency": d.frequency,
            "kind": d.kind,
            "confirmed": d.confirmed_at.is_some(),
            "createdAt": d.created_at,
        })).collect::<Vec<_>>(),
        "notifications": notifications.iter().map(|n| json!({
            "kind": n.kind,
            "createdAt": n.created_at,
            "readAt": n.read_at,
            "paper": n.paper_id.and_then(|p| arxiv.get(&p).cloned()),
            "comment": n.comment_id.map(|c| c.global()),
        })).collect::<Vec<_>>(),
    }))
}
