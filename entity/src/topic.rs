//! `topics`: arXiv's categories (`cs.CL`, "Computation and Language"), written by the topics
//! migration. Counters are kept equal to their rows by the services.
use sea_orm::entity::prelude::*;

use crate::ids::TopicId;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "topics")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: TopicId,
    /// The category's code, e.g. `cs.CL`.
    #[sea_orm(unique)]
    pub slug: String,
    /// The category's title as arXiv gives it.
    pub name: String,
    /// Papers filed under the topic: always the number of its `paper_topics` rows.
    pub paper_count: i32,
    /// Users following the topic: always the number of its `follows` rows.
    pub follower_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
