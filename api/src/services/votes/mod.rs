//! Upvotes on papers, comments and collections: casting and withdrawing them, and reading who
//! voted for what.

mod read;
mod write;

pub use read::*;
pub use write::*;
