//! Papers: reading the feed and a paper's authors, submitting, importing, searching and ranking.

pub mod arxiv;
pub mod arxiv_api;
mod authors;
pub mod dates;
pub mod demo;
mod filter;
pub mod import;
mod lists;
pub mod new;
mod read;
pub mod search;
pub mod similar;
mod submit;
pub mod trending;

pub use authors::*;
pub use filter::*;
pub use lists::*;
pub use read::*;
pub use submit::*;
