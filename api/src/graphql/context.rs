//! What resolvers read from the context: the shared state and the request's own data.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Caller;
use crate::graphql::loaders::Loaders;
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

pub fn viewer_id(ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
    Ok(caller(ctx)?.user_id())
}
