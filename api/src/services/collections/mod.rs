//! Collections: ordered, annotated lists of papers, public or private to their owner.

mod items;
mod read;
mod write;

pub use items::*;
pub use read::*;
pub use write::*;
