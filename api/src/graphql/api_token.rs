//! The `ApiToken` type: a token for integrations, without its secret.

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_token;

use crate::graphql::ids::{self, NodeType};
use crate::services::tokens::{self, Scope};

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
        ids::encode(NodeType::ApiToken, self.0.id)
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
