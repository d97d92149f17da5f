//! Upvotes on papers, comments and collections: casting and withdrawing them, and reading who
//! voted for what.

mod ledger;
mod read;
mod write;

pub use ledger::{Ledger, Votable};
pub use read::*;
pub use write::{Target, vote};
