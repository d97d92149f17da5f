//! The notifications inbox: rows written in the transaction of the action they tell of (none for
//! work rolled back), read newest first by their owner alone, marked read by them.
//!
//! Who is told: a comment tells the parent comment's author (`COMMENT_REPLY`), the paper's
//! submitter and its authors who claimed it (`PAPER_COMMENT`), each person once (a reply wins
//! when several rules match); a decided claim tells the claimant; a hidden comment tells its
//! author; what arrives through a follow tells the followers (`followed`). Nobody is told of
//! their own action.

pub mod followed;

use std::collections::HashMap;

use entity::{author, comment, notification, paper, paper_author};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};

use crate::auth::Caller;
use crate::error::AppError;
use crate::ids::{ClaimId, CommentId, NotificationId, PaperId, UserId};
use crate::services::Services;
use crate::services::events::Event;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};

/// What a notification tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Someone replied to the user's comment.
    CommentReply,
    /// Someone commented on a paper the user submitted or authored.
    PaperComment,
    /// The user's authorship claim was approved or rejected.
    ClaimDecided,
    /// A moderator hid the user's comment.
    CommentHidden,
    /// A paper by an author the user follows arrived.
    FollowedAuthorPaper,
    /// A collection the user follows gained a paper.
    FollowedCollectionItem,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommentReply => "COMMENT_REPLY",
            Self::PaperComment => "PAPER_COMMENT",
            Self::ClaimDecided => "CLAIM_DECIDED",
            Self::CommentHidden => "COMMENT_HIDDEN",
            Self::FollowedAuthorPaper => "FOLLOWED_AUTHOR_PAPER",
            Self::FollowedCollectionItem => "FOLLOWED_COLLECTION_ITEM",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "COMMENT_REPLY" => Some(Self::CommentReply),
            "PAPER_COMMENT" => Some(Self::PaperComment),
            "CLAIM_DECIDED" => Some(Self::ClaimDecided),
            "COMMENT_HIDDEN" => Some(Self::CommentHidden),
            "FOLLOWED_AUTHOR_PAPER" => Some(Self::FollowedAuthorPaper),
            "FOLLOWED_COLLECTION_ITEM" => Some(Self::FollowedCollectionItem),
            _ => None,
        }
    }
}

/// One notification to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub user: UserId,
    pub kind: Kind,
    pub actor: Option<UserId>,
    pub paper: Option<PaperId>,
    pub comment: Option<CommentId>,
    pub claim: Option<ClaimId>,
}

/// Writes notifications in the caller's transaction, leaving out anyone told of their own act.
pub async fn write<C: ConnectionTrait>(txn: &C, notices: &[Notice]) -> Result<(), AppError> {
    let now = crate::services::now();
    let rows: Vec<notification::ActiveModel> = notices
        .iter()
        .filter(|n| n.actor != Some(n.user))
        .map(|n| notification::ActiveModel {
            user_id: Set(n.user),
            kind: Set(n.kind.as_str().to_owned()),
            actor_id: Set(n.actor),
            paper_id: Set(n.paper),
            comment_id: Set(n.comment),
            claim_id: Set(n.claim),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    notification::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Who a new comment concerns, each once, the commenter left out: the parent comment's author
/// (a reply), the paper's submitter and its authors who claimed it.
pub async fn comment_audience<C: ConnectionTrait>(
    txn: &C,
    comment: &comment::Model,
    paper: &paper::Model,
) -> Result<Vec<(UserId, Kind)>, AppError> {
    let mut audience: Vec<(UserId, Kind)> = Vec::new();
    if let Some(parent) = comment.parent_id {
        let parent_author = comment::Entity::find_by_id(parent)
            .select_only()
            .column(comment::Column::UserId)
            .into_tuple::<Option<UserId>>()
            .one(txn)
            .await?
            .flatten();
        if let Some(user) = parent_author {
            audience.push((user, Kind::CommentReply));
        }
    }
    let authors: Vec<Option<UserId>> = paper_author::Entity::find()
        .select_only()
        .column(author::Column::UserId)
        .join(JoinType::InnerJoin, paper_author::Relation::Author.def())
        .filter(paper_author::Column::PaperId.eq(paper.id))
        .filter(author::Column::UserId.is_not_null())
        .into_tuple()
        .all(txn)
        .await?;
    for user in paper
        .submitted_by
        .into_iter()
        .chain(authors.into_iter().flatten())
    {
        if !audience.iter().any(|(u, _)| *u == user) {
            audience.push((user, Kind::PaperComment));
        }
    }
    audience.retain(|(user, _)| Some(*user) != comment.user_id);
    Ok(audience)
}

fn keyset() -> Keyset<notification::Column> {
    Keyset {
        scope: "notifications",
        key: notification::Column::Id,
        kind: KeyKind::None,
        tiebreak: notification::Column::Id,
        descending: true,
    }
}

fn inbox(user: UserId, unread_only: bool) -> sea_orm::Select<notification::Entity> {
    let select = notification::Entity::find().filter(notification::Column::UserId.eq(user));
    if unread_only {
        select.filter(notification::Column::ReadAt.is_null())
    } else {
        select
    }
}

/// A page of the user's notifications, newest first (the caller has been checked to be them).
pub async fn page(
    db: &DatabaseConnection,
    user: UserId,
    unread_only: bool,
    args: &PageArgs,
) -> Result<Page<notification::Model>, AppError> {
    let keyset = keyset();
    let rows = keyset
        .apply(inbox(user, unread_only), args)?
        .all(db)
        .await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(Key::None, row.id)
    }))
}

/// How many notifications the user has (unread ones only, if asked).
pub async fn count(
    db: &DatabaseConnection,
    user: UserId,
    unread_only: bool,
) -> Result<u64, AppError> {
    Ok(inbox(user, unread_only).count(db).await?)
}

/// Marks the caller's notifications read: those of `ids`, or all with `all`. Another user's
/// ids change nothing. Returns how many changed (from unread to read).
pub async fn mark_read(
    db: &DatabaseConnection,
    caller: &Caller,
    ids: Option<Vec<NotificationId>>,
    all: bool,
) -> Result<u64, AppError> {
    let user = caller.signed_in()?;
    let mut update = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            Expr::value(crate::services::now()),
        )
        .filter(notification::Column::UserId.eq(user.id))
        .filter(notification::Column::ReadAt.is_null());
    match (ids, all) {
        (_, true) => {}
        (Some(ids), false) => update = update.filter(notification::Column::Id.is_in(ids)),
        (None, false) => {
            return Err(AppError::bad_input("ids", "give ids, or all: true"));
        }
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Notifications by id, for loaders.
pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[NotificationId],
) -> Result<HashMap<NotificationId, notification::Model>, AppError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect())
}

/// Announces live the notifications an action has just written (of these kinds, about this
/// comment or claim), once the action has committed. A failure to read them back is logged:
/// the action itself succeeded.
pub async fn announce(
    services: &Services,
    kinds: &[Kind],
    comment: Option<CommentId>,
    claim: Option<ClaimId>,
) {
    publish_added(
        services,
        written_for(&services.db, kinds, comment, claim).await,
    )
    .await;
}

/// Tells subscribers of notifications just written and read back; a failure to read them is
/// logged (the action that wrote them succeeded).
async fn publish_added(services: &Services, rows: Result<Vec<notification::Model>, AppError>) {
    match rows {
        Ok(rows) => {
            let events: Vec<Event> = rows
                .iter()
                .map(|n| Event::NotificationAdded {
                    notification: n.id,
                    user: n.user_id,
                })
                .collect();
            services.publish(&events).await;
        }
        Err(err) => tracing::warn!(error = %err, "cannot announce new notifications"),
    }
}

/// Announces live the notifications of these kinds about `paper` written at or after `since`
/// (by an action that has just committed).
pub async fn announce_paper(
    services: &Services,
    kinds: &[Kind],
    paper: PaperId,
    since: chrono::DateTime<chrono::Utc>,
) {
    let rows = notification::Entity::find()
        .filter(notification::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())))
        .filter(notification::Column::PaperId.eq(paper))
        .filter(notification::Column::CreatedAt.gte(since))
        .all(&services.db)
        .await;
    publish_added(services, rows.map_err(AppError::from)).await;
}

/// The notifications an action just wrote: those of a comment (or claim) of a kind, the newest
/// per recipient.
async fn written_for(
    db: &DatabaseConnection,
    kinds: &[Kind],
    comment: Option<CommentId>,
    claim: Option<ClaimId>,
) -> Result<Vec<notification::Model>, AppError> {
    let mut select = notification::Entity::find()
        .filter(notification::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())));
    if let Some(comment) = comment {
        select = select.filter(notification::Column::CommentId.eq(comment));
    }
    if let Some(claim) = claim {
        select = select.filter(notification::Column::ClaimId.eq(claim));
    }
    let rows = select
        .order_by_desc(notification::Column::Id)
        .all(db)
        .await?;
    let mut newest: Vec<notification::Model> = Vec::new();
    for row in rows {
        if !newest.iter().any(|n| n.user_id == row.user_id) {
            newest.push(row);
        }
    }
    Ok(newest)
}
