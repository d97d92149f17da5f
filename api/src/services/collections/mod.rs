//! Collections: ordered, annotated lists of papers, public or private to their owner.

mod read;
mod write;

pub use read::*;
pub use write::*;
