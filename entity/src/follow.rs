//! `follows`: a user following exactly one of another user, an author, a collection or a topic
//! (one column per kind, the others null).
use sea_orm::entity::prelude::*;

use crate::ids::{AuthorId, CollectionId, FollowId, TopicId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: FollowId,
    /// The follower.
    pub user_id: UserId,
    pub followed_user_id: Option<UserId>,
    pub author_id: Option<AuthorId>,
    pub collection_id: Option<CollectionId>,
    pub topic_id: Option<TopicId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
