//! `paper_topics`: the topics a paper is filed under, its primary category at position 0.
use sea_orm::entity::prelude::*;

use crate::ids::{PaperId, TopicId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "paper_topics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub paper_id: PaperId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub topic_id: TopicId,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::topic::Entity",
        from = "Column::TopicId",
        to = "super::topic::Column::Id"
    )]
    Topic,
}

impl Related<super::topic::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Topic.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
