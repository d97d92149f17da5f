//! Relay-style keyset pagination: page arguments, opaque cursors and pages.
//!
//! A cursor is the base64url encoding of `<scope>|<sort key>|<id>`. The scope names the list and
//! its order, so a cursor from another list or order is refused rather than misread; a cursor
//! that does not decode, or whose key does not parse, is `BAD_USER_INPUT` too — never an
//! internal error.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AppError;

/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Which way a page runs from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `first`/`after`: from the start (or the cursor) towards the end.
    Forward,
    /// `last`/`before`: from the end (or the cursor) towards the start.
    Backward,
}

/// Validated page arguments: a size, a direction and, maybe, a cursor to start from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageArgs {
    pub size: u64,
    pub direction: Direction,
    pub cursor: Option<String>,
}

impl PageArgs {
    /// Checks `first/after/last/before` as Relay defines them; `first` and `last` must lie in
    /// 1..=100, and forward and backward arguments cannot be mixed.
    pub fn parse(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Self, AppError> {
        let size = |name: &str, value: i32| -> Result<u64, AppError> {
            u64::try_from(value)
                .ok()
                .filter(|v| (1..=MAX_PAGE_SIZE).contains(v))
                .ok_or_else(|| {
                    AppError::bad_input(
                        name,
                        format!("{name} must be between 1 and {MAX_PAGE_SIZE}"),
                    )
                })
        };
        match (first, after, last, before) {
            (Some(_), _, Some(_), _) => {
                Err(AppError::bad_input("last", "give first or last, not both"))
            }
            (_, Some(_), _, Some(_)) => Err(AppError::bad_input(
                "before",
                "give after or before, not both",
            )),
            (first, after, None, None) => Ok(Self {
                size: first
                    .map(|n| size("first", n))
                    .transpose()?
                    .unwrap_or(DEFAULT_PAGE_SIZE),
                direction: Direction::Forward,
                cursor: after,
            }),
            (None, None, last, before) => Ok(Self {
                size: last
                    .map(|n| size("last", n))
                    .transpose()?
                    .unwrap_or(DEFAULT_PAGE_SIZE),
                direction: Direction::Backward,
                cursor: before,
            }),
            (Some(_), None, None, Some(_)) => {
                Err(AppError::bad_input("before", "use before with last"))
            }
            (None, Some(_), Some(_), None) => {
                Err(AppError::bad_input("after", "use after with first"))
            }
        }
    }

    /// The name of the cursor argument, for error messages.
    pub fn cursor_field(&self) -> &'static str {
        match self.direction {
            Direction::Forward => "after",
            Direction::Backward => "before",
        }
    }
}

/// Encodes a cursor for a row of a list.
pub fn encode_cursor(scope: &str, key: &str, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{scope}|{key}|{id}"))
}

/// Decodes a cursor of the given scope into its sort key (still a string) and row id.
pub fn decode_cursor(cursor: &str, scope: &str, field: &str) -> Result<(String, i64), AppError> {
    let invalid = || {
        AppError::bad_input(
            field,
            format!("{field} is not a valid cursor for this list"),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.rsplitn(2, '|');
    let id = parts
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(invalid)?;
    let rest = parts.next().ok_or_else(invalid)?;
    let (found_scope, key) = rest.split_once('|').ok_or_else(invalid)?;
    if found_scope != scope {
        return Err(invalid());
    }
    Ok((key.to_owned(), id))
}

/// One page of a list, in the list's order, with each item's cursor.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(String, T)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

impl<T> Page<T> {
    /// A page with no items, and none beyond it.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        }
    }

    /// Builds a page from rows fetched in the page's direction, one more than the page size
    /// having been asked for (the extra row only tells that more exist).
    pub fn from_rows(args: &PageArgs, mut rows: Vec<T>, cursor_of: impl Fn(&T) -> String) -> Self {
        let size = usize::try_from(args.size).unwrap_or(usize::MAX);
        let more = rows.len() > size;
        rows.truncate(size);
        if args.direction == Direction::Backward {
            rows.reverse();
        }
        let started_from_cursor = args.cursor.is_some();
        let (has_next_page, has_previous_page) = match args.direction {
            Direction::Forward => (more, started_from_cursor),
            Direction::Backward => (started_from_cursor, more),
        };
        Self {
            items: rows.into_iter().map(|row| (cursor_of(&row), row)).collect(),
            has_next_page,
            has_previous_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_scopes() {
        let cursor = encode_cursor("papers:trending", "0.25", 42);
        let decoded = decode_cursor(&cursor, "papers:trending", "after");
        assert!(matches!(decoded, Ok((ref key, 42)) if key == "0.25"));
        assert!(decode_cursor(&cursor, "papers:upvotes", "after").is_err());
        assert!(decode_cursor("not base64 !", "papers:trending", "after").is_err());
        assert!(decode_cursor(&cursor[..cursor.len() - 2], "papers:trending", "after").is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert!(PageArgs::parse(Some(0), None, None, None).is_err());
        assert!(PageArgs::parse(Some(-1), None, None, None).is_err());
        assert!(PageArgs::parse(Some(101), None, None, None).is_err());
        assert!(PageArgs::parse(Some(100), None, None, None).is_ok());
        assert!(matches!(
            PageArgs::parse(None, None, None, None),
            Ok(PageArgs { size: 20, .. })
        ));
    }
}

/// How many rows each parent's list holds, in one statement (`GROUP BY parent`): the
/// `totalCount` of a nested connection for every parent of a page. `select` and `parent` are
/// as for [`Keyset::pages_of`]; a parent without rows counts 0.
pub async fn counts_of<E, P>(
    db: &sea_orm::DatabaseConnection,
    select: sea_orm::Select<E>,
    parent: P,
    parents: &[i64],
) -> Result<std::collections::HashMap<i64, u64>, AppError>
where
    E: sea_orm::EntityTrait,
    P: sea_orm::ColumnTrait,
{
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{FromQueryResult, QueryFilter, QuerySelect};

    #[derive(FromQueryResult)]
    struct Count {
        page_parent: i64,
        n: i64,
    }
    let mut counts: std::collections::HashMap<i64, u64> = parents.iter().map(|p| (*p, 0)).collect();
    if parents.is_empty() {
        return Ok(counts);
    }
    let column = || Expr::col((parent.entity_name(), parent));
    let rows = select
        .filter(column().is_in(parents.iter().copied()))
        .select_only()
        .expr_as(column(), "page_parent")
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .group_by(column())
        .into_model::<Count>()
        .all(db)
        .await?;
    for row in rows {
        counts.insert(row.page_parent, u64::try_from(row.n).unwrap_or(0));
    }
    Ok(counts)
}

/// A sort key value, as a row carries it and a cursor stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    Int(i64),
    Float(f64),
    /// A timestamp; `None` for a nullable column's NULL, which sorts after every value.
    Time(Option<chrono::DateTime<chrono::Utc>>),
    /// The list is ordered by its tie-breaker alone.
    None,
}

impl Key {
    fn encode(self) -> String {
        match self {
            Self::Int(v) => v.to_string(),
            Self::Float(v) => v.to_string(),
            Self::Time(Some(t)) => t.timestamp_micros().to_string(),
            Self::Time(None) | Self::None => String::new(),
        }
    }
}

/// The kind of a sort key, to parse a cursor's key back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Float,
    Time,
    NullableTime,
    None,
}

impl KeyKind {
    /// The database value of a cursor's key: `Some(None)` for a NULL, `None` when malformed.
    fn parse(self, text: &str) -> Option<Option<sea_orm::Value>> {
        let time = |t: &str| {
            t.parse::<i64>()
                .ok()
                .and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_micros)
                .map(sea_orm::Value::from)
        };
        match self {
            Self::Int => text.parse::<i64>().ok().map(|v| Some(v.into())),
            Self::Float => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| Some(v.into())),
            Self::Time => time(text).map(Some),
            Self::NullableTime if text.is_empty() => Some(None),
            Self::NullableTime => time(text).map(Some),
            Self::None => text.is_empty().then_some(None),
        }
    }
}

/// A keyset ordering of one table: a sort key then a unique tie-breaker column, both ascending
/// or both descending. Applies the cursor, the order and the limit of a page to a query.
pub struct Keyset<C> {
    /// Names the list and its order inside cursors, so that a cursor of another list is refused.
    pub scope: &'static str,
    pub key: C,
    pub kind: KeyKind,
    pub tiebreak: C,
    pub descending: bool,
}

impl<C: sea_orm::ColumnTrait> Keyset<C> {
    pub fn cursor(&self, key: Key, id: i64) -> String {
        encode_cursor(self.scope, &key.encode(), id)
    }

    /// Adds the page's cursor condition, order and limit (one row more than the page, to tell
    /// whether more follow).
    pub fn apply<E>(
        &self,
        select: sea_orm::Select<E>,
        args: &PageArgs,
    ) -> Result<sea_orm::Select<E>, AppError>
    where
        E: sea_orm::EntityTrait<Column = C>,
    {
        use sea_orm::sea_query::{Expr, ExprTrait, Order};
        use sea_orm::{QueryOrder, QuerySelect};

        let (mut select, ascending) = self.after_cursor(select, args)?;
        let forward = args.direction == Direction::Forward;
        let order = if ascending { Order::Asc } else { Order::Desc };
        if self.kind == KeyKind::NullableTime {
            // NULLs sort last in the list's order.
            let nulls = if forward { Order::Asc } else { Order::Desc };
            select = select.order_by(Expr::col(self.key).is_null(), nulls);
        }
        if self.kind != KeyKind::None {
            select = select.order_by(self.key, order.clone());
        }
        Ok(select.order_by(self.tiebreak, order).limit(args.size + 1))
    }

    /// The page's cursor condition, and whether rows are read in ascending order (the list's
    /// own order forward, its reverse backward).
    fn after_cursor<E>(
        &self,
        select: sea_orm::Select<E>,
        args: &PageArgs,
    ) -> Result<(sea_orm::Select<E>, bool), AppError>
    where
        E: sea_orm::EntityTrait<Column = C>,
    {
        use sea_orm::QueryFilter;
        let forward = args.direction == Direction::Forward;
        let ascending = self.descending != forward;
        let Some(cursor) = &args.cursor else {
            return Ok((select, ascending));
        };
        let field = args.cursor_field();
        let (key, id) = decode_cursor(cursor, self.scope, field)?;
        let key = self.kind.parse(&key).ok_or_else(|| {
            AppError::bad_input(
                field,
                format!("{field} is not a valid cursor for this list"),
            )
        })?;
        Ok((
            select.filter(self.beyond(key, id, ascending, forward)),
            ascending,
        ))
    }

    /// The same page of each of several parents' lists, in one statement: the rows of every
    /// parent are numbered in the page's order (`ROW_NUMBER() OVER (PARTITION BY parent …)`)
    /// and the first `size + 1` of each kept. `select` holds the rows of all the lists (joined
    /// as needed); `parent` is the column, of its table or a joined one, that tells which list
    /// a row belongs to. Every parent asked for gets a page, empty when it has no rows.
    pub async fn pages_of<E, P>(
        &self,
        db: &sea_orm::DatabaseConnection,
        select: sea_orm::Select<E>,
        parent: P,
        parents: &[i64],
        args: &PageArgs,
        cursor_of: impl Fn(&E::Model) -> String,
    ) -> Result<std::collections::HashMap<i64, Page<E::Model>>, AppError>
    where
        E: sea_orm::EntityTrait<Column = C>,
        P: sea_orm::ColumnTrait,
    {
        use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, WindowStatement};
        use sea_orm::{ConnectionTrait, FromQueryResult, QueryFilter, QueryTrait};

        let mut pages: std::collections::HashMap<i64, Vec<E::Model>> =
            parents.iter().map(|p| (*p, Vec::new())).collect();
        if parents.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let select =
            select.filter(Expr::col((parent.entity_name(), parent)).is_in(parents.iter().copied()));
        let (select, ascending) = self.after_cursor(select, args)?;
        let order = if ascending { Order::Asc } else { Order::Desc };
        let qualified = |column: C| Expr::col((column.entity_name(), column));
        let mut window = WindowStatement::partition_by((parent.entity_name(), parent));
        if self.kind == KeyKind::NullableTime {
            let nulls = if args.direction == Direction::Forward {
                Order::Asc
            } else {
                Order::Desc
            };
            window.order_by_expr(qualified(self.key).is_null(), nulls);
        }
        if self.kind != KeyKind::None {
            window.order_by_expr(qualified(self.key), order.clone());
        }
        window.order_by_expr(qualified(self.tiebreak), order);
        let mut inner = select.into_query();
        inner
            .expr_window_as(Expr::cust("ROW_NUMBER()"), window, Alias::new("page_rank"))
            .expr_as(
                Expr::col((parent.entity_name(), parent)),
                Alias::new("page_parent"),
            );
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(inner, Alias::new("ranked"))
            .and_where(
                Expr::col(Alias::new("page_rank"))
                    .lte(i64::try_from(args.size + 1).unwrap_or(i64::MAX)),
            )
            .order_by(Alias::new("page_parent"), Order::Asc)
            .order_by(Alias::new("page_rank"), Order::Asc)
            .to_owned();
        for row in db.query_all(&outer).await? {
            let parent: i64 = row.try_get("", "page_parent")?;
            let model = E::Model::from_query_result(&row, "")?;
            pages.entry(parent).or_default().push(model);
        }
        Ok(pages
            .into_iter()
            .map(|(parent, rows)| (parent, Page::from_rows(args, rows, &cursor_of)))
            .collect())
    }

    /// The rows strictly after the cursor `(key, id)` in the reading direction.
    fn beyond(
        &self,
        key: Option<sea_orm::Value>,
        id: i64,
        ascending: bool,
        forward: bool,
    ) -> sea_orm::Condition {
        use sea_orm::Condition;
        let past_id = if ascending {
            self.tiebreak.gt(id)
        } else {
            self.tiebreak.lt(id)
        };
        if self.kind == KeyKind::None {
            return Condition::all().add(past_id);
        }
        let column = self.key;
        let past = |key: sea_orm::Value| {
            let past_key = if ascending {
                column.gt(key.clone())
            } else {
                column.lt(key.clone())
            };
            Condition::any()
                .add(past_key)
                .add(Condition::all().add(column.eq(key)).add(past_id.clone()))
        };
        match (key, self.kind == KeyKind::NullableTime, forward) {
            (Some(key), false, _) => past(key),
            (Some(key), true, true) => Condition::any().add(past(key)).add(column.is_null()),
            (Some(key), true, false) => Condition::all().add(column.is_not_null()).add(past(key)),
            (None, _, true) => Condition::all().add(column.is_null()).add(past_id),
            (None, _, false) => Condition::any()
                .add(column.is_not_null())
                .add(Condition::all().add(column.is_null()).add(past_id)),
        }
    }
}

impl<T> Page<T> {
    /// Converts each item, dropping those that convert to nothing (rows that vanished between
    /// two queries), cursors kept.
    pub fn filter_map<U>(self, mut convert: impl FnMut(T) -> Option<U>) -> Page<U> {
        Page {
            items: self
                .items
                .into_iter()
                .filter_map(|(cursor, item)| convert(item).map(|u| (cursor, u)))
                .collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
        }
    }
}
