//! Opaque global IDs: base64url of `<Type>:<row id>`. Clients must treat them as opaque; the
//! type prefix lets `node(id)` find the right table and refuse IDs of another type.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The node types that have global IDs.
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
}

impl NodeType {
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
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "Paper" => Some(Self::Paper),
            "Author" => Some(Self::Author),
            "User" => Some(Self::User),
            "Comment" => Some(Self::Comment),
            "Collection" => Some(Self::Collection),
            "ApiToken" => Some(Self::ApiToken),
            "AuthorshipClaim" => Some(Self::Claim),
            "Webhook" => Some(Self::Webhook),
            "WebhookDelivery" => Some(Self::WebhookDelivery),
            "Notification" => Some(Self::Notification),
            "CommentReport" => Some(Self::CommentReport),
            "ModerationAction" => Some(Self::ModerationAction),
            _ => None,
        }
    }
}

/// A typed row id whose global ID names one node type.
pub trait Global: Copy {
    const TYPE: NodeType;
    fn from_row(row: i64) -> Self;
}

macro_rules! global {
    ($($id:ident => $kind:ident),*) => {$(
        impl Global for crate::ids::$id {
            const TYPE: NodeType = NodeType::$kind;
            fn from_row(row: i64) -> Self {
                Self(row)
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
    ReportId => CommentReport
);

pub fn encode(kind: NodeType, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global ID; garbage decodes to `None`.
pub fn decode(id: &str) -> Option<(NodeType, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (kind, row) = text.split_once(':')?;
    let row: i64 = row.parse().ok()?;
    (row > 0).then_some(())?;
    Some((NodeType::from_name(kind)?, row))
}

/// Decodes an ID that must be of the given type.
pub fn decode_as<T: Global>(id: &str) -> Option<T> {
    decode(id)
        .filter(|(k, _)| *k == T::TYPE)
        .map(|(_, row)| T::from_row(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_type() {
        let id = encode(NodeType::Paper, 7);
        assert_eq!(decode(&id), Some((NodeType::Paper, 7)));
        assert_eq!(decode_as::<crate::ids::AuthorId>(&id), None);
        assert_eq!(
            decode_as::<crate::ids::PaperId>(&id),
            Some(crate::ids::PaperId(7))
        );
        assert_eq!(decode("garbage!"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Paper:-1")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Secret:1")), None);
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode("User:1")),
            Some((NodeType::User, 1))
        );
    }
}
