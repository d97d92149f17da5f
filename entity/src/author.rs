//! `authors`: one row per distinct author identity; `user_id` is set when a claim is approved.
use sea_orm::entity::prelude::*;

use crate::ids::{AuthorId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: AuthorId,
    pub name: String,
    pub user_id: Option<UserId>,
    /// Users following this author: always the number of their `follows` rows.
    pub follower_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
