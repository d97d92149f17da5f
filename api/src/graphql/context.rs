//! What resolvers read from the context: the shared state and the request's own data.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Caller;
use crate::graphql::loaders::Loaders;
use crate::ids::{ClaimId, CommentId, UserId};
use crate::services::events::Event;
use crate::state::AppState;

/// Per-request data, attached by the HTTP handler to each GraphQL request.
pub struct RequestData {
    pub caller: Caller,
    pub loaders: Loaders,
}

pub fn state<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

pub fn db(ctx: &Context<'_>) -> async_graphql::Result<DatabaseConnection> {
    Ok(state(ctx)?.db.clone())
}

pub fn request<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a RequestData> {
    ctx.data::<RequestData>()
}

pub fn loaders<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Loaders> {
    Ok(&request(ctx)?.loaders)
}

/// Who is calling: resolvers pass it to the services, which decide what the call may do.
pub fn caller<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Caller> {
    Ok(&request(ctx)?.caller)
}

/// Publishes live events of work that has committed (a mutation's service has returned).
pub async fn publish(ctx: &Context<'_>, events: &[Event]) -> async_graphql::Result<()> {
    state(ctx)?.events.publish(events).await;
    Ok(())
}

/// Announces live the notifications an action has just written (of these kinds, about this
/// comment or claim). A failure to read them back is logged: the action itself succeeded.
pub async fn publish_notifications(
    ctx: &Context<'_>,
    kinds: &[crate::services::notifications::Kind],
    comment: Option<CommentId>,
    claim: Option<ClaimId>,
) -> async_graphql::Result<()> {
    let state = state(ctx)?;
    match crate::services::notifications::written_for(&state.db, kinds, comment, claim).await {
        Ok(rows) => {
            let events: Vec<Event> = rows
                .iter()
                .map(|n| Event::NotificationAdded {
                    notification: n.id,
                    user: n.user_id,
                })
                .collect();
            state.events.publish(&events).await;
        }
        Err(err) => tracing::warn!(error = %err, "cannot announce new notifications"),
    }
    Ok(())
}

pub fn viewer_id(ctx: &Context<'_>) -> async_graphql::Result<Option<UserId>> {
    Ok(caller(ctx)?.user_id())
}
