//! Relay-style keyset pagination: page arguments, opaque cursors and pages.
//!
//! A cursor is the base64url encoding of `<scope>|<sort key>|<id>`. The scope names the list and
//! its order, so a cursor from another list or order is refused rather than misread; a cursor
//! that does not decode, or whose key does not parse, is `BAD_USER_INPUT` too — never an
//! internal error.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AppError;

mod batched;
mod keyset;
mod offset;

pub use batched::{counts_of, qualified, uncounted};
pub use keyset::{Key, KeyKind, Keyset};
pub use offset::Positions;

/// The id of the row a nested list belongs to (a paper's comments: a `PaperId`), as the
/// batched statements filter by it and read it back.
pub trait ParentId:
    Copy
    + Eq
    + std::hash::Hash
    + Into<i64>
    + Into<sea_orm::Value>
    + sea_orm::TryGetable
    + Send
    + Sync
    + 'static
{
}

impl ParentId for crate::ids::PaperId {}
impl ParentId for crate::ids::AuthorId {}
impl ParentId for crate::ids::UserId {}
impl ParentId for crate::ids::CommentId {}
impl ParentId for crate::ids::CollectionId {}

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
    /// The first `size` items of a list.
    pub fn first(size: u64) -> Self {
        Self {
            size,
            direction: Direction::Forward,
            cursor: None,
        }
    }

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
