//! Accounts: sign-up, sign-in, sessions, profile and password changes. Every input is checked
//! before anything is written; a rejected request changes no row.

mod callers;
pub mod erasure;
pub mod export;
mod input;
pub mod passwords;
mod profile;
mod sessions;
pub mod users;
pub mod viewers;

pub use callers::*;
pub use input::*;
pub use profile::*;
pub use sessions::*;
