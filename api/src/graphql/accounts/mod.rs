//! The `User` type: an account and its public profile.

pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object, ScalarType, Value};
use chrono::{DateTime, Utc};
use entity::user;
use papers_macros::connections;

use crate::auth::Caller;
use crate::error::GqlResult;
use crate::graphql::args::{ForwardArgs, RelayArgs};
use crate::graphql::claims::AuthorshipClaim;
use crate::graphql::collections::{CollectionConnection, collection_connection};
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{caller, db, loaders, services};
use crate::graphql::discussion::{Comment, CommentConnection};
use crate::graphql::engine::direct::{PlainFields, optional};
use crate::graphql::follows::{FeedConnection, FollowableConnection, resolve_page};
use crate::graphql::loaders::{CollectionsOwnedBy, CommentsBy, PapersOfUser};
use crate::graphql::moderation::{AuthorshipClaimConnection, parts};
use crate::graphql::notifications::{Notification, NotificationConnection};
use crate::graphql::papers::{Paper, PaperConnection, paper_connection_of};
use crate::graphql::tokens::ApiToken;
use crate::graphql::webhooks::Webhook;
use crate::ids::Global;
use crate::services::follows::{self, FollowKind};
use crate::services::{notifications, recommendations};

pub struct User(pub user::Model, JustSignedIn);

/// Whether the request itself signed this user in (`register`, `login`, …): the account's own
/// fields (`email`) are then shown although the request came anonymously.
#[derive(Debug, Clone, Copy)]
pub struct JustSignedIn(bool);

impl From<user::Model> for User {
    fn from(row: user::Model) -> Self {
        Self(row, JustSignedIn(false))
    }
}

impl User {
    /// The user a mutation of this request just signed in.
    pub fn just_signed_in(row: user::Model) -> Self {
        Self(row, JustSignedIn(true))
    }

    /// The caller as this user's owner: the request's own caller, or the session this request
    /// just started.
    fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Caller> {
        let caller = caller(ctx)?;
        if !self.1.0 {
            return Ok(caller.clone());
        }
        Ok(Caller {
            user: Some(self.0.clone()),
            api_scopes: None,
            address: caller.address,
        })
    }

    /// Whether the user is the one asking.
    fn is_self(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.1.0 || caller(ctx)?.user_id() == Some(self.0.id))
    }
}

/// The public fields of `User` read from its row, as the resolvers below give them (the
/// account's own fields, such as `email`, go through their resolvers and their checks).
impl PlainFields for User {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let row = &self.0;
        Some(match name {
            "id" => Value::String(row.id.global()),
            "username" => Value::String(row.username.clone()),
            "displayName" => optional(row.display_name.as_deref()),
            "bio" => optional(row.bio.as_deref()),
            "avatarUrl" => optional(row.avatar_url.as_deref()),
            "createdAt" => row.created_at.to_value(),
            _ => return None,
        })
    }
}

connection!(
    UserConnection,
    UserEdge,
    User,
    "A page of users, as a Relay connection.",
    "A user in a page of users."
);

/// A member of the community.
#[connections]
#[Object]
impl User {
    /// The user's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
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
        Ok(self.is_self(ctx)?.then_some(self.0.email.as_str()))
    }

    /// The user's API tokens that still work, newest first: answered to the user themself only,
    /// signed in with a session (`FORBIDDEN` to an API token), null for everyone else.
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<ApiToken>>> {
        if !self.is_self(ctx)? {
            return Ok(None);
        }
        let rows = crate::services::tokens::list(&db(ctx)?, &self.owner(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(Some(rows.into_iter().map(ApiToken).collect()))
    }

    /// The user's notifications, newest first: answered to the user themself only, null for
    /// everyone else.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those not yet marked read.", default = false)] unread_only: bool,
        page: ForwardArgs,
    ) -> async_graphql::Result<Option<NotificationConnection>> {
        if !self.is_self(ctx)? {
            return Ok(None);
        }
        let page_args = page.parse()?;
        let (db, user) = (db(ctx)?, self.0.id);
        let page = notifications::page(&db, user, unread_only, &page_args)
            .await
            .gql()?;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { notifications::count(&db, user, unread_only).await }
        });
        Ok(Some(NotificationConnection(Parts::from_page(
            page,
            totals,
            Notification,
        ))))
    }

    /// How many of the user's notifications are unread: answered to the user themself only,
    /// null for everyone else.
    async fn unread_notification_count(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<i32>> {
        if !self.is_self(ctx)? {
            return Ok(None);
        }
        let count = notifications::count(&db(ctx)?, self.0.id, true)
            .await
            .gql()?;
        Ok(Some(i32::try_from(count).unwrap_or(i32::MAX)))
    }

    /// The user's authorship claims with their status, newest first: the user's own (an empty
    /// list for everyone else).
    async fn claims(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<AuthorshipClaimConnection> {
        let page_args = page.parse()?;
        if !self.is_self(ctx)? {
            return Ok(AuthorshipClaimConnection(parts(
                (crate::services::pagination::Page::empty(), 0),
                AuthorshipClaim,
            )));
        }
        let found = crate::services::moderation::claims_of(&db(ctx)?, self.0.id, &page_args)
            .await
            .gql()?;
        Ok(AuthorshipClaimConnection(parts(found, AuthorshipClaim)))
    }

    /// The user's webhooks, oldest first: answered to the user themself only, an empty list
    /// for everyone else.
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        let rows = crate::services::webhooks::list(&db(ctx)?, &self.owner(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(rows.into_iter().map(Webhook).collect())
    }

    /// The papers the user upvoted, latest vote first.
    async fn upvoted_papers(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let papers = &loaders(ctx)?.papers_of_user;
        paper_connection_of(papers, self.0.id, PapersOfUser::Upvoted, page_args).await
    }

    /// The papers the user submitted to the feed, latest first.
    async fn submitted_papers(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let papers = &loaders(ctx)?.papers_of_user;
        paper_connection_of(papers, self.0.id, PapersOfUser::Submitted, page_args).await
    }

    /// The papers the user authored: those listing an author identity the user claimed.
    async fn authored_papers(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let papers = &loaders(ctx)?.papers_of_user;
        paper_connection_of(papers, self.0.id, PapersOfUser::Authored, page_args).await
    }

    /// The user's comments, newest first (deleted and hidden ones left out).
    async fn comments(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<CommentConnection> {
        let page_args = page.parse()?;
        let comments = &loaders(ctx)?.comments_of_user;
        let total_asked = ctx.look_ahead().field("totalCount").exists();
        let (page, totals) = comments
            .page_and_total(self.0.id, CommentsBy, page_args, total_asked)
            .await?;
        Ok(CommentConnection(Parts::from_page(page, totals, Comment)))
    }

    /// Users following this user.
    async fn follower_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let count = loaders(ctx)?
            .follower_count_of_user
            .load_one(self.0.id)
            .await?;
        Ok(count.unwrap_or(0))
    }

    /// Whether the signed-in viewer follows this user; false when anonymous.
    async fn viewer_is_following(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        loaders(ctx)?
            .viewer_follows(FollowKind::User, self.0.id.into())
            .await
    }

    /// The users, authors, collections and topics this user follows, latest follow first
    /// (public, as profiles are; other users' private collections never appear).
    async fn following(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<FollowableConnection> {
        let page_args = page.parse()?;
        let (db, user, viewer) = (db(ctx)?, self.0.id, caller(ctx)?.user_id());
        let page = follows::following(&db, user, viewer, &page_args)
            .await
            .gql()?;
        let page = resolve_page(ctx, page).await?;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { follows::following_count(&db, user, viewer).await }
        });
        Ok(FollowableConnection(Parts::from_page(page, totals, |f| f)))
    }

    /// The users following this user, latest first.
    async fn followers(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<UserConnection> {
        let page_args = page.parse()?;
        let (db, user) = (db(ctx)?, self.0.id);
        let page = follows::followers(&db, user, &page_args).await.gql()?;
        let loaders_count = loaders(ctx)?.follower_count_of_user.load_one(user).await?;
        let total = u64::try_from(loaders_count.unwrap_or(0)).unwrap_or(0);
        let totals = Totals::new(move || async move { Ok(total) });
        Ok(UserConnection(Parts::from_page(page, totals, User::from)))
    }

    /// The user's following feed: papers written by followed authors (or by author identities
    /// that followed users claimed), submitted by followed users, added to followed collections
    /// or filed under followed topics, newest first by the moment each first reached the feed
    /// (its submission, or for a paper only a collection brought, when a followed collection
    /// first gained it), one entry per paper with every reason. Answered to the user themself
    /// only, null for everyone else.
    async fn feed(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<Option<FeedConnection>> {
        if !self.is_self(ctx)? {
            return Ok(None);
        }
        let page_args = page.parse()?;
        let (db, user) = (db(ctx)?, self.0.id);
        let page = follows::feed::page(&db, user, &page_args).await.gql()?;
        let papers: Vec<_> = page.items.iter().map(|(_, item)| item.paper.id).collect();
        let reasons = follows::feed::reasons_of(&db, user, &papers).await.gql()?;
        Ok(Some(FeedConnection::new(page, reasons)))
    }

    /// Papers for this user, best first, at most 100: papers they have not upvoted nor collected,
    /// ranked by closeness to what they upvoted and collected (by the papers' vectors when the
    /// server has an embedding model, else by co-upvotes) and by what they follow; a user with
    /// no signal yet gets the trending list. Computed when asked. Answered to the user themself
    /// only, null for everyone else.
    async fn recommended_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only papers that reached the feed after this instant.")] since: Option<
            DateTime<Utc>,
        >,
        page: ForwardArgs,
    ) -> async_graphql::Result<Option<PaperConnection>> {
        if !self.is_self(ctx)? {
            return Ok(None);
        }
        let page_args = page.parse()?;
        let services = services(ctx)?;
        let ranked = recommendations::for_reader(
            &services.db,
            &services.discovery,
            self.0.id,
            since,
            &page_args,
        )
        .await
        .gql()?;
        let total = ranked.total;
        let totals = Totals::new(move || async move { Ok(total) });
        Ok(Some(PaperConnection(Parts::from_page(
            ranked.page,
            totals,
            Paper::from,
        ))))
    }

    /// The user's collections, newest first; private ones only for the user themself.
    async fn collections(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<CollectionConnection> {
        let page_args = page.parse()?;
        let collections = &loaders(ctx)?.collections_of_user;
        collection_connection(collections, self.0.id, CollectionsOwnedBy, page_args).await
    }
}
