//! DataLoaders: every child and list field of a page is fetched in one batched query per kind,
//! whatever the page size. Built per request (see `RequestData`), so nothing is cached across
//! requests, and the viewer-specific ones know their viewer.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{author, authorship_claim, collection, comment, notification, paper, user};
use sea_orm::DatabaseConnection;

use crate::error::AppError;

mod lists;

use crate::services::accounts::users;
use crate::services::collections::CollectionList;
use crate::services::discussion::CommentList;
use crate::services::papers::PaperAuthorEntry;
use crate::services::{collections, discussion, papers, votes};
pub use lists::{ItemsOf, ListLoaders, NestedList, PageKey, PapersOf, UpvotersOf};

pub(super) fn gql(err: AppError) -> async_graphql::Error {
    err.into_gql()
}

/// Declares a loader keyed by row id that calls one service function.
macro_rules! loader {
    ($name:ident, $value:ty, |$db:ident, $keys:ident| $body:expr) => {
        pub struct $name(DatabaseConnection);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, $keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let $db = &self.0;
                $body.await.map_err(gql)
            }
        }
    };
}

loader!(PaperById, paper::Model, |db, keys| papers::find_by_ids(
    db, keys
));
loader!(
    AuthorById,
    author::Model,
    |db, keys| papers::authors_by_ids(db, keys)
);
loader!(UserById, user::Model, |db, keys| users::find_by_ids(
    db, keys
));
loader!(CommentById, comment::Model, |db, keys| {
    discussion::find_by_ids(db, keys)
});
loader!(CollectionById, collection::Model, |db, keys| {
    collections::find_by_ids(db, keys)
});
loader!(ClaimById, authorship_claim::Model, |db, keys| {
    crate::services::claims::find_by_ids(db, keys)
});
loader!(NotificationById, notification::Model, |db, keys| {
    crate::services::notifications::find_by_ids(db, keys)
});
loader!(AuthorsOfPaper, Vec<PaperAuthorEntry>, |db, keys| {
    papers::authors_of(db, keys)
});
loader!(PaperCountOfAuthor, i64, |db, keys| papers::paper_counts(
    db, keys
));

/// Which objects of one kind the viewer has upvoted.
pub struct ViewerUpvoted {
    db: DatabaseConnection,
    viewer: i64,
    kind: VoteKind,
}

/// What a viewer may have upvoted.
#[derive(Clone, Copy)]
pub enum VoteKind {
    Paper,
    Comment,
    Collection,
}

impl Loader<i64> for ViewerUpvoted {
    type Value = bool;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, bool>, Self::Error> {
        let voted = match self.kind {
            VoteKind::Paper => votes::papers_upvoted_by(&self.db, self.viewer, keys).await,
            VoteKind::Comment => votes::comments_upvoted_by(&self.db, self.viewer, keys).await,
            VoteKind::Collection => {
                votes::collections_upvoted_by(&self.db, self.viewer, keys).await
            }
        }
        .map_err(gql)?;
        Ok(keys.iter().map(|k| (*k, voted.contains(k))).collect())
    }
}

/// The viewer's upvote loaders; absent for an anonymous viewer (who has upvoted nothing).
pub struct ViewerLoaders {
    pub paper_upvoted: DataLoader<ViewerUpvoted>,
    pub comment_upvoted: DataLoader<ViewerUpvoted>,
    pub collection_upvoted: DataLoader<ViewerUpvoted>,
}

/// The loaders of one request.
pub struct Loaders {
    pub paper_by_id: DataLoader<PaperById>,
    pub author_by_id: DataLoader<AuthorById>,
    pub user_by_id: DataLoader<UserById>,
    pub comment_by_id: DataLoader<CommentById>,
    pub collection_by_id: DataLoader<CollectionById>,
    pub claim_by_id: DataLoader<ClaimById>,
    pub notification_by_id: DataLoader<NotificationById>,
    pub authors_of_paper: DataLoader<AuthorsOfPaper>,
    pub paper_count_of_author: DataLoader<PaperCountOfAuthor>,
    pub comments: ListLoaders<CommentList>,
    pub papers: ListLoaders<PapersOf>,
    pub collections: ListLoaders<CollectionList>,
    pub upvoters: ListLoaders<UpvotersOf>,
    pub items: ListLoaders<ItemsOf>,
    pub viewer: Option<ViewerLoaders>,
}

impl Loaders {
    /// `delay` is how long a loader gathers keys before it queries: long enough for one wave of
    /// sibling resolvers to ask, short enough not to be felt.
    pub fn new(db: &DatabaseConnection, viewer: Option<i64>, delay: Duration) -> Self {
        let viewer_id = viewer;
        fn make<T: Loader<i64>>(loader: T, delay: Duration) -> DataLoader<T> {
            DataLoader::new(loader, tokio::spawn).delay(delay)
        }
        let voted = |kind| {
            viewer.map(|viewer| {
                make(
                    ViewerUpvoted {
                        db: db.clone(),
                        viewer,
                        kind,
                    },
                    delay,
                )
            })
        };
        let viewer = match (
            voted(VoteKind::Paper),
            voted(VoteKind::Comment),
            voted(VoteKind::Collection),
        ) {
            (Some(paper_upvoted), Some(comment_upvoted), Some(collection_upvoted)) => {
                Some(ViewerLoaders {
                    paper_upvoted,
                    comment_upvoted,
                    collection_upvoted,
                })
            }
            _ => None,
        };
        Self {
            paper_by_id: make(PaperById(db.clone()), delay),
            author_by_id: make(AuthorById(db.clone()), delay),
            user_by_id: make(UserById(db.clone()), delay),
            comment_by_id: make(CommentById(db.clone()), delay),
            collection_by_id: make(CollectionById(db.clone()), delay),
            claim_by_id: make(ClaimById(db.clone()), delay),
            notification_by_id: make(NotificationById(db.clone()), delay),
            authors_of_paper: make(AuthorsOfPaper(db.clone()), delay),
            paper_count_of_author: make(PaperCountOfAuthor(db.clone()), delay),
            comments: ListLoaders::new(db, viewer_id, delay),
            papers: ListLoaders::new(db, viewer_id, delay),
            collections: ListLoaders::new(db, viewer_id, delay),
            upvoters: ListLoaders::new(db, viewer_id, delay),
            items: ListLoaders::new(db, viewer_id, delay),
            viewer,
        }
    }
}

impl Loaders {
    /// Whether the viewer upvoted the object; false when anonymous.
    pub async fn viewer_upvoted(&self, kind: VoteKind, id: i64) -> async_graphql::Result<bool> {
        let Some(viewer) = &self.viewer else {
            return Ok(false);
        };
        let loader = match kind {
            VoteKind::Paper => &viewer.paper_upvoted,
            VoteKind::Comment => &viewer.comment_upvoted,
            VoteKind::Collection => &viewer.collection_upvoted,
        };
        Ok(loader.load_one(id).await?.unwrap_or(false))
    }

    /// The paper a row refers to; `NOT_FOUND` if it is gone.
    pub async fn paper(&self, id: i64) -> async_graphql::Result<paper::Model> {
        self.paper_by_id
            .load_one(id)
            .await?
            .ok_or_else(|| AppError::NotFound("no such paper".into()).into_gql())
    }

    /// The user a row refers to, if any.
    pub async fn user(&self, id: Option<i64>) -> async_graphql::Result<Option<user::Model>> {
        match id {
            Some(id) => self.user_by_id.load_one(id).await,
            None => Ok(None),
        }
    }
}
