//! API tokens for integrations: the `ApiToken` type (without its secret), making and revoking
//! tokens.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_token;

use crate::auth::Scope;
use crate::error::GqlResult;
use crate::graphql::args::id_arg;
use crate::graphql::context::{caller, db};
use crate::ids::Global;
use crate::services::tokens::{self, TokenName};

/// What an API token may do.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ApiTokenScope")]
pub enum ApiTokenScopeArg {
    /// Queries only: any mutation is `FORBIDDEN`.
    Read,
    /// Queries and mutations, as the owner.
    Write,
}

impl From<ApiTokenScopeArg> for Scope {
    fn from(scope: ApiTokenScopeArg) -> Self {
        match scope {
            ApiTokenScopeArg::Read => Self::Read,
            ApiTokenScopeArg::Write => Self::Write,
        }
    }
}

pub struct ApiToken(pub api_token::Model);

/// A token for an integration (the secret itself is shown once, at creation).
#[Object]
impl ApiToken {
    /// The token's opaque ID, for `revokeApiToken`.
    async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The owner's name for it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it may do.
    async fn scopes(&self) -> Vec<ApiTokenScopeArg> {
        tokens::scopes_of(&self.0)
            .into_iter()
            .map(|s| match s {
                Scope::Read => ApiTokenScopeArg::Read,
                Scope::Write => ApiTokenScopeArg::Write,
            })
            .collect()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last used (to the minute); null when never.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
}

/// A new API token.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The secret, `papers_…`: shown this once, stored only as a hash.
    pub token: String,
    /// The token's description.
    pub api_token: ApiToken,
}

/// A new API token.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for, 1–100 characters.
    name: String,
    /// What it may do.
    scopes: Vec<ApiTokenScopeArg>,
}

#[derive(Default)]
pub struct TokenMutation;

/// API tokens for integrations.
#[Object]
impl TokenMutation {
    /// Creates an API token for an integration; the secret is in the answer only. Needs a
    /// session: an API token cannot make tokens.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's name and scopes.")] input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreateApiTokenPayload> {
        let scopes: Vec<_> = input.scopes.into_iter().map(Into::into).collect();
        let name = TokenName::parse(&input.name, "name").gql()?;
        let (token, row) = tokens::create(&db(ctx)?, caller(ctx)?, name, &scopes)
            .await
            .gql()?;
        Ok(CreateApiTokenPayload {
            token,
            api_token: ApiToken(row),
        })
    }

    /// Revokes one of the viewer's API tokens: it stops working at once.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `ApiToken` ID.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let id = id_arg(&id, "id")?;
        tokens::revoke(&db(ctx)?, caller(ctx)?, id).await.gql()
    }
}
