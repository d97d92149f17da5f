//! Account mutations: sign-up, sign-in, sessions, profile and password.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::error::GqlResult;
use crate::graphql::accounts::User;
use crate::graphql::context::{caller, db, services};
use crate::services::accounts::{self, ProfileChange, Registration, Session};

/// A signed-in session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// A JWT for `Authorization: Bearer …`, valid for 15 minutes.
    access_token: String,
    /// An opaque token that `refreshSession` trades for a new session; each one works once.
    refresh_token: String,
    /// When the access token expires.
    expires_at: DateTime<Utc>,
    /// The signed-in user.
    user: User,
}

impl AuthPayload {
    /// The payload of a session this request started; its user may see their own email.
    fn signed_in(session: Session) -> Self {
        Self {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            expires_at: session.expires_at,
            user: User::just_signed_in(session.user),
        }
    }
}

/// A new account.
#[derive(InputObject)]
pub struct RegisterInput {
    /// 3–32 characters of `a-z 0-9 - _`; unique, case-insensitively.
    username: String,
    /// The account's email address; unique, private to its owner.
    email: String,
    /// 10–128 characters.
    password: String,
    /// The name shown on the profile, at most 64 characters.
    display_name: Option<String>,
}

/// Credentials.
#[derive(InputObject)]
pub struct LoginInput {
    /// A username or an email address.
    username_or_email: String,
    /// The password.
    password: String,
}

/// A password change.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password in use now.
    current_password: String,
    /// The new password, 10–128 characters.
    new_password: String,
}

/// Profile changes: a field left out stays as it is, an empty one is cleared.
#[derive(InputObject)]
pub struct UpdateProfileInput {
    /// At most 64 characters.
    display_name: Option<String>,
    /// At most 500 characters.
    bio: Option<String>,
    /// An http(s) URL of a picture.
    avatar_url: Option<String>,
}

#[derive(Default)]
pub struct AccountMutation;

/// Signing up and in, sessions, the profile and the password.
#[Object]
impl AccountMutation {
    /// Creates an account and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        let new = Registration::parse(
            &input.username,
            &input.email,
            input.password,
            input.display_name,
        )
        .gql()?;
        let session = accounts::register(services(ctx)?, caller(ctx)?, new)
            .await
            .gql()?;
        Ok(AuthPayload::signed_in(session))
    }

    /// Signs in with a username or email and a password. A wrong password and an unknown
    /// account answer alike: `UNAUTHENTICATED`.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credentials.")] input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = accounts::login(
            services(ctx)?,
            caller(ctx)?,
            &input.username_or_email,
            input.password,
        )
        .await
        .gql()?;
        Ok(AuthPayload::signed_in(session))
    }

    /// Trades a refresh token for a new session; the token is spent. Presenting a spent token
    /// again ends every session descending from the same sign-in.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the current session.")] refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        let session = accounts::refresh(services(ctx)?, &refresh_token)
            .await
            .gql()?;
        Ok(AuthPayload::signed_in(session))
    }

    /// Ends the session of a refresh token; false when the token names no session.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the session to end.")] refresh_token: String,
    ) -> async_graphql::Result<bool> {
        accounts::logout(&db(ctx)?, &refresh_token).await.gql()
    }

    /// Changes the viewer's profile.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateProfileInput,
    ) -> async_graphql::Result<User> {
        let change = ProfileChange::parse(input.display_name, input.bio, input.avatar_url).gql()?;
        Ok(User::from(
            accounts::update_profile(services(ctx)?, caller(ctx)?, change)
                .await
                .gql()?,
        ))
    }

    /// Changes the viewer's password, ends every other session and starts a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current and the new password.")] input: ChangePasswordInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = accounts::change_password(
            services(ctx)?,
            caller(ctx)?,
            input.current_password,
            input.new_password,
        )
        .await
        .gql()?;
        Ok(AuthPayload::signed_in(session))
    }

    /// Deletes the viewer's account, for good, in one step: email, password, profile, sessions,
    /// API tokens, webhooks, digest subscriptions, notifications, votes (counters follow),
    /// collections and claims go; comments stay in their threads without an author (or become
    /// tombstones with `eraseComments`); the username stays reserved. Needs a session (not an
    /// API token) and the password, checked and throttled as a sign-in.
    async fn delete_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's password.")] password: String,
        #[graphql(
            desc = "True to blank the comments' bodies too (tombstones) instead of leaving them unsigned.",
            default_with = "Some(false)"
        )]
        erase_comments: Option<bool>,
    ) -> async_graphql::Result<bool> {
        accounts::erasure::delete_account(
            services(ctx)?,
            caller(ctx)?,
            password,
            erase_comments.unwrap_or(false),
        )
        .await
        .gql()
    }
}
