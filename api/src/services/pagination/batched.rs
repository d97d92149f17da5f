//! Pages and counts of many parents' lists in one statement each: what DataLoaders use so that
//! a nested list costs the same number of queries whatever the number of parents on a page.

use std::collections::HashMap;

use sea_orm::DeriveIden;
use sea_orm::sea_query::{ColumnRef, Iden, IntoColumnRef};

use crate::error::AppError;
use crate::services::pagination::{Direction, KeyKind, Keyset, Page, PageArgs, ParentId};

/// The names the statements below give to what they compute.
#[derive(DeriveIden)]
enum Paging {
    /// Which parent's list a row belongs to.
    PageParent,
    /// The size of that list.
    PageTotal,
    /// The row's place in its list's page order.
    PageRank,
    /// The numbered rows.
    Ranked,
    /// A parent's count of rows.
    N,
}

impl<C: sea_orm::ColumnTrait> Keyset<C> {
    /// The same page of each of several parents' lists, in one statement: the rows of every
    /// parent are numbered in the page's order (`ROW_NUMBER() OVER (PARTITION BY parent …)`)
    /// and the first `size + 1` of each kept; a single parent's page is read in order with a
    /// `LIMIT` instead. `select` holds the rows of all the lists (joined
    /// as needed); `parent` is the column, of its table or a joined one, that tells which list
    /// a row belongs to. Every parent asked for gets a page, empty when it has no rows.
    ///
    /// With `count`, each parent's list size is read in the same statement: one parent's from a
    /// sub-select evaluated once (so the page itself still stops after `size + 1` rows of the
    /// index), several parents' from a `COUNT(*)` over the same partition the rows are numbered
    /// in. A size the statement cannot tell (several parents after a cursor, or one parent's
    /// empty page after a cursor), or not asked, is `None`: the caller counts separately.
    #[allow(clippy::too_many_arguments)]
    pub async fn pages_of<E, Id: ParentId>(
        &self,
        db: &sea_orm::DatabaseConnection,
        select: sea_orm::Select<E>,
        parent: ColumnRef,
        parents: &[Id],
        args: &PageArgs,
        count: bool,
        cursor_of: impl Fn(&E::Model) -> String,
    ) -> Result<HashMap<Id, (Page<E::Model>, Option<u64>)>, AppError>
    where
        E: sea_orm::EntityTrait<Column = C>,
    {
        use sea_orm::sea_query::{
            Asterisk, Expr, ExprTrait, Order, Query, SubQueryStatement, WindowStatement,
        };
        use sea_orm::{ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait};

        let mut pages: HashMap<Id, Vec<E::Model>> =
            parents.iter().map(|p| (*p, Vec::new())).collect();
        if parents.is_empty() {
            return Ok(HashMap::new());
        }
        let select = select.filter(Expr::col(parent.clone()).is_in(parents.iter().copied()));
        // How the list sizes are read along, if they are.
        let one_parent = parents.len() == 1;
        let sizes = if !count {
            None
        } else if one_parent {
            let size = select
                .clone()
                .select_only()
                .expr(Expr::cust("COUNT(*)"))
                .into_query();
            Some(Expr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(size)),
            ))
        } else if args.cursor.is_none() {
            Some(Expr::cust("COUNT(*)"))
        } else {
            None
        };
        let (select, ascending) = self.after_cursor(select, args)?;
        let order = if ascending { Order::Asc } else { Order::Desc };
        let qualified = |column: C| Expr::col((column.entity_name(), column));
        // The page's order: (nulls of a nullable key,) the key, the tiebreak.
        let mut orders = Vec::new();
        if self.kind == KeyKind::NullableTime {
            let nulls = if args.direction == Direction::Forward {
                Order::Asc
            } else {
                Order::Desc
            };
            orders.push((qualified(self.key).is_null(), nulls));
        }
        if self.kind != KeyKind::None {
            orders.push((qualified(self.key), order.clone()));
        }
        orders.push((qualified(self.tiebreak), order));
        let limit = args.size + 1;
        let mut inner = select.into_query();
        inner.expr_as(Expr::col(parent.clone()), Paging::PageParent);
        let counted = sizes.is_some();
        let outer = if one_parent {
            // One parent (a paper's page, a user's profile): the page straight from an index in
            // its order, without numbering every row of a list that may be long.
            if let Some(size) = sizes {
                inner.expr_as(size, Paging::PageTotal);
            }
            for (expr, order) in orders {
                inner.order_by_expr(expr, order);
            }
            inner.limit(limit).to_owned()
        } else {
            if let Some(size) = sizes {
                let all = WindowStatement::partition_by(parent.clone());
                inner.expr_window_as(size, all, Paging::PageTotal);
            }
            let mut window = WindowStatement::partition_by(parent.clone());
            for (expr, order) in orders {
                window.order_by_expr(expr, order);
            }
            inner.expr_window_as(Expr::cust("ROW_NUMBER()"), window, Paging::PageRank);
            Query::select()
                .column(Asterisk)
                .from_subquery(inner, Paging::Ranked)
                .and_where(
                    Expr::col(Paging::PageRank).lte(i64::try_from(limit).unwrap_or(i64::MAX)),
                )
                .order_by(Paging::PageParent, Order::Asc)
                .order_by(Paging::PageRank, Order::Asc)
                .to_owned()
        };
        let mut totals = HashMap::new();
        for row in db.query_all(&outer).await? {
            let parent: Id = row.try_get("", &Paging::PageParent.to_string())?;
            if counted && !totals.contains_key(&parent) {
                let total: i64 = row.try_get("", &Paging::PageTotal.to_string())?;
                totals.insert(parent, u64::try_from(total).unwrap_or(0));
            }
            let model = E::Model::from_query_result(&row, "")?;
            pages.entry(parent).or_default().push(model);
        }
        // A parent without a row on a first page has an empty list.
        let empty = (counted && args.cursor.is_none()).then_some(0);
        Ok(pages
            .into_iter()
            .map(|(parent, rows)| {
                let total = totals.get(&parent).copied().or(empty);
                (parent, (Page::from_rows(args, rows, &cursor_of), total))
            })
            .collect())
    }
}

/// A column named with its table, as the parent column of [`Keyset::pages_of`] and
/// [`counts_of`]: of the listed rows' table or of one joined to it.
pub fn qualified<C: sea_orm::ColumnTrait>(column: C) -> ColumnRef {
    (column.entity_name(), column).into_column_ref()
}

/// Pages without the sizes [`Keyset::pages_of`] did not count.
pub fn uncounted<Id: ParentId, T>(
    pages: HashMap<Id, (Page<T>, Option<u64>)>,
) -> HashMap<Id, Page<T>> {
    pages.into_iter().map(|(p, (page, _))| (p, page)).collect()
}

/// How many rows each parent's list holds, in one statement (`GROUP BY parent`): the
/// `totalCount` of a nested connection for every parent of a page. `select` and `parent` are
/// as for [`Keyset::pages_of`]; a parent without rows counts 0.
pub async fn counts_of<E, Id: ParentId>(
    db: &sea_orm::DatabaseConnection,
    select: sea_orm::Select<E>,
    parent: ColumnRef,
    parents: &[Id],
) -> Result<HashMap<Id, u64>, AppError>
where
    E: sea_orm::EntityTrait,
{
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ConnectionTrait, QueryFilter, QuerySelect, QueryTrait};

    let mut counts: HashMap<Id, u64> = parents.iter().map(|p| (*p, 0)).collect();
    if parents.is_empty() {
        return Ok(counts);
    }
    let column = || Expr::col(parent.clone());
    let mut query = select
        .filter(column().is_in(parents.iter().copied()))
        .select_only()
        .group_by(column())
        .into_query();
    query
        .expr_as(column(), Paging::PageParent)
        .expr_as(Expr::cust("COUNT(*)"), Paging::N);
    for row in db.query_all(&query).await? {
        let parent: Id = row.try_get("", &Paging::PageParent.to_string())?;
        let n: i64 = row.try_get("", &Paging::N.to_string())?;
        counts.insert(parent, u64::try_from(n).unwrap_or(0));
    }
    Ok(counts)
}
