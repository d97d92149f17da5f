//! Discussion: comment threads on papers, their markdown, and moderation.

pub mod markdown;
mod read;
mod write;

pub use read::*;
pub use write::*;
