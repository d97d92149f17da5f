//! Pages of ranked lists by position: search results and similar papers have no stable sort key
//! (a score is not unique and changes as papers are added), so their cursors hold the position
//! of an item within the ranking of one query, bound to that query by the cursor's scope.

use crate::error::AppError;

use super::{Direction, PageArgs, decode_cursor, encode_cursor};

/// The positions a page covers: `limit` items from `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Positions {
    pub offset: u64,
    pub limit: u64,
    direction: Direction,
}

impl Positions {
    /// The page that the arguments ask for in the list named `scope`; a cursor of another list
    /// is `BAD_USER_INPUT`. A page runs forward from just after its cursor, or back from just
    /// before it.
    pub fn of(args: &PageArgs, scope: &str) -> Result<Self, AppError> {
        let field = args.cursor_field();
        let start = match &args.cursor {
            None => 0,
            Some(cursor) => {
                let (_, at) = decode_cursor(cursor, scope, field)?;
                u64::try_from(at).map_err(|_| AppError::bad_input(field, "not a valid cursor"))?
            }
        };
        let (offset, limit) = match (args.direction, &args.cursor) {
            (Direction::Forward, None) => (0, args.size),
            (Direction::Forward, Some(_)) => (start + 1, args.size),
            // Relay's `last` without `before` counts back from the end, which a ranking of
            // unknown length does not have: it is an empty page.
            (Direction::Backward, None) => (0, 0),
            (Direction::Backward, Some(_)) => {
                (start.saturating_sub(args.size), start.min(args.size))
            }
        };
        Ok(Self {
            offset,
            limit,
            direction: args.direction,
        })
    }

    /// The cursor of the item at `position` in the list named `scope`.
    pub fn cursor(scope: &str, position: u64) -> String {
        encode_cursor(scope, "", i64::try_from(position).unwrap_or(i64::MAX))
    }

    /// `hasNextPage` and `hasPreviousPage`, given whether items follow the page.
    pub fn flags(&self, more: bool) -> (bool, bool) {
        match self.direction {
            Direction::Forward => (more, self.offset > 0),
            Direction::Backward => (true, self.offset > 0),
        }
    }

    /// This page of a list held whole, each item with its position.
    pub fn slice<T: Clone>(&self, list: &[T]) -> Vec<(u64, T)> {
        let from = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(self.limit).unwrap_or(usize::MAX);
        list.iter()
            .skip(from)
            .take(take)
            .cloned()
            .zip(self.offset..)
            .map(|(item, at)| (at, item))
            .collect()
    }

    /// Whether a list of `len` items goes on past this page.
    pub fn more_in(&self, len: usize) -> bool {
        u64::try_from(len).unwrap_or(u64::MAX) > self.offset + self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_run_forward_and_back_from_their_cursor() {
        let list: Vec<u32> = (0..10).collect();
        let first = Positions::of(&PageArgs::first(4), "s").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            first.slice(&list).iter().map(|x| x.1).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert_eq!(first.flags(first.more_in(list.len())), (true, false));
        let after = PageArgs {
            cursor: Some(Positions::cursor("s", 3)),
            ..PageArgs::first(4)
        };
        let next = Positions::of(&after, "s").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next.slice(&list).first(), Some(&(4, 4)));
        let back = PageArgs {
            size: 2,
            direction: Direction::Backward,
            cursor: Some(Positions::cursor("s", 4)),
        };
        let back = Positions::of(&back, "s").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            back.slice(&list).iter().map(|x| x.1).collect::<Vec<_>>(),
            [2, 3]
        );
        assert!(Positions::of(&after, "another list").is_err());
    }
}
