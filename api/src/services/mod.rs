//! Services: the only code that touches sea-orm. Each function authorises, validates, runs its
//! SQL (in a transaction where it writes) and returns domain values or an `AppError`.

pub mod arxiv;
pub mod demo;
pub mod import;
pub mod pagination;
pub mod papers;
pub mod trending;
