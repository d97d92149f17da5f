//! Loaders: every child and list field of a page is fetched in one batched query per kind,
//! whatever the page size (see `batch` for how the keys are gathered). Built per request (see
//! `RequestData`), so nothing is cached across requests, and the viewer-specific ones know their
//! viewer.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::dataloader::Loader;
use entity::{author, authorship_claim, collection, comment, notification, paper, topic, user};
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::ids::{
    AuthorId, ClaimId, CollectionId, CommentId, NotificationId, PaperId, TopicId, UserId,
};

mod batch;
mod kinds;
mod lists;

use crate::services::accounts::users;
use crate::services::follows::{self, FollowKind};
use crate::services::papers::PaperAuthorEntry;
use crate::services::votes::Votable;
use crate::services::{claims, collections, discussion, notifications, papers, topics, votes};
pub use batch::Batch;
pub use kinds::{
    CollectionsHolding, CollectionsOwnedBy, CommentsBy, CommentsOf, ItemsOf, PapersOfAuthor,
    PapersOfUser, RepliesTo, UpvotersOf,
};
pub use lists::{ListLoaders, NestedList};

pub(super) fn gql(err: AppError) -> async_graphql::Error {
    err.into_gql()
}

/// The kinds of follow, in the order of [`ViewerLoaders::follows`].
const FOLLOW_KINDS: [FollowKind; 4] = [
    FollowKind::User,
    FollowKind::Author,
    FollowKind::Collection,
    FollowKind::Topic,
];

/// Declares loaders keyed by a row id, each calling one service function that reads the rows
/// of many ids at once (`ids -> HashMap<id, value>`).
macro_rules! loaders {
    ($($name:ident($key:ty) -> $value:ty = $find:path;)*) => {$(
        pub struct $name(DatabaseConnection);

        impl Loader<$key> for $name {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, Self::Error> {
                $find(&self.0, keys).await.map_err(gql)
            }
        }
    )*};
}

loaders! {
    PaperById(PaperId) -> paper::Model = papers::find_by_ids;
    AuthorById(AuthorId) -> author::Model = papers::authors_by_ids;
    UserById(UserId) -> user::Model = users::find_by_ids;
    CommentById(CommentId) -> comment::Model = discussion::find_by_ids;
    CollectionById(CollectionId) -> collection::Model = collections::find_by_ids;
    ClaimById(ClaimId) -> authorship_claim::Model = claims::find_by_ids;
    NotificationById(NotificationId) -> notification::Model = notifications::find_by_ids;
    AuthorsOfPaper(PaperId) -> Vec<PaperAuthorEntry> = papers::authors_of;
    PaperCountOfAuthor(AuthorId) -> i64 = papers::paper_counts;
    TopicById(TopicId) -> topic::Model = topics::find_by_ids;
    TopicsOfPaper(PaperId) -> Vec<topic::Model> = topics::topics_of;
    FollowerCountOfUser(UserId) -> i32 = follows::follower_counts;
}

/// Which targets of one kind (as row ids) the viewer follows.
pub struct ViewerFollows {
    db: DatabaseConnection,
    viewer: UserId,
    kind: FollowKind,
}

impl Loader<i64> for ViewerFollows {
    type Value = bool;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, bool>, Self::Error> {
        let followed = follows::followed_by(&self.db, self.viewer, self.kind, keys)
            .await
            .map_err(gql)?;
        Ok(keys.iter().map(|k| (*k, followed.contains(k))).collect())
    }
}

/// Which objects of one kind (papers, comments or collections) the viewer has upvoted.
pub struct ViewerUpvoted<T> {
    db: DatabaseConnection,
    viewer: UserId,
    kind: std::marker::PhantomData<T>,
}

impl<T: Votable> Loader<T> for ViewerUpvoted<T> {
    type Value = bool;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[T]) -> Result<HashMap<T, bool>, Self::Error> {
        let voted = votes::upvoted_by(&self.db, self.viewer, keys)
            .await
            .map_err(gql)?;
        Ok(keys.iter().map(|k| (*k, voted.contains(k))).collect())
    }
}

/// The viewer's upvote loaders; absent for an anonymous viewer (who has upvoted nothing).
pub struct ViewerLoaders {
    pub paper_upvoted: Batch<PaperId, ViewerUpvoted<PaperId>>,
    pub comment_upvoted: Batch<CommentId, ViewerUpvoted<CommentId>>,
    pub collection_upvoted: Batch<CollectionId, ViewerUpvoted<CollectionId>>,
    /// Whether the viewer follows users, authors, collections, topics (in that order).
    pub follows: [Batch<i64, ViewerFollows>; 4],
}

/// The viewer's upvote loader for one kind of object.
pub trait UpvotedLoader: Votable {
    fn loader(viewer: &ViewerLoaders) -> &Batch<Self, ViewerUpvoted<Self>>;
}

impl UpvotedLoader for PaperId {
    fn loader(viewer: &ViewerLoaders) -> &Batch<Self, ViewerUpvoted<Self>> {
        &viewer.paper_upvoted
    }
}

impl UpvotedLoader for CommentId {
    fn loader(viewer: &ViewerLoaders) -> &Batch<Self, ViewerUpvoted<Self>> {
        &viewer.comment_upvoted
    }
}

impl UpvotedLoader for CollectionId {
    fn loader(viewer: &ViewerLoaders) -> &Batch<Self, ViewerUpvoted<Self>> {
        &viewer.collection_upvoted
    }
}

/// The loaders of one request.
pub struct Loaders {
    pub paper_by_id: Batch<PaperId, PaperById>,
    pub author_by_id: Batch<AuthorId, AuthorById>,
    pub user_by_id: Batch<UserId, UserById>,
    pub comment_by_id: Batch<CommentId, CommentById>,
    pub collection_by_id: Batch<CollectionId, CollectionById>,
    pub claim_by_id: Batch<ClaimId, ClaimById>,
    pub notification_by_id: Batch<NotificationId, NotificationById>,
    pub authors_of_paper: Batch<PaperId, AuthorsOfPaper>,
    pub paper_count_of_author: Batch<AuthorId, PaperCountOfAuthor>,
    pub topic_by_id: Batch<TopicId, TopicById>,
    pub topics_of_paper: Batch<PaperId, TopicsOfPaper>,
    pub follower_count_of_user: Batch<UserId, FollowerCountOfUser>,
    pub comments_of_paper: ListLoaders<CommentsOf>,
    pub replies: ListLoaders<RepliesTo>,
    pub comments_of_user: ListLoaders<CommentsBy>,
    pub papers_of_author: ListLoaders<PapersOfAuthor>,
    pub papers_of_user: ListLoaders<PapersOfUser>,
    pub collections_of_paper: ListLoaders<CollectionsHolding>,
    pub collections_of_user: ListLoaders<CollectionsOwnedBy>,
    pub upvoters: ListLoaders<UpvotersOf>,
    pub items: ListLoaders<ItemsOf>,
    pub viewer: Option<ViewerLoaders>,
}

impl Loaders {
    /// `delay` is how long a loader waits for more keys after the executor's pass that asked
    /// (none by default: one pass gathers a wave of sibling resolvers).
    pub fn new(db: &DatabaseConnection, viewer: Option<UserId>, delay: Duration) -> Self {
        fn make<K, T>(loader: T, delay: Duration) -> Batch<K, T>
        where
            K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
            T: Loader<K, Error = async_graphql::Error>,
        {
            Batch::new(loader, delay)
        }
        fn upvoted<T: Votable>(
            db: &DatabaseConnection,
            viewer: UserId,
            delay: Duration,
        ) -> Batch<T, ViewerUpvoted<T>> {
            let loader = ViewerUpvoted {
                db: db.clone(),
                viewer,
                kind: std::marker::PhantomData,
            };
            make::<T, _>(loader, delay)
        }
        let viewer_loaders = viewer.map(|viewer| ViewerLoaders {
            paper_upvoted: upvoted(db, viewer, delay),
            comment_upvoted: upvoted(db, viewer, delay),
            collection_upvoted: upvoted(db, viewer, delay),
            follows: FOLLOW_KINDS.map(|kind| {
                let loader = ViewerFollows {
                    db: db.clone(),
                    viewer,
                    kind,
                };
                make::<i64, _>(loader, delay)
            }),
        });
        Self {
            paper_by_id: make::<PaperId, _>(PaperById(db.clone()), delay),
            author_by_id: make::<AuthorId, _>(AuthorById(db.clone()), delay),
            user_by_id: make::<UserId, _>(UserById(db.clone()), delay),
            comment_by_id: make::<CommentId, _>(CommentById(db.clone()), delay),
            collection_by_id: make::<CollectionId, _>(CollectionById(db.clone()), delay),
            claim_by_id: make::<ClaimId, _>(ClaimById(db.clone()), delay),
            notification_by_id: make::<NotificationId, _>(NotificationById(db.clone()), delay),
            authors_of_paper: make::<PaperId, _>(AuthorsOfPaper(db.clone()), delay),
            paper_count_of_author: make::<AuthorId, _>(PaperCountOfAuthor(db.clone()), delay),
            topic_by_id: make::<TopicId, _>(TopicById(db.clone()), delay),
            topics_of_paper: make::<PaperId, _>(TopicsOfPaper(db.clone()), delay),
            follower_count_of_user: make::<UserId, _>(FollowerCountOfUser(db.clone()), delay),
            comments_of_paper: ListLoaders::new(db, viewer, delay),
            replies: ListLoaders::new(db, viewer, delay),
            comments_of_user: ListLoaders::new(db, viewer, delay),
            papers_of_author: ListLoaders::new(db, viewer, delay),
            papers_of_user: ListLoaders::new(db, viewer, delay),
            collections_of_paper: ListLoaders::new(db, viewer, delay),
            collections_of_user: ListLoaders::new(db, viewer, delay),
            upvoters: ListLoaders::new(db, viewer, delay),
            items: ListLoaders::new(db, viewer, delay),
            viewer: viewer_loaders,
        }
    }

    /// Whether the viewer upvoted the paper, comment or collection; false when anonymous.
    pub async fn viewer_upvoted<T: UpvotedLoader>(&self, id: T) -> async_graphql::Result<bool> {
        let Some(viewer) = &self.viewer else {
            return Ok(false);
        };
        Ok(T::loader(viewer).load_one(id).await?.unwrap_or(false))
    }

    /// Whether the viewer follows the user, author, collection or topic with this row id; false
    /// when anonymous.
    pub async fn viewer_follows(&self, kind: FollowKind, id: i64) -> async_graphql::Result<bool> {
        let Some(viewer) = &self.viewer else {
            return Ok(false);
        };
        let at = FOLLOW_KINDS.iter().position(|k| *k == kind).unwrap_or(0);
        Ok(viewer.follows[at].load_one(id).await?.unwrap_or(false))
    }

    /// The paper a row refers to; `NOT_FOUND` if it is gone.
    pub async fn paper(&self, id: PaperId) -> async_graphql::Result<paper::Model> {
        self.paper_by_id
            .load_one(id)
            .await?
            .ok_or_else(|| AppError::NotFound("no such paper".into()).into_gql())
    }

    /// The user a row refers to, if any.
    pub async fn user(&self, id: Option<UserId>) -> async_graphql::Result<Option<user::Model>> {
        match id {
            Some(id) => self.user_by_id.load_one(id).await,
            None => Ok(None),
        }
    }
}
