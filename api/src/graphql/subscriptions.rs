//! Live updates: the `Subscription` root, served over the WebSocket at `/graphql/ws`.
//!
//! Each field follows the stream of events (`services::events`) for its object and loads the
//! object afresh for every event, as the subscriber may see it: `viewerHasUpvoted` is the
//! subscriber's own, another user's private collection is `NOT_FOUND` (and the subscription
//! ends, as a query would answer), hidden comments are never sent.

use async_graphql::{Context, ID, Subscription};
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use crate::error::AppError;
use crate::graphql::args::id_arg;
use crate::graphql::collections::Collection;
use crate::graphql::context::{RequestData, state, viewer_id};
use crate::graphql::discussion::Comment;
use crate::graphql::loaders::Loaders;
use crate::graphql::notifications::Notification;
use crate::graphql::papers::Paper;
use crate::ids::{CollectionId, PaperId};
use crate::services::collections;
use crate::services::events::{Event, EventFeed};

/// Every event from now on. A subscriber that fell behind the shared buffer skips the events
/// it missed and carries on from the oldest still kept.
fn events(ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = Event> + use<>> {
    let receiver = match ctx.data_opt::<EventFeed>().and_then(EventFeed::take) {
        Some(receiver) => receiver,
        None => state(ctx)?.services.events.subscribe(),
    };
    Ok(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => return Some((event, receiver)),
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    ))
}

/// The request's loaders, for as long as the subscription lives.
fn loaders<'ctx>(ctx: &Context<'ctx>) -> async_graphql::Result<&'ctx Loaders> {
    Ok(&ctx.data::<RequestData>()?.loaders)
}

fn not_found(what: &str) -> async_graphql::Error {
    AppError::NotFound(format!("no such {what}")).into_gql()
}

/// The paper as it is now; `None` once it is gone (or unreadable), which skips the event.
async fn current_paper(loaders: &Loaders, paper: PaperId) -> Option<Paper> {
    loaders
        .paper_by_id
        .load_one(paper)
        .await
        .ok()
        .flatten()
        .map(Paper::from)
}

/// `NOT_FOUND` unless the paper exists: a subscription to nothing is refused at once.
async fn require_paper(loaders: &Loaders, paper: PaperId) -> async_graphql::Result<()> {
    loaders
        .paper_by_id
        .load_one(paper)
        .await?
        .map(drop)
        .ok_or_else(|| not_found("paper"))
}

#[derive(Default)]
pub struct Subscription;

/// Live updates, over the WebSocket at `/graphql/ws` (protocol `graphql-transport-ws`).
#[Subscription]
impl Subscription {
    /// The paper, each time its fields, `upvoteCount` or `commentCount` change. An unknown
    /// paper is `NOT_FOUND`.
    async fn paper_updated<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(desc = "A `Paper` ID.")] id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Paper> + 'ctx> {
        let paper: PaperId = id_arg(&id, "id")?;
        let loaders = loaders(ctx)?;
        require_paper(loaders, paper).await?;
        Ok(events(ctx)?
            .filter(move |event| std::future::ready(*event == Event::PaperUpdated { paper }))
            .filter_map(move |_| current_paper(loaders, paper)))
    }

    /// Each new comment or reply on the paper; hidden comments are not sent. An unknown paper
    /// is `NOT_FOUND`.
    async fn comment_added<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Comment> + 'ctx> {
        let paper: PaperId = id_arg(&paper_id, "paperId")?;
        let loaders = loaders(ctx)?;
        require_paper(loaders, paper).await?;
        Ok(events(ctx)?.filter_map(move |event| async move {
            let Event::CommentAdded { paper: on, comment } = event else {
                return None;
            };
            if on != paper {
                return None;
            }
            let row = loaders
                .comment_by_id
                .load_one(comment)
                .await
                .ok()
                .flatten()?;
            (row.hidden_at.is_none() && row.deleted_at.is_none()).then_some(Comment(row))
        }))
    }

    /// Each paper entering the daily feed, by submission or import.
    async fn paper_submitted<'ctx>(
        &self,
        ctx: &Context<'ctx>,
    ) -> async_graphql::Result<impl Stream<Item = Paper> + 'ctx> {
        let loaders = loaders(ctx)?;
        Ok(events(ctx)?.filter_map(move |event| async move {
            let Event::PaperSubmitted { paper } = event else {
                return None;
            };
            current_paper(loaders, paper).await
        }))
    }

    /// Each notification reaching the viewer's inbox (signed-in users only).
    async fn notification_added<'ctx>(
        &self,
        ctx: &Context<'ctx>,
    ) -> async_graphql::Result<impl Stream<Item = Notification> + 'ctx> {
        let Some(viewer) = viewer_id(ctx)? else {
            return Err(AppError::Unauthenticated.into_gql());
        };
        let loaders = loaders(ctx)?;
        Ok(events(ctx)?.filter_map(move |event| async move {
            let Event::NotificationAdded { notification, user } = event else {
                return None;
            };
            if user != viewer {
                return None;
            }
            loaders
                .notification_by_id
                .load_one(notification)
                .await
                .ok()
                .flatten()
                .filter(|n| n.user_id == viewer)
                .map(Notification)
        }))
    }

    /// The collection, each time its fields, items or `upvoteCount` change. Another user's
    /// private collection is `NOT_FOUND`; one made private later stops streaming to others.
    async fn collection_updated<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(desc = "A `Collection` ID.")] id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Collection> + 'ctx> {
        let collection: CollectionId = id_arg(&id, "id")?;
        let viewer = viewer_id(ctx)?;
        let loaders = loaders(ctx)?;
        loaders
            .collection_by_id
            .load_one(collection)
            .await?
            .filter(|row| collections::is_visible(row, viewer))
            .ok_or_else(|| not_found("collection"))?;
        Ok(events(ctx)?
            .filter(move |event| {
                std::future::ready(*event == Event::CollectionUpdated { collection })
            })
            .filter_map(move |_| async move {
                let row = loaders
                    .collection_by_id
                    .load_one(collection)
                    .await
                    .ok()
                    .flatten()?;
                collections::is_visible(&row, viewer).then_some(Collection(row))
            }))
    }
}
