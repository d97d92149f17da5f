//! Ids, at the bottom of the house where every layer can use them:
//!
//! - row ids by the kind of row they name (`entity::ids`, the types of the entities' own id
//!   columns): a service that takes a collection and a paper takes a `CollectionId` and a
//!   `PaperId`, so passing them the wrong way round does not compile;
//! - opaque global IDs, base64url of `<Type>:<row id>`, as the GraphQL API, the REST surface, the
//!   webhooks, the moderation log and the data export all write them. Clients must treat them as
//!   opaque; the type prefix lets `node(id)` find the right table and refuse IDs of another type.
//!
//! Two kinds of id do not mix, in a call or in a comparison:
//!
//! ```compile_fail
//! fn comments_of(paper: api::ids::PaperId) {}
//! comments_of(api::ids::UserId(7));
//! ```
//!
//! ```compile_fail
//! let same = api::ids::PaperId(7) == api::ids::CommentId(7);
//! ```

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub use entity::ids::*;

/// The kinds of object that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Paper,
    Author,
    User,
    Comment,
    Collection,
    ApiToken,
    Claim,
    Webhook,
    WebhookDelivery,
    Notification,
    CommentReport,
    ModerationAction,
    Topic,
}

impl NodeType {
    /// Every kind, for parsing.
    const ALL: [Self; 13] = [
        Self::Paper,
        Self::Author,
        Self::User,
        Self::Comment,
        Self::Collection,
        Self::ApiToken,
        Self::Claim,
        Self::Webhook,
        Self::WebhookDelivery,
        Self::Notification,
        Self::CommentReport,
        Self::ModerationAction,
        Self::Topic,
    ];

    /// The prefix inside the ID: the GraphQL type's name.
    fn name(self) -> &'static str {
        match self {
            Self::Paper => "Paper",
            Self::Author => "Author",
            Self::User => "User",
            Self::Comment => "Comment",
            Self::Collection => "Collection",
            Self::ApiToken => "ApiToken",
            Self::Claim => "AuthorshipClaim",
            Self::Webhook => "Webhook",
            Self::WebhookDelivery => "WebhookDelivery",
            Self::Notification => "Notification",
            Self::CommentReport => "CommentReport",
            Self::ModerationAction => "ModerationAction",
            Self::Topic => "Topic",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// A typed row id whose global ID names one node type.
pub trait Global: Copy {
    const TYPE: NodeType;
    fn from_row(row: i64) -> Self;
    fn row(self) -> i64;

    /// The global ID of this row.
    fn global(self) -> String {
        encode(Self::TYPE, self.row())
    }
}

macro_rules! global {
    ($($id:ident => $kind:ident),*) => {$(
        impl Global for $id {
            const TYPE: NodeType = NodeType::$kind;
            fn from_row(row: i64) -> Self {
                Self(row)
            }
            fn row(self) -> i64 {
                self.0
            }
        }
    )*};
}

global!(
    PaperId => Paper,
    AuthorId => Author,
    UserId => User,
    CommentId => Comment,
    CollectionId => Collection,
    TokenId => ApiToken,
    ClaimId => Claim,
    WebhookId => Webhook,
    DeliveryId => WebhookDelivery,
    NotificationId => Notification,
    ReportId => CommentReport,
    ActionId => ModerationAction,
    TopicId => Topic
);

/// The global ID of a row of a kind.
fn encode(kind: NodeType, row: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{row}", kind.name()))
}

/// The kind and row a global ID names; garbage decodes to `None`.
fn decode_raw(id: &str) -> Option<(NodeType, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (kind, row) = text.split_once(':')?;
    let row: i64 = row.parse().ok()?;
    (row > 0).then_some(())?;
    Some((NodeType::from_name(kind)?, row))
}

/// Any global ID, decoded into the typed id of the row it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyId {
    Paper(PaperId),
    Author(AuthorId),
    User(UserId),
    Comment(CommentId),
    Collection(CollectionId),
    ApiToken(TokenId),
    Claim(ClaimId),
    Webhook(WebhookId),
    WebhookDelivery(DeliveryId),
    Notification(NotificationId),
    CommentReport(ReportId),
    ModerationAction(ActionId),
    Topic(TopicId),
}

/// Decodes any global ID; garbage decodes to `None`.
pub fn decode(id: &str) -> Option<AnyId> {
    let (kind, row) = decode_raw(id)?;
    Some(match kind {
        NodeType::Paper => AnyId::Paper(PaperId(row)),
        NodeType::Author => AnyId::Author(AuthorId(row)),
        NodeType::User => AnyId::User(UserId(row)),
        NodeType::Comment => AnyId::Comment(CommentId(row)),
        NodeType::Collection => AnyId::Collection(CollectionId(row)),
        NodeType::ApiToken => AnyId::ApiToken(TokenId(row)),
        NodeType::Claim => AnyId::Claim(ClaimId(row)),
        NodeType::Webhook => AnyId::Webhook(WebhookId(row)),
        NodeType::WebhookDelivery => AnyId::WebhookDelivery(DeliveryId(row)),
        NodeType::Notification => AnyId::Notification(NotificationId(row)),
        NodeType::CommentReport => AnyId::CommentReport(ReportId(row)),
        NodeType::ModerationAction => AnyId::ModerationAction(ActionId(row)),
        NodeType::Topic => AnyId::Topic(TopicId(row)),
    })
}

/// Decodes an ID that must be of the given type.
pub fn decode_as<T: Global>(id: &str) -> Option<T> {
    decode_raw(id)
        .filter(|(k, _)| *k == T::TYPE)
        .map(|(_, row)| T::from_row(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_type() {
        let id = PaperId(7).global();
        assert_eq!(id, encode(NodeType::Paper, 7));
        assert_eq!(decode(&id), Some(AnyId::Paper(PaperId(7))));
        assert_eq!(decode_as::<AuthorId>(&id), None);
        assert_eq!(decode_as::<PaperId>(&id), Some(PaperId(7)));
        assert_eq!(decode("garbage!"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Paper:-1")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Secret:1")), None);
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode("User:1")),
            Some(AnyId::User(UserId(1)))
        );
    }

    #[test]
    fn every_kind_reads_back_its_own_name() {
        for kind in NodeType::ALL {
            assert_eq!(NodeType::from_name(kind.name()), Some(kind));
        }
    }
}
