//! `paper_authors`: a paper's ordered author list (position 0 is the first author).
use sea_orm::entity::prelude::*;

use crate::ids::{AuthorId, PaperId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "paper_authors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub paper_id: PaperId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub author_id: AuthorId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::author::Entity",
        from = "Column::AuthorId",
        to = "super::author::Column::Id"
    )]
    Author,
}

impl Related<super::author::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
