//! What resolvers read from the context: the shared state and the request's own data.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Caller;
use crate::graphql::loaders::Loaders;
use crate::ids::UserId;
use crate::services::Services;
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
    Ok(state(ctx)?.services.db.clone())
}

/// What the services share: writes take it, and publish their events through it.
pub fn services<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Services> {
    Ok(&state(ctx)?.services)
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

pub fn viewer_id(ctx: &Context<'_>) -> async_graphql::Result<Option<UserId>> {
    Ok(caller(ctx)?.user_id())
}
