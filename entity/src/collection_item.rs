//! `collection_items`: a paper in a collection, at a dense position (0, 1, 2, …), with a note.
use sea_orm::entity::prelude::*;

use crate::ids::{CollectionId, PaperId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collection_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub collection_id: CollectionId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub paper_id: PaperId,
    pub position: i32,
    pub note: Option<String>,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
