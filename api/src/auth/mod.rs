//! Authentication: access tokens (JWTs) and who a request's caller is. The caller is resolved
//! once per request from its `Authorization` header (`services::accounts::caller`); an absent
//! header is anonymous, a present but bad one is refused.

pub mod caller;
pub mod jwt;
pub mod secret;

pub use caller::{Caller, Scope};
