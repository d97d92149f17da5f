//! Papers: reading the feed and a paper's authors, submitting, importing, searching and ranking.

pub mod arxiv;
pub mod arxiv_api;
pub mod dates;
pub mod demo;
pub mod import;
pub mod new;
mod read;
pub mod search;
mod submit;
pub mod trending;

pub use read::*;
pub use submit::*;
