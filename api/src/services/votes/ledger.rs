//! Where the votes on each kind of object live: the vote table with its `(user, target)` key
//! and timestamp, and the counted table with its id and `upvote_count` columns. Reads and writes
//! of every kind go through one code path with these names.

use std::future::Future;

use entity::{collection, collection_upvote, comment, comment_upvote, paper, paper_upvote};
use sea_orm::sea_query::{DynIden, IntoIden};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::error::AppError;
use crate::ids::{CollectionId, CommentId, Global, PaperId};
use crate::services::events::Event;
use crate::services::pagination::ParentId;
use crate::services::votes::Target;

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
pub trait Votable: ParentId + Global {
    /// The row voted on, as a vote answers it.
    type Row: Send;

    fn ledger() -> Ledger;

    fn target(self) -> Target;

    /// What subscribers are told when a vote on it moves its count (comments' counts stream
    /// with nothing yet).
    fn event(self) -> Option<Event>;

    /// What it is, for messages.
    const WHAT: &'static str;

    /// The row as it is now.
    fn fresh(
        self,
        db: &DatabaseConnection,
    ) -> impl Future<Output = Result<Option<Self::Row>, AppError>> + Send;
}

/// Implements the row-related parts of [`Votable`] for an id whose entity has it as its key.
macro_rules! votable {
    ($id:ty, $entity:ident, $target:ident, $event:expr) => {
        type Row = $entity::Model;

        const WHAT: &'static str = stringify!($entity);

        fn target(self) -> Target {
            Target::$target(self)
        }

        fn event(self) -> Option<Event> {
            let event: fn($id) -> Option<Event> = $event;
            event(self)
        }

        async fn fresh(self, db: &DatabaseConnection) -> Result<Option<Self::Row>, AppError> {
            Ok($entity::Entity::find_by_id(self).one(db).await?)
        }
    };
}

impl Votable for PaperId {
    votable!(PaperId, paper, Paper, |paper| Some(Event::PaperUpdated {
        paper
    }));

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
    votable!(CommentId, comment, Comment, |_| None);

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
    votable!(CollectionId, collection, Collection, |collection| Some(
        Event::CollectionUpdated { collection }
    ));

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
