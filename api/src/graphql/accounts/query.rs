//! Account queries: a user by username.

use async_graphql::{Context, Object};

use crate::error::GqlResult;
use crate::graphql::accounts::User;
use crate::graphql::context::db;
use crate::services::accounts::users;

#[derive(Default)]
pub struct AccountQuery;

/// Users.
#[Object]
impl AccountQuery {
    /// A user by username, case-insensitively; null when unknown.
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The username.")] username: String,
    ) -> async_graphql::Result<Option<User>> {
        Ok(users::find_by_username(&db(ctx)?, &username)
            .await
            .gql()?
            .map(User::from))
    }
}
