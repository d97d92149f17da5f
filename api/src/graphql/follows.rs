//! Following: the `Followable` union, the follow mutations, and the following feed's types.

use async_graphql::connection::PageInfo;
use async_graphql::{Context, Enum, ID, Object, Union};
use futures_util::future::try_join_all;

use crate::error::{AppError, GqlResult};
use crate::graphql::accounts::User;
use crate::graphql::collections::Collection;
use std::collections::HashMap;

use crate::graphql::connection::{connection, page_info};
use crate::graphql::context::{caller, loaders, services};
use crate::graphql::papers::Paper;
use crate::graphql::papers::author::Author;
use crate::graphql::topics::Topic;
use crate::ids::{self, AnyId, PaperId};
use crate::services::collections;
use crate::services::follows::feed::FeedItem;
use crate::services::follows::{self, FollowKind, Followed, Target};
use crate::services::pagination::Page;

/// Something a reader can follow: a user, an author, a collection or a topic.
#[derive(Union)]
pub enum Followable {
    User(User),
    Author(Author),
    Collection(Collection),
    Topic(Topic),
}

impl From<Followed> for Followable {
    fn from(followed: Followed) -> Self {
        match followed {
            Followed::User(row) => Self::User(User::from(row)),
            Followed::Author(row) => Self::Author(Author(row)),
            Followed::Collection(row) => Self::Collection(Collection(row)),
            Followed::Topic(row) => Self::Topic(Topic(row)),
        }
    }
}

connection!(
    FollowableConnection,
    FollowableEdge,
    Followable,
    "A page of followed users, authors, collections and topics, as a Relay connection.",
    "A followed user, author, collection or topic in a page of them."
);

/// What a follow targets.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "FollowKind")]
pub enum FollowKindArg {
    /// A user: the papers they submit and those of the author identities they claimed.
    User,
    /// An author identity: the papers listing it.
    Author,
    /// A collection: the papers added to it.
    Collection,
    /// A topic: the papers filed under it.
    Topic,
}

impl From<FollowKind> for FollowKindArg {
    fn from(kind: FollowKind) -> Self {
        match kind {
            FollowKind::User => Self::User,
            FollowKind::Author => Self::Author,
            FollowKind::Collection => Self::Collection,
            FollowKind::Topic => Self::Topic,
        }
    }
}

/// The followed thing a target names, as the viewer may see it (through the request's
/// loaders, one statement per kind for a whole page); `None` when it is gone or hidden.
pub async fn resolve(
    ctx: &Context<'_>,
    target: Target,
) -> async_graphql::Result<Option<Followable>> {
    let loaders = loaders(ctx)?;
    Ok(match target {
        Target::User(id) => loaders
            .user_by_id
            .load_one(id)
            .await?
            .map(|u| Followable::User(User::from(u))),
        Target::Author(id) => loaders
            .author_by_id
            .load_one(id)
            .await?
            .map(|a| Followable::Author(Author(a))),
        Target::Collection(id) => {
            let viewer = caller(ctx)?.user_id();
            loaders
                .collection_by_id
                .load_one(id)
                .await?
                .filter(|c| collections::is_visible(c, viewer))
                .map(|c| Followable::Collection(Collection(c)))
        }
        Target::Topic(id) => loaders
            .topic_by_id
            .load_one(id)
            .await?
            .map(|t| Followable::Topic(Topic(t))),
    })
}

/// A page of targets resolved, those gone or hidden left out.
pub async fn resolve_page(
    ctx: &Context<'_>,
    page: Page<Target>,
) -> async_graphql::Result<Page<Followable>> {
    let resolved = try_join_all(page.items.iter().map(|(_, t)| resolve(ctx, *t))).await?;
    let mut resolved = resolved.into_iter();
    Ok(page.filter_map(|_| resolved.next().flatten()))
}

/// The target a global ID names: a user, an author, a collection or a topic. A malformed ID is
/// `BAD_USER_INPUT`; an ID of another type is `NOT_FOUND`, as an unknown one is.
fn target_of(id: &ID) -> Result<Target, AppError> {
    let decoded = ids::decode(id.as_str())
        .ok_or_else(|| AppError::bad_input("targetId", "targetId is not a valid ID"))?;
    match decoded {
        AnyId::User(id) => Ok(Target::User(id)),
        AnyId::Author(id) => Ok(Target::Author(id)),
        AnyId::Collection(id) => Ok(Target::Collection(id)),
        AnyId::Topic(id) => Ok(Target::Topic(id)),
        _ => Err(AppError::NotFound("nothing to follow with this ID".into())),
    }
}

#[derive(Default)]
pub struct FollowMutation;

/// Following users, authors, collections and topics.
#[Object]
impl FollowMutation {
    /// Follows a user, an author, a collection or a topic: what they write, submit, gather or
    /// file then reaches the viewer's `feed`. A repeat changes nothing. Following oneself is
    /// `BAD_USER_INPUT`; an unknown ID, an ID of something that cannot be followed, or another
    /// user's private collection is `NOT_FOUND`. Throttled.
    async fn follow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of a `User`, `Author`, `Collection` or `Topic`.")] target_id: ID,
    ) -> async_graphql::Result<Followable> {
        let target = target_of(&target_id).gql()?;
        let followed = follows::follow(services(ctx)?, caller(ctx)?, target, true)
            .await
            .gql()?;
        Ok(followed.into())
    }

    /// Stops following; without a follow, changes nothing. Errors as for `follow`.
    async fn unfollow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of a `User`, `Author`, `Collection` or `Topic`.")] target_id: ID,
    ) -> async_graphql::Result<Followable> {
        let target = target_of(&target_id).gql()?;
        let followed = follows::follow(services(ctx)?, caller(ctx)?, target, false)
            .await
            .gql()?;
        Ok(followed.into())
    }
}

/// Why a paper is in the viewer's following feed: one of the things they follow.
pub struct FeedReason {
    target: Target,
}

/// Why a paper is in the viewer's following feed: one of the things they follow.
#[Object]
impl FeedReason {
    /// What kind of follow brought the paper.
    async fn kind(&self) -> FollowKindArg {
        self.target.kind().into()
    }

    /// The followed user, author, collection or topic.
    async fn target(&self, ctx: &Context<'_>) -> async_graphql::Result<Followable> {
        resolve(ctx, self.target)
            .await?
            .ok_or_else(|| AppError::NotFound("the followed object is gone".into()).into_gql())
    }
}

/// A paper in the viewer's following feed, with why it is there.
pub struct FeedEdge {
    cursor: String,
    node: Paper,
    reasons: Vec<Target>,
}

/// A paper in the viewer's following feed, with why it is there.
#[Object]
impl FeedEdge {
    /// The edge's cursor, for `after`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The paper.
    async fn node(&self) -> &Paper {
        &self.node
    }

    /// Everything the viewer follows that brought the paper: followed users first, then
    /// authors, collections and topics.
    async fn reasons(&self) -> Vec<FeedReason> {
        self.reasons
            .iter()
            .map(|target| FeedReason { target: *target })
            .collect()
    }
}

/// A page of the viewer's following feed, newest first by the moment each paper first reached
/// it.
pub struct FeedConnection {
    edges: Vec<FeedEdge>,
    page_info: PageInfo,
}

impl FeedConnection {
    /// A page of the feed and the reasons of its papers.
    pub fn new(page: Page<FeedItem>, mut reasons: HashMap<PaperId, Vec<Target>>) -> Self {
        let page_info = page_info(&page);
        let edges = page
            .items
            .into_iter()
            .map(|(cursor, item)| FeedEdge {
                cursor,
                reasons: reasons.remove(&item.paper.id).unwrap_or_default(),
                node: Paper::from(item.paper),
            })
            .collect();
        Self { edges, page_info }
    }
}

/// A page of the viewer's following feed, newest first by the moment each paper first reached
/// it.
#[Object]
impl FeedConnection {
    /// The papers of this page, each with its cursor and reasons.
    async fn edges(&self) -> &[FeedEdge] {
        &self.edges
    }

    /// The papers of this page, without cursors.
    async fn nodes(&self) -> Vec<&Paper> {
        self.edges.iter().map(|edge| &edge.node).collect()
    }

    /// Where this page lies in the whole feed.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }
}
