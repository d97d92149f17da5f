//! The `AuthorshipClaim` type.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::authorship_claim;

use crate::error::AppError;
use crate::graphql::author::Author;
use crate::graphql::context::loaders;
use crate::graphql::ids::{self, NodeType};
use crate::graphql::paper::Paper;
use crate::graphql::user::User;
use crate::services::claims;

/// Where a claim stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    /// Waiting for a moderator.
    Pending,
    /// Approved: the author identity is linked to the user.
    Approved,
    /// Rejected; the user may file a new claim.
    Rejected,
}

pub struct AuthorshipClaim(pub authorship_claim::Model);

/// A user's claim to be the author at one position of a paper.
#[Object]
impl AuthorshipClaim {
    /// The claim's opaque ID, for `decideAuthorshipClaim`.
    async fn id(&self) -> ID {
        ids::encode(NodeType::Claim, self.0.id)
    }

    /// Where the claim stands.
    async fn status(&self) -> ClaimStatus {
        match self.0.status.as_str() {
            claims::APPROVED => ClaimStatus::Approved,
            claims::REJECTED => ClaimStatus::Rejected,
            _ => ClaimStatus::Pending,
        }
    }

    /// The paper the claim was made on.
    async fn paper(&self, ctx: &Context<'_>) -> async_graphql::Result<Paper> {
        loaders(ctx)?
            .paper_by_id
            .load_one(self.0.paper_id)
            .await?
            .map(Paper)
            .ok_or_else(|| AppError::NotFound("no such paper".into()).into_gql())
    }

    /// The author identity claimed.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Author> {
        loaders(ctx)?
            .author_by_id
            .load_one(self.0.author_id)
            .await?
            .map(Author)
            .ok_or_else(|| AppError::NotFound("no such author".into()).into_gql())
    }

    /// The user who claims it.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        loaders(ctx)?
            .user_by_id
            .load_one(self.0.user_id)
            .await?
            .map(User)
            .ok_or_else(|| AppError::NotFound("no such user".into()).into_gql())
    }

    /// The claimant's note for the moderators.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// When the claim was filed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
