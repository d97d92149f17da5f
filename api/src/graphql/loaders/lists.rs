//! Nested lists (a paper's comments, a user's papers, …): one page per parent, and their
//! sizes, for every parent of a wave in one query per distinct list and page arguments.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::Loader;
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::graphql::connection::Totals;
use crate::graphql::loaders::{Batch, gql};
use crate::ids::UserId;
use crate::services::pagination::{Page, PageArgs, ParentId};

/// The parents of one wave that ask for the same list, and who asks.
#[derive(Clone, Copy)]
pub struct Wave<'a, P> {
    pub db: &'a DatabaseConnection,
    pub viewer: Option<UserId>,
    pub parents: &'a [P],
}

/// What a nested list answers: the same page of each parent's list.
pub(super) type Found<P, T> = Result<HashMap<P, Page<T>>, AppError>;
/// Pages with their list's size when the page's statement could read it.
pub(super) type FoundCounted<P, T> = Result<HashMap<P, (Page<T>, Option<u64>)>, AppError>;
/// How many rows each parent's list holds.
pub(super) type Counted<P> = Result<HashMap<P, u64>, AppError>;

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

/// One kind of nested list, loaded for every parent of a wave: a page (one query per distinct
/// list and page arguments, whatever the page size or cursor and however many parents ask)
/// or a size (one query per list).
pub struct Lists<L> {
    db: DatabaseConnection,
    viewer: Option<UserId>,
    list: std::marker::PhantomData<L>,
    /// Why a group of a batch (one list, one page's arguments) failed. A loader's batch
    /// succeeds or fails whole, but one bad cursor must fail only the fields that sent it, not
    /// the other lists loaded in the same wave: failed groups are left out of the batch's answer
    /// and their error kept here for the fields that asked.
    failed: std::sync::Mutex<HashMap<(L, PageArgs), async_graphql::Error>>,
}

impl<L: NestedList> Lists<L> {
    fn wave<'a>(&'a self, parents: &'a [L::Parent]) -> Wave<'a, L::Parent> {
        Wave {
            db: &self.db,
            viewer: self.viewer,
            parents,
        }
    }

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

/// A page of a parent's list, and whether its list's size is asked along (`totalCount`
/// selected beside it).
pub struct PageKey<L: NestedList> {
    parent: L::Parent,
    list: L,
    args: PageArgs,
    counted: bool,
}

// Derived impls would ask `L::Parent` for nothing more, but derives bound `L` only.
impl<L: NestedList> Clone for PageKey<L> {
    fn clone(&self) -> Self {
        Self {
            args: self.args.clone(),
            ..*self
        }
    }
}

impl<L: NestedList> PartialEq for PageKey<L> {
    fn eq(&self, other: &Self) -> bool {
        (self.parent, self.list, &self.args, self.counted)
            == (other.parent, other.list, &other.args, other.counted)
    }
}

impl<L: NestedList> Eq for PageKey<L> {}

impl<L: NestedList> Hash for PageKey<L> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.parent, self.list, &self.args, self.counted).hash(state);
    }
}

impl<L: NestedList> Loader<PageKey<L>> for Lists<L> {
    type Value = (Page<L::Row>, Option<u64>);
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[PageKey<L>],
    ) -> Result<HashMap<PageKey<L>, Self::Value>, Self::Error> {
        let mut groups: HashMap<(L, &PageArgs, bool), Vec<L::Parent>> = HashMap::new();
        for key in keys {
            let group = (key.list, &key.args, key.counted);
            groups.entry(group).or_default().push(key.parent);
        }
        let mut pages = HashMap::with_capacity(keys.len());
        for ((list, args, counted), parents) in groups {
            let wave = self.wave(&parents);
            let found = if counted {
                list.counted_pages(wave, args).await
            } else {
                let found = list.pages(wave, args).await;
                found.map(|pages| {
                    pages
                        .into_iter()
                        .map(|(p, page)| (p, (page, None)))
                        .collect()
                })
            };
            match found {
                Ok(found) => {
                    pages.extend(found.into_iter().map(|(parent, page)| {
                        let args = args.clone();
                        let key = PageKey {
                            parent,
                            list,
                            args,
                            counted,
                        };
                        (key, page)
                    }));
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

/// The sizes of one kind of nested list, by parent.
type Sizes<L> = Batch<(<L as NestedList>::Parent, L), Lists<L>>;

/// The loaders of the nested lists of one kind: their pages, and their sizes (shared with the
/// lazily counted `totalCount`s).
pub struct ListLoaders<L: NestedList> {
    pages: Batch<PageKey<L>, Lists<L>>,
    sizes: Arc<Sizes<L>>,
}

impl<L: NestedList> ListLoaders<L> {
    pub(super) fn new(db: &DatabaseConnection, viewer: Option<UserId>, delay: Duration) -> Self {
        let lists = || Lists {
            db: db.clone(),
            viewer,
            list: std::marker::PhantomData,
            failed: Default::default(),
        };
        Self {
            pages: Batch::new(lists(), delay),
            sizes: Arc::new(Batch::new(lists(), delay)),
        }
    }

    /// The page of `parent`'s list (an empty page when it has none), with its size when
    /// `counted` asked for it and the page's statement could read it (else the size is counted
    /// lazily when asked).
    async fn load(
        &self,
        parent: L::Parent,
        list: L,
        args: PageArgs,
        counted: bool,
    ) -> async_graphql::Result<(Page<L::Row>, Option<u64>)> {
        let key = PageKey {
            parent,
            list,
            args: args.clone(),
            counted,
        };
        match self.pages.load_one(key).await? {
            Some(found) => Ok(found),
            None => match self.pages.loader().failure(list, &args) {
                Some(err) => Err(err),
                None => Ok((Page::empty(), None)),
            },
        }
    }

    /// The page of `parent`'s list (an empty page when it has none).
    pub async fn page(
        &self,
        parent: L::Parent,
        list: L,
        args: PageArgs,
    ) -> async_graphql::Result<Page<L::Row>> {
        Ok(self.load(parent, list, args, false).await?.0)
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
        Ok(match self.load(parent, list, args, total_asked).await? {
            (page, Some(total)) => (page, Totals::new(move || async move { Ok(total) })),
            (page, None) => (page, self.total(parent, list)),
        })
    }

    /// A lazy count of `parent`'s list, batched with the other parents that ask.
    pub fn total(&self, parent: L::Parent, list: L) -> Totals {
        let counts = self.sizes.clone();
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
