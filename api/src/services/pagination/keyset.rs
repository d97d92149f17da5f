//! Keyset ordering: a sort key and a unique tie-breaker, cursor conditions, the order and the
//! limit of a page.

use crate::error::AppError;
use crate::services::pagination::{Direction, PageArgs, decode_cursor, encode_cursor};

/// A sort key value, as a row carries it and a cursor stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Int(i64),
    Float(f64),
    Text(String),
    /// A timestamp; `None` for a nullable column's NULL, which sorts after every value.
    Time(Option<chrono::DateTime<chrono::Utc>>),
    /// The list is ordered by its tie-breaker alone.
    None,
}

impl Key {
    fn encode(self) -> String {
        match self {
            Self::Int(v) => v.to_string(),
            Self::Text(v) => v,
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
    Text,
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
            Self::Text => Some(Some(text.into())),
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
    /// The cursor of a row whose sort key is `key` and whose tie-breaker is `id`.
    pub fn cursor(&self, key: Key, id: impl Into<i64>) -> String {
        encode_cursor(self.scope, &key.encode(), id.into())
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
        use sea_orm::QuerySelect;
        let (select, _) = self.after_cursor(select, args)?;
        Ok(self.order(select, args).limit(args.size + 1))
    }

    /// Adds the order in which a page's rows are read (the list's own order forward, its
    /// reverse backward), alone: for a statement around a page that `apply` limited.
    pub fn order<E>(&self, mut select: sea_orm::Select<E>, args: &PageArgs) -> sea_orm::Select<E>
    where
        E: sea_orm::EntityTrait<Column = C>,
    {
        use sea_orm::QueryOrder;
        use sea_orm::sea_query::Order;

        let forward = args.direction == Direction::Forward;
        let ascending = self.descending != forward;
        let order = if ascending { Order::Asc } else { Order::Desc };
        if self.kind == KeyKind::NullableTime {
            // NULLs sort last in the list's order. Qualified by its table, as every other
            // column of the order: a statement that joins another table stays unambiguous.
            let nulls = if forward { Order::Asc } else { Order::Desc };
            select = select.order_by(self.key.is_null(), nulls);
        }
        if self.kind != KeyKind::None {
            select = select.order_by(self.key, order.clone());
        }
        select.order_by(self.tiebreak, order)
    }

    /// The page's cursor condition, and whether rows are read in ascending order (the list's
    /// own order forward, its reverse backward).
    pub(super) fn after_cursor<E>(
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
