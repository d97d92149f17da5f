//! The kinds of nested list: which rows belong to which parent, and the service that pages and
//! counts them for many parents at once.

use entity::{collection, collection_item, comment, paper, user};

use super::lists::{Counted, Found, FoundCounted, NestedList, Wave};
use crate::ids::{AuthorId, CollectionId, CommentId, PaperId, UserId};
use crate::services::collections::CollectionList;
use crate::services::discussion::{CommentList, CommentOrder};
use crate::services::pagination::{PageArgs, uncounted};
use crate::services::papers::PaperList;
use crate::services::{collections, discussion, papers, votes};

/// Declares a list of comments of one kind of parent.
macro_rules! comment_list {
    ($(#[$doc:meta])* $name:ident$(($order:ident))?, $parent:ty, $list:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name$((pub $order))?;

        impl NestedList for $name {
            type Parent = $parent;
            type Row = comment::Model;

            async fn pages(self, wave: Wave<'_, $parent>, args: &PageArgs) -> Found<$parent, Self::Row> {
                let list: fn(Self) -> CommentList = $list;
                let pages = discussion::pages(wave.db, list(self), wave.parents, args, false);
                pages.await.map(uncounted)
            }

            async fn counted_pages(
                self,
                wave: Wave<'_, $parent>,
                args: &PageArgs,
            ) -> FoundCounted<$parent, Self::Row> {
                let list: fn(Self) -> CommentList = $list;
                discussion::pages(wave.db, list(self), wave.parents, args, true).await
            }

            async fn counts(self, wave: Wave<'_, $parent>) -> Counted<$parent> {
                let list: fn(Self) -> CommentList = $list;
                discussion::counts(wave.db, list(self), wave.parents).await
            }
        }
    };
}

comment_list!(
    /// A paper's top-level comments, in an order.
    CommentsOf(CommentOrder),
    PaperId,
    |list| CommentList::TopLevel(list.0)
);
comment_list!(
    /// A comment's replies.
    RepliesTo,
    CommentId,
    |_| CommentList::Replies
);
comment_list!(
    /// A user's standing comments.
    CommentsBy,
    UserId,
    |_| CommentList::ByUser
);

/// The papers listing an author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PapersOfAuthor;

impl NestedList for PapersOfAuthor {
    type Parent = AuthorId;
    type Row = paper::Model;

    async fn pages(self, wave: Wave<'_, AuthorId>, args: &PageArgs) -> Found<AuthorId, Self::Row> {
        papers::pages(wave.db, PaperList::ByAuthor, wave.parents, args).await
    }

    async fn counts(self, wave: Wave<'_, AuthorId>) -> Counted<AuthorId> {
        papers::counts(wave.db, PaperList::ByAuthor, wave.parents).await
    }
}

/// The papers of a user: one of [`PaperList`]'s lists of users, or the papers they upvoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PapersOfUser {
    Submitted,
    Authored,
    Upvoted,
}

impl NestedList for PapersOfUser {
    type Parent = UserId;
    type Row = paper::Model;

    async fn pages(self, wave: Wave<'_, UserId>, args: &PageArgs) -> Found<UserId, Self::Row> {
        match self {
            Self::Submitted => {
                papers::pages(wave.db, PaperList::SubmittedBy, wave.parents, args).await
            }
            Self::Authored => {
                papers::pages(wave.db, PaperList::AuthoredBy, wave.parents, args).await
            }
            Self::Upvoted => votes::upvoted_papers(wave.db, wave.parents, args).await,
        }
    }

    async fn counts(self, wave: Wave<'_, UserId>) -> Counted<UserId> {
        match self {
            Self::Submitted => papers::counts(wave.db, PaperList::SubmittedBy, wave.parents).await,
            Self::Authored => papers::counts(wave.db, PaperList::AuthoredBy, wave.parents).await,
            Self::Upvoted => votes::upvoted_counts(wave.db, wave.parents).await,
        }
    }
}

/// Declares a list of the collections (that the viewer may see) of one kind of parent.
macro_rules! collection_list {
    ($(#[$doc:meta])* $name:ident, $parent:ty, $list:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;

        impl NestedList for $name {
            type Parent = $parent;
            type Row = collection::Model;

            async fn pages(self, wave: Wave<'_, $parent>, args: &PageArgs) -> Found<$parent, Self::Row> {
                collections::pages(wave.db, $list, wave.viewer, wave.parents, args).await
            }

            async fn counts(self, wave: Wave<'_, $parent>) -> Counted<$parent> {
                collections::counts(wave.db, $list, wave.viewer, wave.parents).await
            }
        }
    };
}

collection_list!(
    /// The collections holding a paper.
    CollectionsHolding,
    PaperId,
    CollectionList::HoldingPaper
);
collection_list!(
    /// A user's collections.
    CollectionsOwnedBy,
    UserId,
    CollectionList::OwnedBy
);

/// The users who upvoted a paper (counted by the paper's own `upvote_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpvotersOf;

impl NestedList for UpvotersOf {
    type Parent = PaperId;
    type Row = user::Model;

    async fn pages(self, wave: Wave<'_, PaperId>, args: &PageArgs) -> Found<PaperId, Self::Row> {
        votes::upvoters(wave.db, wave.parents, args).await
    }
}

/// The items of a collection (counted by the collection's own `item_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemsOf;

impl NestedList for ItemsOf {
    type Parent = CollectionId;
    type Row = collection_item::Model;

    async fn pages(
        self,
        wave: Wave<'_, CollectionId>,
        args: &PageArgs,
    ) -> Found<CollectionId, Self::Row> {
        collections::items(wave.db, wave.parents, args).await
    }
}
