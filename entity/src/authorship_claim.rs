//! `authorship_claims`: a user's claim to be the author at one position of a paper.
use sea_orm::entity::prelude::*;

use crate::ids::{AuthorId, ClaimId, PaperId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authorship_claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ClaimId,
    pub user_id: UserId,
    pub author_id: AuthorId,
    pub paper_id: PaperId,
    pub position: i32,
    pub note: Option<String>,
    pub status: ClaimStatus,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<UserId>,
}

/// Where a claim stands, stored as `pending`, `approved` or `rejected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ClaimStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
