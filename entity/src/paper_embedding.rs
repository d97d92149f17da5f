//! `paper_embeddings`: a paper's vector under one sentence-embedding model.
use sea_orm::entity::prelude::*;

use crate::ids::PaperId;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "paper_embeddings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub paper_id: PaperId,
    /// The model's name and weights digest (`all-MiniLM-L6-v2@53aa51172d14`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub model: String,
    pub dimensions: i32,
    /// The vector, `dimensions` little-endian `f32`s.
    pub vector: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
