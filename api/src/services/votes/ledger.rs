//! Where the votes on each kind of object live: the vote table with its `(user, target)` key
//! and timestamp, and the counted table with its id and `upvote_count` columns. Reads and writes
//! of every kind go through one code path with these names.

use entity::{collection, collection_upvote, comment, comment_upvote, paper, paper_upvote};
use sea_orm::sea_query::{DynIden, IntoIden};

use crate::ids::{CollectionId, CommentId, PaperId};
use crate::services::pagination::ParentId;

/// The tables and columns of one kind of vote.
pub struct Ledger {
    pub votes: DynIden,
    pub voter: DynIden,
    pub voted: DynIden,
    pub created_at: DynIden,
    pub counted: DynIden,
    pub id: DynIden,
    pub counter: DynIden,
}

/// The id of something that can be upvoted: a paper, a comment or a collection.
pub trait Votable: ParentId {
    fn ledger() -> Ledger;
}

impl Votable for PaperId {
    fn ledger() -> Ledger {
        Ledger {
            votes: paper_upvote::Entity.into_iden(),
            voter: paper_upvote::Column::UserId.into_iden(),
            voted: paper_upvote::Column::PaperId.into_iden(),
            created_at: paper_upvote::Column::CreatedAt.into_iden(),
            counted: paper::Entity.into_iden(),
            id: paper::Column::Id.into_iden(),
            counter: paper::Column::UpvoteCount.into_iden(),
        }
    }
}

impl Votable for CommentId {
    fn ledger() -> Ledger {
        Ledger {
            votes: comment_upvote::Entity.into_iden(),
            voter: comment_upvote::Column::UserId.into_iden(),
            voted: comment_upvote::Column::CommentId.into_iden(),
            created_at: comment_upvote::Column::CreatedAt.into_iden(),
            counted: comment::Entity.into_iden(),
            id: comment::Column::Id.into_iden(),
            counter: comment::Column::UpvoteCount.into_iden(),
        }
    }
}

impl Votable for CollectionId {
    fn ledger() -> Ledger {
        Ledger {
            votes: collection_upvote::Entity.into_iden(),
            voter: collection_upvote::Column::UserId.into_iden(),
            voted: collection_upvote::Column::CollectionId.into_iden(),
            created_at: collection_upvote::Column::CreatedAt.into_iden(),
            counted: collection::Entity.into_iden(),
            id: collection::Column::Id.into_iden(),
            counter: collection::Column::UpvoteCount.into_iden(),
        }
    }
}
