//! The lists of papers that belong to a parent (an author's papers, a user's submissions and
//! authored papers), paged and counted for many parents at once.

use std::collections::HashMap;

use entity::{author, paper, paper_author};
use sea_orm::sea_query::{ColumnRef, Expr, ExprTrait};
use sea_orm::{DatabaseConnection, EntityTrait, QueryTrait, Select};

use crate::error::AppError;
use crate::services::pagination::{Page, PageArgs, ParentId, counts_of, qualified, uncounted};
use crate::services::papers::PaperOrder;

/// A list of papers that belongs to a parent, paged for many parents at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaperList {
    /// The papers listing an author identity, latest to enter the feed first.
    ByAuthor,
    /// The papers a user submitted, latest first.
    SubmittedBy,
    /// The papers listing an author identity a user claimed, latest published first.
    AuthoredBy,
}

impl PaperList {
    pub fn order(self) -> PaperOrder {
        match self {
            Self::ByAuthor | Self::SubmittedBy => PaperOrder::SubmittedAt,
            Self::AuthoredBy => PaperOrder::PublishedAt,
        }
    }

    /// The papers of every parent's list, and the column that names each row's parent.
    fn parts(self) -> (Select<paper::Entity>, ColumnRef) {
        match self {
            Self::ByAuthor => (
                with_authors(false),
                qualified(paper_author::Column::AuthorId),
            ),
            Self::SubmittedBy => (paper::Entity::find(), qualified(paper::Column::SubmittedBy)),
            Self::AuthoredBy => (with_authors(true), qualified(author::Column::UserId)),
        }
    }
}

/// Papers joined to their author links (and, with `identities`, to the author identities).
fn with_authors(identities: bool) -> Select<paper::Entity> {
    let mut select = paper::Entity::find();
    let query = QueryTrait::query(&mut select);
    query.inner_join(
        paper_author::Entity,
        Expr::col((paper_author::Entity, paper_author::Column::PaperId))
            .equals((paper::Entity, paper::Column::Id)),
    );
    if identities {
        query.inner_join(
            author::Entity,
            Expr::col((author::Entity, author::Column::Id))
                .equals((paper_author::Entity, paper_author::Column::AuthorId)),
        );
    }
    select
}

/// The same page of the list of each parent (an author, or a user), in one query.
pub async fn pages<Id: ParentId>(
    db: &DatabaseConnection,
    list: PaperList,
    parents: &[Id],
    args: &PageArgs,
) -> Result<HashMap<Id, Page<paper::Model>>, AppError> {
    let (order, (select, parent)) = (list.order(), list.parts());
    let keyset = order.keyset();
    let cursor = |row: &paper::Model| keyset.cursor(order.key_of(row), row.id);
    let pages = keyset.pages_of(db, select, parent, parents, args, false, cursor);
    pages.await.map(uncounted)
}

/// How many papers the list of each parent holds, in one query.
pub async fn counts<Id: ParentId>(
    db: &DatabaseConnection,
    list: PaperList,
    parents: &[Id],
) -> Result<HashMap<Id, u64>, AppError> {
    let (select, parent) = list.parts();
    counts_of(db, select, parent, parents).await
}
