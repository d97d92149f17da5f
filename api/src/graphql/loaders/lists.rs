//! Nested lists (a paper's comments, a user's papers, …): one page per parent, and their
//! sizes, for every parent of a wave in one query per distinct list and page arguments.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{collection, collection_item, comment, paper, user};
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::graphql::connection::Totals;
use crate::graphql::loaders::gql;
use crate::ids::{AuthorId, CollectionId, CommentId, PaperId, UserId};
use crate::services::collections::CollectionList;
use crate::services::discussion::{CommentList, CommentOrder};
use crate::services::pagination::{Page, PageArgs, ParentId};
use crate::services::papers::PaperList;
use crate::services::{collections, discussion, papers, votes};

/// The parents of one wave that ask for the same list, and who asks.
#[derive(Clone, Copy)]
pub struct Wave<'a, P> {
    pub db: &'a DatabaseConnection,
    pub viewer: Option<UserId>,
    pub parents: &'a [P],
}

/// What a nested list answers: the same page of each parent's list.
type Found<P, T> = Result<HashMap<P, Page<T>>, AppError>;
/// Pages with their list's size when the page's statement could read it.
type FoundCounted<P, T> = Result<HashMap<P, (Page<T>, Option<u64>)>, AppError>;
/// How many rows each parent's list holds.
type Counted<P> = Result<HashMap<P, u64>, AppError>;

/// A kind of nested list: rows that belong to a parent (a paper's comments, a user's papers, …)
/// and can be paged and counted for many parents at once. The parent's id type is the list's
/// own: a paper's comments are asked of `PaperId`s and nothing else.
pub trait NestedList: Copy + Eq + Hash + Send + Sync + 'static {
    type Parent: ParentId;
    type Row: Clone + Send + Sync + 'static;

    /// The same page of each parent's list.
    fn pages(
        self,
        wave: Wave<'_, Self::Parent>,
        args: &PageArgs,
    ) -> impl Future<Output = Found<Self::Parent, Self::Row>> + Send;

    /// The same page of each parent's list with the list's size read in the same statement
    /// where the list can; by default none is, and the size is counted separately if asked.
    fn counted_pages(
        self,
        wave: Wave<'_, Self::Parent>,
        args: &PageArgs,
    ) -> impl Future<Output = FoundCounted<Self::Parent, Self::Row>> + Send {
        async move {
            let pages = self.pages(wave, args).await?;
            Ok(pages
                .into_iter()
                .map(|(p, page)| (p, (page, None)))
                .collect())
        }
    }

    /// How many rows each parent's list holds. Lists whose size the parent row keeps (an
    /// `upvote_count`, an `item_count`) are never counted here.
    fn counts(
        self,
        _wave: Wave<'_, Self::Parent>,
    ) -> impl Future<Output = Counted<Self::Parent>> + Send {
        async {
            Err(AppError::Internal(
                "this list is counted by its parent".into(),
            ))
        }
    }
}

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
                discussion::pages(wave.db, list(self), wave.parents, args).await
            }

            async fn counted_pages(
                self,
                wave: Wave<'_, $parent>,
                args: &PageArgs,
            ) -> FoundCounted<$parent, Self::Row> {
                let list: fn(Self) -> CommentList = $list;
                discussion::counted_pages(wave.db, list(self), wave.parents, args).await
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

/// One kind of nested list, loaded for every parent of a wave: a page (one query per distinct
/// list and page arguments, whatever the page size or cursor and however many parents ask)
/// or a size (one query per list).
pub struct Lists<L> {
    db: DatabaseConnection,
    viewer: Option<UserId>,
    list: std::marker::PhantomData<L>,
    /// Why a group of a batch (one list, one page's arguments) failed. A DataLoader batch
    /// succeeds or fails whole, but one bad cursor must fail only the fields that sent it, not
    /// the other lists loaded in the same wave: failed groups are left out of the batch's answer
    /// and their error kept here for the fields that asked.
    failed: std::sync::Mutex<HashMap<(L, PageArgs), async_graphql::Error>>,
}

impl<L: NestedList> Lists<L> {
    fn fail(&self, list: L, args: &PageArgs, err: AppError) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.insert((list, args.clone()), gql(err));
    }

    /// The error of the group a page left out of its batch's answer belonged to, if it failed.
    fn failure(&self, list: L, args: &PageArgs) -> Option<async_graphql::Error> {
        let failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.get(&(list, args.clone())).cloned()
    }
}

impl<L: NestedList> Lists<L> {
    fn wave<'a>(&'a self, parents: &'a [L::Parent]) -> Wave<'a, L::Parent> {
        Wave {
            db: &self.db,
            viewer: self.viewer,
            parents,
        }
    }
}

/// A parent, its list and the page asked of it.
pub type PageKey<L> = (<L as NestedList>::Parent, L, PageArgs);

impl<L: NestedList> Loader<PageKey<L>> for Lists<L> {
    type Value = Page<L::Row>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[PageKey<L>],
    ) -> Result<HashMap<PageKey<L>, Self::Value>, Self::Error> {
        let mut groups: HashMap<(L, &PageArgs), Vec<L::Parent>> = HashMap::new();
        for (parent, list, args) in keys {
            groups.entry((*list, args)).or_default().push(*parent);
        }
        let mut pages = HashMap::with_capacity(keys.len());
        for ((list, args), parents) in groups {
            match list.pages(self.wave(&parents), args).await {
                Ok(found) => {
                    for (parent, page) in found {
                        pages.insert((parent, list, args.clone()), page);
                    }
                }
                Err(err) => self.fail(list, args, err),
            }
        }
        Ok(pages)
    }
}

/// A page asked together with its list's size (`totalCount` selected beside it).
pub struct WithTotal<L: NestedList>(PageKey<L>);

// Derived impls would ask `L::Parent` for nothing more, but derives bound `L` only.
impl<L: NestedList> Clone for WithTotal<L> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<L: NestedList> PartialEq for WithTotal<L> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<L: NestedList> Eq for WithTotal<L> {}

impl<L: NestedList> Hash for WithTotal<L> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<L: NestedList> Loader<WithTotal<L>> for Lists<L> {
    type Value = (Page<L::Row>, Option<u64>);
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[WithTotal<L>],
    ) -> Result<HashMap<WithTotal<L>, Self::Value>, Self::Error> {
        let mut groups: HashMap<(L, &PageArgs), Vec<L::Parent>> = HashMap::new();
        for WithTotal((parent, list, args)) in keys {
            groups.entry((*list, args)).or_default().push(*parent);
        }
        let mut pages = HashMap::with_capacity(keys.len());
        for ((list, args), parents) in groups {
            match list.counted_pages(self.wave(&parents), args).await {
                Ok(found) => {
                    for (parent, counted) in found {
                        pages.insert(WithTotal((parent, list, args.clone())), counted);
                    }
                }
                Err(err) => self.fail(list, args, err),
            }
        }
        Ok(pages)
    }
}

impl<L: NestedList> Loader<(L::Parent, L)> for Lists<L> {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(L::Parent, L)],
    ) -> Result<HashMap<(L::Parent, L), u64>, Self::Error> {
        let mut groups: HashMap<L, Vec<L::Parent>> = HashMap::new();
        for (parent, list) in keys {
            groups.entry(*list).or_default().push(*parent);
        }
        let mut counts = HashMap::with_capacity(keys.len());
        for (list, parents) in groups {
            let found = list.counts(self.wave(&parents)).await.map_err(gql)?;
            counts.extend(found.into_iter().map(|(parent, n)| ((parent, list), n)));
        }
        Ok(counts)
    }
}

/// The loader of the nested lists of one kind, shared with the lazily counted `totalCount`s.
pub struct ListLoaders<L: NestedList>(Arc<DataLoader<Lists<L>>>);

impl<L: NestedList> ListLoaders<L> {
    pub(super) fn new(db: &DatabaseConnection, viewer: Option<UserId>, delay: Duration) -> Self {
        let lists = Lists {
            db: db.clone(),
            viewer,
            list: std::marker::PhantomData,
            failed: Default::default(),
        };
        Self(Arc::new(DataLoader::new(lists, tokio::spawn).delay(delay)))
    }

    /// The page of `parent`'s list (an empty page when it has none).
    pub async fn page(
        &self,
        parent: L::Parent,
        list: L,
        args: PageArgs,
    ) -> async_graphql::Result<Page<L::Row>> {
        match self.0.load_one((parent, list, args.clone())).await? {
            Some(page) => Ok(page),
            None => match self.0.loader().failure(list, &args) {
                Some(err) => Err(err),
                None => Ok(Page::empty()),
            },
        }
    }

    /// The page of `parent`'s list and its `totalCount`. When the client selected `totalCount`
    /// (`total_asked`) and the list can, the size is read in the page's own statement
    /// (`NestedList::counted_pages`); otherwise it is counted lazily, as `total` does.
    pub async fn page_and_total(
        &self,
        parent: L::Parent,
        list: L,
        args: PageArgs,
        total_asked: bool,
    ) -> async_graphql::Result<(Page<L::Row>, Totals)> {
        if !total_asked {
            let page = self.page(parent, list, args).await?;
            return Ok((page, self.total(parent, list)));
        }
        let found = self
            .0
            .load_one(WithTotal((parent, list, args.clone())))
            .await?;
        Ok(match found {
            Some((page, Some(total))) => (page, Totals::new(move || async move { Ok(total) })),
            Some((page, None)) => (page, self.total(parent, list)),
            None => match self.0.loader().failure(list, &args) {
                Some(err) => return Err(err),
                None => (Page::empty(), self.total(parent, list)),
            },
        })
    }

    /// A lazy count of `parent`'s list, batched with the other parents that ask.
    pub fn total(&self, parent: L::Parent, list: L) -> Totals {
        let counts = self.0.clone();
        Totals::new(move || {
            let counts = counts.clone();
            async move {
                counts
                    .load_one((parent, list))
                    .await
                    .map(Option::unwrap_or_default)
                    .map_err(|e| AppError::Internal(e.message))
            }
        })
    }
}
