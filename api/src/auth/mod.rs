//! Authentication: who the viewer of a request is. Decided once, in the HTTP handler, from the
//! `Authorization` header; an absent header is anonymous, a present but bad one is refused.

pub mod jwt;
pub mod viewer;

pub use viewer::Viewer;
