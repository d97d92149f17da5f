//! The `User` type: an account and its public profile.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::user;

use crate::error::GqlResult;
use crate::graphql::api_token::ApiToken;
use crate::graphql::args;
use crate::graphql::collection::{CollectionConnection, collection_connection};
use crate::graphql::comment::{Comment, CommentConnection};
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{db, is_self};
use crate::graphql::ids::{self, NodeType};
use crate::graphql::paper::{Paper, PaperConnection, paper_connection};
use crate::services::collections::{CollectionFilter, CollectionOrder};
use crate::services::papers::{PaperFilter, PaperOrder};
use crate::services::{comments, users};

pub struct User(pub user::Model);

connection!(
    UserConnection,
    UserEdge,
    User,
    "A page of users, as a Relay connection.",
    "A user in a page of users."
);

/// A member of the community.
#[Object]
impl User {
    /// The user's opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::User, self.0.id)
    }

    /// The unique handle, lowercase.
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// The name shown on the profile.
    async fn display_name(&self) -> Option<&str> {
        self.0.display_name.as_deref()
    }

    /// A short self-description.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    /// A link to the user's picture.
    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The user's email address: answered to the user themself only, null for everyone else.
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(is_self(ctx, self.0.id)?.then_some(self.0.email.as_str()))
    }

    /// The user's API tokens that still work, newest first: answered to the user themself only
    /// (signed in with a session), null for everyone else.
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<ApiToken>>> {
        if !is_self(ctx, self.0.id)? {
            return Ok(None);
        }
        let rows = crate::services::api_tokens::list(&db(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(Some(rows.into_iter().map(ApiToken).collect()))
    }

    /// The papers the user upvoted, latest vote first.
    async fn upvoted_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
        #[graphql(desc = "Page size counting back (at most 100).")] last: Option<i32>,
        #[graphql(desc = "A cursor: the page ends before this edge.")] before: Option<String>,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = args::page(first, after, last, before)?;
        let db = db(ctx)?;
        let page = users::upvoted_papers(&db, self.0.id, &page_args)
            .await
            .gql()?;
        let user_id = self.0.id;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { users::count_upvoted_papers(&db, user_id).await }
        });
        Ok(PaperConnection(Parts::from_page(page, totals, Paper)))
    }

    /// The papers the user submitted to the feed, latest first.
    async fn submitted_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
        #[graphql(desc = "Page size counting back (at most 100).")] last: Option<i32>,
        #[graphql(desc = "A cursor: the page ends before this edge.")] before: Option<String>,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = args::page(first, after, last, before)?;
        let filter = PaperFilter {
            submitter_id: Some(self.0.id),
            ..Default::default()
        };
        paper_connection(ctx, filter, PaperOrder::SubmittedAt, &page_args).await
    }

    /// The papers the user authored: those listing an author identity the user claimed.
    async fn authored_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
        #[graphql(desc = "Page size counting back (at most 100).")] last: Option<i32>,
        #[graphql(desc = "A cursor: the page ends before this edge.")] before: Option<String>,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = args::page(first, after, last, before)?;
        let filter = PaperFilter {
            authored_by_user: Some(self.0.id),
            ..Default::default()
        };
        paper_connection(ctx, filter, PaperOrder::PublishedAt, &page_args).await
    }

    /// The user's comments, newest first (deleted and hidden ones left out).
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
        #[graphql(desc = "Page size counting back (at most 100).")] last: Option<i32>,
        #[graphql(desc = "A cursor: the page ends before this edge.")] before: Option<String>,
    ) -> async_graphql::Result<CommentConnection> {
        let page_args = args::page(first, after, last, before)?;
        let db = db(ctx)?;
        let page = comments::by_user(&db, self.0.id, &page_args).await.gql()?;
        let user_id = self.0.id;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { comments::count_by_user(&db, user_id).await }
        });
        Ok(CommentConnection(Parts::from_page(page, totals, Comment)))
    }

    /// The user's collections, newest first; private ones only for the user themself.
    async fn collections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
        #[graphql(desc = "Page size counting back (at most 100).")] last: Option<i32>,
        #[graphql(desc = "A cursor: the page ends before this edge.")] before: Option<String>,
    ) -> async_graphql::Result<CollectionConnection> {
        let page_args = args::page(first, after, last, before)?;
        let filter = CollectionFilter {
            owner_id: Some(self.0.id),
            ..Default::default()
        };
        collection_connection(ctx, filter, CollectionOrder::Newest, &page_args).await
    }
}
