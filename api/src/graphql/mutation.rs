//! The mutation root. Each resolver reads the viewer, parses its input and calls one service.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::user;

use crate::error::{AppError, GqlResult};
use crate::graphql::api_token::{ApiToken, ApiTokenScopeArg, CreateApiTokenPayload};
use crate::graphql::claim::AuthorshipClaim;
use crate::graphql::collection::Collection;
use crate::graphql::comment::Comment;
use crate::graphql::context::{db, loaders, record_sign_in, request, state, viewer};
use crate::graphql::ids::{self, NodeType};
use crate::graphql::paper::Paper;
use crate::graphql::user::User;
use crate::services::accounts::{self, ProfileChange, Registration, Session};
use crate::services::votes::{self, Target};
use crate::services::{claims, collections, discussion, papers, tokens};

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
    fn signed_in(ctx: &Context<'_>, session: Session) -> async_graphql::Result<Self> {
        record_sign_in(ctx, session.user.id)?;
        Ok(Self {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            expires_at: session.expires_at,
            user: User(session.user),
        })
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

/// A new comment, or a reply.
#[derive(InputObject)]
pub struct AddCommentInput {
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// Markdown, 1–10,000 characters.
    body: String,
    /// The comment replied to (a `Comment` ID of the same paper); absent for a top-level comment.
    parent_id: Option<ID>,
}

/// A new body for one's own comment.
#[derive(InputObject)]
pub struct EditCommentInput {
    /// The comment (a `Comment` ID).
    id: ID,
    /// Markdown, 1–10,000 characters.
    body: String,
}

/// A new collection.
#[derive(InputObject)]
pub struct CreateCollectionInput {
    /// 1–100 characters.
    title: String,
    /// At most 1,000 characters.
    description: Option<String>,
    /// Whether only the owner may see it (null or absent: public).
    #[graphql(default_with = "Some(false)")]
    is_private: Option<bool>,
}

/// Changes to a collection; a field left out stays as it is.
#[derive(InputObject)]
pub struct UpdateCollectionInput {
    /// The collection (a `Collection` ID).
    id: ID,
    /// 1–100 characters.
    title: Option<String>,
    /// At most 1,000 characters; empty clears it.
    description: Option<String>,
    /// Whether only the owner may see it.
    is_private: Option<bool>,
}

/// A paper to add to a collection.
#[derive(InputObject)]
pub struct AddCollectionItemInput {
    /// The collection (a `Collection` ID).
    collection_id: ID,
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// The owner's note on the paper, at most 500 characters.
    note: Option<String>,
    /// Where to insert it, from 0; the end when absent or beyond it.
    position: Option<i32>,
}

/// Changes to an item of a collection.
#[derive(InputObject)]
pub struct UpdateCollectionItemInput {
    /// The collection (a `Collection` ID).
    collection_id: ID,
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// A new note, at most 500 characters; empty clears it.
    note: Option<String>,
    /// Where to move it, from 0; the end when beyond it.
    position: Option<i32>,
}

/// A paper submitted to the daily feed.
#[derive(InputObject)]
pub struct SubmitPaperInput {
    /// The arXiv identifier (a version suffix is dropped).
    arxiv_id: String,
    /// The title.
    title: String,
    /// The abstract.
    #[graphql(name = "abstract")]
    abstract_text: String,
    /// The author names in order; each is matched to an existing author by exact name.
    authors: Vec<String>,
    /// When arXiv published it.
    published_at: Option<DateTime<Utc>>,
    /// The code repository.
    github_repo: Option<String>,
    /// The project page.
    project_page: Option<String>,
}

/// A new API token.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for, 1–100 characters.
    name: String,
    /// What it may do.
    scopes: Vec<ApiTokenScopeArg>,
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

/// The signed-in user, or `UNAUTHENTICATED`.
fn signed_in(ctx: &Context<'_>) -> async_graphql::Result<user::Model> {
    viewer(ctx)?
        .user
        .clone()
        .ok_or(AppError::Unauthenticated)
        .gql()
}

fn id_of(kind: NodeType, id: &ID, field: &str) -> async_graphql::Result<i64> {
    ids::decode_as(kind, id)
        .ok_or_else(|| AppError::bad_input(field, format!("{field} is not a valid {kind:?} ID")))
        .gql()
}

async fn vote(ctx: &Context<'_>, target: Target, id: i64, up: bool) -> async_graphql::Result<()> {
    let user = signed_in(ctx)?;
    votes::vote(&db(ctx)?, target, id, user.id, up).await.gql()
}

async fn reload_paper(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Paper> {
    crate::services::papers::find_by_id(&db(ctx)?, id)
        .await
        .gql()?
        .map(Paper)
        .ok_or_else(|| AppError::NotFound("no such paper".into()).into_gql())
}

async fn reload_comment(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Comment> {
    loaders(ctx)?
        .comment_by_id
        .load_one(id)
        .await?
        .map(Comment)
        .ok_or_else(|| AppError::NotFound("no such comment".into()).into_gql())
}

async fn reload_collection(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Collection> {
    loaders(ctx)?
        .collection_by_id
        .load_one(id)
        .await?
        .map(Collection)
        .ok_or_else(|| AppError::NotFound("no such collection".into()).into_gql())
}

pub struct Mutation;

/// The entry points for writing: accounts, sessions, votes, comments, collections and
/// submissions.
#[Object]
impl Mutation {
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
        let state = state(ctx)?;
        // Every sign-up that reaches the database counts, taken or not: the limit also slows
        // down probing which names and emails exist.
        if let Some(client) = request(ctx)?.client {
            let _counted = state
                .throttles
                .registrations_per_address
                .reserve(&client.to_string())
                .gql()?;
        }
        let session = accounts::register(&state.db, &state.jwt, &state.hasher, new)
            .await
            .gql()?;
        AuthPayload::signed_in(ctx, session)
    }

    /// Signs in with a username or email and a password. A wrong password and an unknown
    /// account answer alike: `UNAUTHENTICATED`.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credentials.")] input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        let state = state(ctx)?;
        let client = request(ctx)?.client;
        let attempt = accounts::Attempt {
            throttles: &state.throttles,
            client,
        };
        let session = accounts::login(
            &state.db,
            &state.jwt,
            &state.hasher,
            attempt,
            &input.username_or_email,
            input.password,
        )
        .await
        .gql()?;
        AuthPayload::signed_in(ctx, session)
    }

    /// Trades a refresh token for a new session; the token is spent. Presenting a spent token
    /// again ends every session descending from the same sign-in.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the current session.")] refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        let state = state(ctx)?;
        let session = accounts::refresh(&state.db, &state.jwt, &refresh_token)
            .await
            .gql()?;
        AuthPayload::signed_in(ctx, session)
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
        let user = signed_in(ctx)?;
        let change = ProfileChange::parse(input.display_name, input.bio, input.avatar_url).gql()?;
        Ok(User(
            accounts::update_profile(&db(ctx)?, &user, change)
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
        let user = signed_in(ctx)?;
        let state = state(ctx)?;
        let attempt = accounts::Attempt {
            throttles: &state.throttles,
            client: request(ctx)?.client,
        };
        let session = accounts::change_password(
            &state.db,
            &state.jwt,
            &state.hasher,
            attempt,
            &user,
            input.current_password,
            input.new_password,
        )
        .await
        .gql()?;
        AuthPayload::signed_in(ctx, session)
    }

    /// Upvotes a paper; a repeat changes nothing.
    async fn upvote_paper(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Paper> {
        let id = id_of(NodeType::Paper, &paper_id, "paperId")?;
        vote(ctx, Target::Paper, id, true).await?;
        reload_paper(ctx, id).await
    }

    /// Withdraws the viewer's upvote of a paper; without one, changes nothing.
    async fn remove_paper_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Paper> {
        let id = id_of(NodeType::Paper, &paper_id, "paperId")?;
        vote(ctx, Target::Paper, id, false).await?;
        reload_paper(ctx, id).await
    }

    /// Upvotes a comment; a repeat changes nothing.
    async fn upvote_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] comment_id: ID,
    ) -> async_graphql::Result<Comment> {
        let id = id_of(NodeType::Comment, &comment_id, "commentId")?;
        vote(ctx, Target::Comment, id, true).await?;
        reload_comment(ctx, id).await
    }

    /// Withdraws the viewer's upvote of a comment.
    async fn remove_comment_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] comment_id: ID,
    ) -> async_graphql::Result<Comment> {
        let id = id_of(NodeType::Comment, &comment_id, "commentId")?;
        vote(ctx, Target::Comment, id, false).await?;
        reload_comment(ctx, id).await
    }

    /// Upvotes a collection; another user's private collection is `NOT_FOUND`.
    async fn upvote_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
    ) -> async_graphql::Result<Collection> {
        let id = id_of(NodeType::Collection, &collection_id, "collectionId")?;
        vote(ctx, Target::Collection, id, true).await?;
        reload_collection(ctx, id).await
    }

    /// Withdraws the viewer's upvote of a collection.
    async fn remove_collection_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
    ) -> async_graphql::Result<Collection> {
        let id = id_of(NodeType::Collection, &collection_id, "collectionId")?;
        vote(ctx, Target::Collection, id, false).await?;
        reload_collection(ctx, id).await
    }

    /// Comments on a paper, or replies to a comment of the same paper (replies nest at most 8
    /// deep).
    async fn add_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] input: AddCommentInput,
    ) -> async_graphql::Result<Comment> {
        let user = signed_in(ctx)?;
        let paper = id_of(NodeType::Paper, &input.paper_id, "paperId")?;
        let parent = input
            .parent_id
            .map(|id| id_of(NodeType::Comment, &id, "parentId"))
            .transpose()?;
        // Reserved before the write, given back when it is refused: refused input does not use
        // the allowance up, and parallel requests cannot pass the limit together.
        let slot = state(ctx)?
            .throttles
            .comments_per_user
            .reserve(&user.id.to_string())
            .gql()?;
        match discussion::add(&db(ctx)?, &user, paper, input.body, parent).await {
            Ok(row) => Ok(Comment(row)),
            Err(refused) => {
                slot.release();
                Err(refused.into_gql())
            }
        }
    }

    /// Replaces the body of the viewer's own comment and marks it edited.
    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment and its new body.")] input: EditCommentInput,
    ) -> async_graphql::Result<Comment> {
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::Comment, &input.id, "id")?;
        Ok(Comment(
            discussion::edit(&db(ctx)?, &user, id, input.body)
                .await
                .gql()?,
        ))
    }

    /// Deletes the viewer's own comment: it stays as a tombstone holding its replies.
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] id: ID,
    ) -> async_graphql::Result<Comment> {
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::Comment, &id, "id")?;
        Ok(Comment(
            discussion::delete(&db(ctx)?, &user, id).await.gql()?,
        ))
    }

    /// Hides a comment (moderators): it reads as a tombstone to everyone but moderators.
    async fn hide_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] id: ID,
        #[graphql(desc = "Why, for the record; 1–500 characters.")] reason: String,
    ) -> async_graphql::Result<Comment> {
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::Comment, &id, "id")?;
        Ok(Comment(
            discussion::hide(&db(ctx)?, &user, id, &reason)
                .await
                .gql()?,
        ))
    }

    /// Submits an arXiv paper to today's feed; an already-listed paper is `CONFLICT`.
    async fn submit_paper(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The paper.")] input: SubmitPaperInput,
    ) -> async_graphql::Result<Paper> {
        let user = signed_in(ctx)?;
        let new = papers::Submission::parse(
            &input.arxiv_id,
            &input.title,
            &input.abstract_text,
            input.authors,
            input.published_at,
            input.github_repo,
            input.project_page,
        )
        .gql()?;
        let slot = state(ctx)?
            .throttles
            .submissions_per_user
            .reserve(&user.id.to_string())
            .gql()?;
        match papers::submit(&db(ctx)?, &user, new).await {
            Ok(row) => Ok(Paper(row)),
            Err(refused) => {
                slot.release();
                Err(refused.into_gql())
            }
        }
    }

    /// Creates a collection owned by the viewer.
    async fn create_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The collection.")] input: CreateCollectionInput,
    ) -> async_graphql::Result<Collection> {
        let user = signed_in(ctx)?;
        let row = collections::create(
            &db(ctx)?,
            &user,
            &input.title,
            input.description,
            input.is_private.unwrap_or(false),
        )
        .await
        .gql()?;
        Ok(Collection(row))
    }

    /// Changes the viewer's collection (its slug stays).
    async fn update_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateCollectionInput,
    ) -> async_graphql::Result<Collection> {
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::Collection, &input.id, "id")?;
        let row = collections::update(
            &db(ctx)?,
            &user,
            id,
            input.title,
            input.description,
            input.is_private,
        )
        .await
        .gql()?;
        Ok(Collection(row))
    }

    /// Deletes the viewer's collection.
    async fn delete_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::Collection, &id, "id")?;
        collections::delete(&db(ctx)?, &user, id).await.gql()
    }

    /// Adds a paper to the viewer's collection; a paper already in it is `CONFLICT`.
    async fn add_collection_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: AddCollectionItemInput,
    ) -> async_graphql::Result<Collection> {
        let user = signed_in(ctx)?;
        let collection = id_of(NodeType::Collection, &input.collection_id, "collectionId")?;
        let paper = id_of(NodeType::Paper, &input.paper_id, "paperId")?;
        let row = collections::add_item(
            &db(ctx)?,
            &user,
            collection,
            paper,
            input.note,
            input.position,
        )
        .await
        .gql()?;
        Ok(Collection(row))
    }

    /// Changes the note or the position of an item of the viewer's collection.
    async fn update_collection_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateCollectionItemInput,
    ) -> async_graphql::Result<Collection> {
        let user = signed_in(ctx)?;
        let collection = id_of(NodeType::Collection, &input.collection_id, "collectionId")?;
        let paper = id_of(NodeType::Paper, &input.paper_id, "paperId")?;
        let row = collections::update_item(
            &db(ctx)?,
            &user,
            collection,
            paper,
            input.note,
            input.position,
        )
        .await
        .gql()?;
        Ok(Collection(row))
    }

    /// Removes a paper from the viewer's collection.
    async fn remove_collection_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Collection> {
        let user = signed_in(ctx)?;
        let collection = id_of(NodeType::Collection, &collection_id, "collectionId")?;
        let paper = id_of(NodeType::Paper, &paper_id, "paperId")?;
        Ok(Collection(
            collections::remove_item(&db(ctx)?, &user, collection, paper)
                .await
                .gql()?,
        ))
    }

    /// Creates an API token for an integration; the secret is in the answer only. Needs a
    /// session: an API token cannot make tokens.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's name and scopes.")] input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreateApiTokenPayload> {
        let user = signed_in(ctx)?;
        if viewer(ctx)?.is_api_token() {
            return Err(AppError::Forbidden(
                "API tokens are made with a session, not another token".into(),
            ))
            .gql();
        }
        let scopes: Vec<_> = input.scopes.into_iter().map(Into::into).collect();
        let (token, row) = tokens::create(&db(ctx)?, &user, &input.name, &scopes)
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
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::ApiToken, &id, "id")?;
        tokens::revoke(&db(ctx)?, &user, id).await.gql()
    }

    /// Claims to be the author at a position of a paper; a moderator decides.
    async fn claim_authorship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The paper, the position and a note.")] input: ClaimAuthorshipInput,
    ) -> async_graphql::Result<AuthorshipClaim> {
        let user = signed_in(ctx)?;
        let paper = id_of(NodeType::Paper, &input.paper_id, "paperId")?;
        let row = claims::claim(&db(ctx)?, &user, paper, input.position, input.note)
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
        let user = signed_in(ctx)?;
        let id = id_of(NodeType::Claim, &id, "id")?;
        Ok(AuthorshipClaim(
            claims::decide(&db(ctx)?, &user, id, approve).await.gql()?,
        ))
    }
}
