//! Authorship claims: the `AuthorshipClaim` type, filing a claim and deciding one.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::authorship_claim;
use entity::authorship_claim::ClaimStatus as Stored;

use crate::error::{AppError, GqlResult};
use crate::graphql::accounts::User;
use crate::graphql::args::id_arg;
use crate::graphql::context::{caller, db, loaders, services};
use crate::graphql::papers::Paper;
use crate::graphql::papers::author::Author;
use crate::ids::Global;
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
        ID(self.0.id.global())
    }

    /// Where the claim stands.
    async fn status(&self) -> ClaimStatus {
        match self.0.status {
            Stored::Pending => ClaimStatus::Pending,
            Stored::Approved => ClaimStatus::Approved,
            Stored::Rejected => ClaimStatus::Rejected,
        }
    }

    /// The paper the claim was made on.
    async fn paper(&self, ctx: &Context<'_>) -> async_graphql::Result<Paper> {
        Ok(Paper::from(loaders(ctx)?.paper(self.0.paper_id).await?))
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
            .map(User::from)
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

/// A claim to be one of a paper's authors.
#[derive(InputObject)]
pub struct ClaimAuthorshipInput {
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// The author's position in the paper's list, from 0.
    position: i32,
    /// A note for the moderators (how to verify), at most 1,000 characters.
    note: Option<String>,
}

#[derive(Default)]
pub struct ClaimMutation;

/// Authorship claims and their decisions.
#[Object]
impl ClaimMutation {
    /// Claims to be the author at a position of a paper; a moderator decides.
    async fn claim_authorship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The paper, the position and a note.")] input: ClaimAuthorshipInput,
    ) -> async_graphql::Result<AuthorshipClaim> {
        let paper = id_arg(&input.paper_id, "paperId")?;
        let note = claims::Note::parse_optional(input.note, "note").gql()?;
        let row = claims::claim(&db(ctx)?, caller(ctx)?, paper, input.position, note)
            .await
            .gql()?;
        Ok(AuthorshipClaim(row))
    }

    /// Approves or rejects a pending claim (moderators). Approval links the author identity to
    /// the claimant, whose `authoredPapers` then list the paper.
    async fn decide_authorship_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `AuthorshipClaim` ID.")] id: ID,
        #[graphql(desc = "True to approve, false to reject.")] approve: bool,
    ) -> async_graphql::Result<AuthorshipClaim> {
        let id = id_arg(&id, "id")?;
        let row = claims::decide(services(ctx)?, caller(ctx)?, id, approve).await;
        Ok(AuthorshipClaim(row.gql()?))
    }
}
