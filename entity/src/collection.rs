//! `collections`: a user's ordered, annotated list of papers; private ones are visible only to
//! their owner.
use sea_orm::entity::prelude::*;

use crate::ids::{CollectionId, UserId};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "collections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CollectionId,
    #[sea_orm(unique)]
    pub slug: String,
    pub owner_id: UserId,
    pub title: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub is_private: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub upvote_count: i32,
    pub item_count: i32,
    pub trending_score: f64,
    /// Users following this collection: always the number of its `follows` rows.
    pub follower_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
