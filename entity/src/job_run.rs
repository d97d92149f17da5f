//! `job_runs`: when each periodic job (the digest, the trending refresh) last ran, so that one
//! replica claims each run. The services read and write it with plain statements; the entity is
//! here so that `papers transfer` copies it like every other table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// Unix seconds.
    pub last_run_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
