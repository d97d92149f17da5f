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

/// A kind of nested list: rows that belong to a parent (a paper's comments, a user's papers, …)
/// and can be paged and counted for many parents at once.
pub trait NestedList: Copy + Eq + Hash + Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    /// The same page of each parent's list.
    fn pages(
        self,
        db: &DatabaseConnection,
        viewer: Option<i64>,
        parents: &[i64],
        args: &PageArgs,
    ) -> impl Future<Output = Result<HashMap<i64, Page<Self::Row>>, AppError>> + Send;

    /// How many rows each parent's list holds. Lists whose size the parent row keeps (an
    /// `upvote_count`, an `item_count`) are never counted here.
    fn counts(
        self,
        _db: &DatabaseConnection,
        _viewer: Option<i64>,
        _parents: &[i64],
    ) -> impl Future<Output = Result<HashMap<i64, u64>, AppError>> + Send {
        async {
            Err(AppError::Internal(
                "this list is counted by its parent".into(),
            ))
        }
    }
}

impl NestedList for CommentList {
    type Row = comment::Model;

    async fn pages(
        self,
        db: &DatabaseConnection,
        _: Option<i64>,
        parents: &[i64],
        args: &PageArgs,
    ) -> Result<HashMap<i64, Page<comment::Model>>, AppError> {
        discussion::pages(db, self, parents, args).await
    }

    async fn counts(
        self,
        db: &DatabaseConnection,
        _: Option<i64>,
        parents: &[i64],
    ) -> Result<HashMap<i64, u64>, AppError> {
        discussion::counts(db, self, parents).await
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

    async fn pages(
        self,
        db: &DatabaseConnection,
        _: Option<i64>,
        parents: &[i64],
        args: &PageArgs,
    ) -> Result<HashMap<i64, Page<paper::Model>>, AppError> {
        match self {
            Self::List(list) => papers::pages(db, list, parents, args).await,
            Self::UpvotedBy => votes::upvoted_papers(db, parents, args).await,
        }
    }

    async fn counts(
        self,
        db: &DatabaseConnection,
        _: Option<i64>,
        parents: &[i64],
    ) -> Result<HashMap<i64, u64>, AppError> {
        match self {
            Self::List(list) => papers::counts(db, list, parents).await,
            Self::UpvotedBy => votes::upvoted_counts(db, parents).await,
        }
    }
}

impl NestedList for CollectionList {
    type Row = collection::Model;

    async fn pages(
        self,
        db: &DatabaseConnection,
        viewer: Option<i64>,
        parents: &[i64],
        args: &PageArgs,
    ) -> Result<HashMap<i64, Page<collection::Model>>, AppError> {
        collections::pages(db, self, viewer, parents, args).await
    }

    async fn counts(
        self,
        db: &DatabaseConnection,
        viewer: Option<i64>,
        parents: &[i64],
    ) -> Result<HashMap<i64, u64>, AppError> {
        collections::counts(db, self, viewer, parents).await
    }
}

/// The users who upvoted a paper (counted by the paper's own `upvote_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpvotersOf;

impl NestedList for UpvotersOf {
    type Row = user::Model;

    async fn pages(
        self,
        db: &DatabaseConnection,
        _: Option<i64>,
        parents: &[i64],
        args: &PageArgs,
    ) -> Result<HashMap<i64, Page<user::Model>>, AppError> {
        votes::upvoters(db, parents, args).await
    }
}

/// The items of a collection (counted by the collection's own `item_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemsOf;

impl NestedList for ItemsOf {
    type Row = collection_item::Model;

    async fn pages(
        self,
        db: &DatabaseConnection,
        _: Option<i64>,
        parents: &[i64],
        args: &PageArgs,
    ) -> Result<HashMap<i64, Page<collection_item::Model>>, AppError> {
        collections::items(db, parents, args).await
    }
}

/// Pages of a kind of nested list, for every parent of a wave: one query per distinct list and
/// page arguments, whatever the page size or cursor and however many parents ask.
pub struct Pages<L> {
    db: DatabaseConnection,
    viewer: Option<i64>,
    list: std::marker::PhantomData<L>,
}

/// A parent, its list and the page asked of it.
pub type PageKey<L> = (i64, L, PageArgs);

impl<L: NestedList> Loader<PageKey<L>> for Pages<L> {
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
            let found = list
                .pages(&self.db, self.viewer, &parents, args)
                .await
                .map_err(gql)?;
            for (parent, page) in found {
                pages.insert((parent, list, args.clone()), page);
            }
        }
        Ok(pages)
    }
}

/// The sizes of a kind of nested list, for every parent of a wave: one query per list.
pub struct Counts<L> {
    db: DatabaseConnection,
    viewer: Option<i64>,
    list: std::marker::PhantomData<L>,
}

impl<L: NestedList> Loader<(i64, L)> for Counts<L> {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[(i64, L)]) -> Result<HashMap<(i64, L), u64>, Self::Error> {
        let mut groups: HashMap<L, Vec<i64>> = HashMap::new();
        for (parent, list) in keys {
            groups.entry(*list).or_default().push(*parent);
        }
        let mut counts = HashMap::with_capacity(keys.len());
        for (list, parents) in groups {
            let found = list
                .counts(&self.db, self.viewer, &parents)
                .await
                .map_err(gql)?;
            counts.extend(found.into_iter().map(|(parent, n)| ((parent, list), n)));
        }
        Ok(counts)
    }
}

/// The loaders of the nested lists of one kind: pages, and counts shared with the lazily
/// counted `totalCount`s.
pub struct ListLoaders<L: NestedList> {
    pub pages: DataLoader<Pages<L>>,
    pub counts: Arc<DataLoader<Counts<L>>>,
}

impl<L: NestedList> ListLoaders<L> {
    pub(super) fn new(db: &DatabaseConnection, viewer: Option<i64>, delay: Duration) -> Self {
        let list = std::marker::PhantomData;
        Self {
            pages: DataLoader::new(
                Pages {
                    db: db.clone(),
                    viewer,
                    list,
                },
                tokio::spawn,
            )
            .delay(delay),
            counts: Arc::new(
                DataLoader::new(
                    Counts {
                        db: db.clone(),
                        viewer,
                        list,
                    },
                    tokio::spawn,
                )
                .delay(delay),
            ),
        }
    }

    /// The page of `parent`'s list (an empty page when it has none).
    pub async fn page(
        &self,
        parent: i64,
        list: L,
        args: PageArgs,
    ) -> async_graphql::Result<Page<L::Row>> {
        Ok(self
            .pages
            .load_one((parent, list, args))
            .await?
            .unwrap_or_else(Page::empty))
    }

    /// A lazy count of `parent`'s list, batched with the other parents that ask.
    pub fn total(&self, parent: i64, list: L) -> Totals {
        let counts = self.counts.clone();
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
