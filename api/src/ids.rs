//! Row ids by the kind of row they name, as Lemmy's `PostId`/`PersonId`: a service that takes a
//! collection and a paper takes a `CollectionId` and a `PaperId`, so passing them the wrong way
//! round does not compile. The GraphQL layer decodes a global ID straight into one of these
//! (`graphql::ids::Global`); the services unwrap them only at the entity boundary.

use std::fmt;

macro_rules! row_ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl From<$name> for sea_orm::Value {
            fn from(id: $name) -> sea_orm::Value {
                id.0.into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

row_ids! {
    /// A row of `papers`.
    PaperId;
    /// A row of `authors`.
    AuthorId;
    /// A row of `users`.
    UserId;
    /// A row of `comments`.
    CommentId;
    /// A row of `collections`.
    CollectionId;
    /// A row of `api_tokens`.
    TokenId;
    /// A row of `authorship_claims`.
    ClaimId;
    /// A row of `webhooks`.
    WebhookId;
    /// A row of `comment_reports`.
    ReportId;
}
