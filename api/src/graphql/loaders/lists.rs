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
use crate::services::collections::CollectionList;
use crate::services::discussion::CommentList;
use crate::services::pagination::{Page, PageArgs};
use crate::services::papers::PaperList;
use crate::services::{collections, discussion, papers, votes};

/// The parents of one wave that ask for the same list, and who asks.
#[derive(Clone, Copy)]
pub struct Wave<'a> {
    pub db: &'a DatabaseConnection,
    pub viewer: Option<i64>,
    pub parents: &'a [i64],
}

/// What a nested list answers: the same page of each parent's list.
type Found<T> = Result<HashMap<i64, Page<T>>, AppError>;
/// Pages with their list's size when the page's statement could read it.
type FoundCounted<T> = Result<HashMap<i64, (Page<T>, Option<u64>)>, AppError>;
/// How many rows each parent's list holds.
type Counted = Result<HashMap<i64, u64>, AppError>;

/// A kind of nested list: rows that belong to a parent (a paper's comments, a user's papers, …)
/// and can be paged and counted for many parents at once.
pub trait NestedList: Copy + Eq + Hash + Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    /// The same page of each parent's list.
    fn pages(
        self,
        wave: Wave<'_>,
        args: &PageArgs,
    ) -> impl Future<Output = Found<Self::Row>> + Send;

    /// The same page of each parent's list with the list's size read in the same statement
    /// where the list can; by default none is, and the size is counted separately if asked.
    fn counted_pages(
        self,
        wave: Wave<'_>,
        args: &PageArgs,
    ) -> impl Future<Output = FoundCounted<Self::Row>> + Send {
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
    fn counts(self, _wave: Wave<'_>) -> impl Future<Output = Counted> + Send {
        async {
            Err(AppError::Internal(
                "this list is counted by its parent".into(),
            ))
        }
    }
}

impl NestedList for CommentList {
    type Row = comment::Model;

    async fn pages(self, wave: Wave<'_>, args: &PageArgs) -> Found<Self::Row> {
        discussion::pages(wave.db, self, wave.parents, args).await
    }

    async fn counted_pages(self, wave: Wave<'_>, args: &PageArgs) -> FoundCounted<Self::Row> {
        discussion::counted_pages(wave.db, self, wave.parents, args).await
    }

    async fn counts(self, wave: Wave<'_>) -> Counted {
        discussion::counts(wave.db, self, wave.parents).await
    }
}

/// The papers of a parent: one of [`PaperList`], or the papers a user upvoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PapersOf {
    List(PaperList),
    UpvotedBy,
}

impl NestedList for PapersOf {
    type Row = paper::Model;

    async fn pages(self, wave: Wave<'_>, args: &PageArgs) -> Found<Self::Row> {
        match self {
            Self::List(list) => papers::pages(wave.db, list, wave.parents, args).await,
            Self::UpvotedBy => votes::upvoted_papers(wave.db, wave.parents, args).await,
        }
    }

    async fn counts(self, wave: Wave<'_>) -> Counted {
        match self {
            Self::List(list) => papers::counts(wave.db, list, wave.parents).await,
            Self::UpvotedBy => votes::upvoted_counts(wave.db, wave.parents).await,
        }
    }
}

impl NestedList for CollectionList {
    type Row = collection::Model;

    async fn pages(self, wave: Wave<'_>, args: &PageArgs) -> Found<Self::Row> {
        collections::pages(wave.db, self, wave.viewer, wave.parents, args).await
    }

    async fn counts(self, wave: Wave<'_>) -> Counted {
        collections::counts(wave.db, self, wave.viewer, wave.parents).await
    }
}

/// The users who upvoted a paper (counted by the paper's own `upvote_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpvotersOf;

impl NestedList for UpvotersOf {
    type Row = user::Model;

    async fn pages(self, wave: Wave<'_>, args: &PageArgs) -> Found<Self::Row> {
        votes::upvoters(wave.db, wave.parents, args).await
    }
}

/// The items of a collection (counted by the collection's own `item_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemsOf;

impl NestedList for ItemsOf {
    type Row = collection_item::Model;

    async fn pages(self, wave: Wave<'_>, args: &PageArgs) -> Found<Self::Row> {
        collections::items(wave.db, wave.parents, args).await
    }
}

/// One kind of nested list, loaded for every parent of a wave: a page (one query per distinct
/// list and page arguments, whatever the page size or cursor and however many parents ask)
/// or a size (one query per list).
pub struct Lists<L> {
    db: DatabaseConnection,
    viewer: Option<i64>,
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

impl<L> Lists<L> {
    fn wave<'a>(&'a self, parents: &'a [i64]) -> Wave<'a> {
        Wave {
            db: &self.db,
            viewer: self.viewer,
            parents,
        }
    }
}

/// A parent, its list and the page asked of it.
pub type PageKey<L> = (i64, L, PageArgs);

impl<L: NestedList> Loader<PageKey<L>> for Lists<L> {
    type Value = Page<L::Row>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[PageKey<L>],
    ) -> Result<HashMap<PageKey<L>, Self::Value>, Self::Error> {
        let mut groups: HashMap<(L, &PageArgs), Vec<i64>> = HashMap::new();
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
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WithTotal<L>(PageKey<L>);

impl<L: NestedList> Loader<WithTotal<L>> for Lists<L> {
    type Value = (Page<L::Row>, Option<u64>);
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[WithTotal<L>],
    ) -> Result<HashMap<WithTotal<L>, Self::Value>, Self::Error> {
        let mut groups: HashMap<(L, &PageArgs), Vec<i64>> = HashMap::new();
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

impl<L: NestedList> Loader<(i64, L)> for Lists<L> {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[(i64, L)]) -> Result<HashMap<(i64, L), u64>, Self::Error> {
        let mut groups: HashMap<L, Vec<i64>> = HashMap::new();
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
    pub(super) fn new(db: &DatabaseConnection, viewer: Option<i64>, delay: Duration) -> Self {
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
        parent: i64,
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
        parent: i64,
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
    pub fn total(&self, parent: i64, list: L) -> Totals {
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
