//! `collections`: users' curated lists of papers.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Collections {
    Table,
    Id,
    Slug,
    OwnerId,
    Title,
    Description,
    IsPrivate,
    CreatedAt,
    UpdatedAt,
    UpvoteCount,
    ItemCount,
    TrendingScore,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Collections::Table)
            .col(id(Collections::Id))
            .col(string(Collections::Slug).unique_key())
            .col(big_int(Collections::OwnerId))
            .col(string(Collections::Title))
            .col(text_null(Collections::Description))
            .col(boolean(Collections::IsPrivate))
            .col(timestamp(Collections::CreatedAt))
            .col(timestamp(Collections::UpdatedAt))
            .col(counter(Collections::UpvoteCount))
            .col(counter(Collections::ItemCount))
            .col(float(Collections::TrendingScore))
            .foreign_key(&mut fk(
                Collections::Table,
                Collections::OwnerId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indexes = vec![
            index(
                Collections::Table,
                "owner",
                vec![
                    Collections::OwnerId.into_iden(),
                    Collections::CreatedAt.into_iden(),
                ],
            ),
            // The public listing orders.
            index(
                Collections::Table,
                "trending",
                vec![
                    Collections::IsPrivate.into_iden(),
                    Collections::TrendingScore.into_iden(),
                    Collections::Id.into_iden(),
                ],
            ),
            index(
                Collections::Table,
                "upvotes",
                vec![
                    Collections::IsPrivate.into_iden(),
                    Collections::UpvoteCount.into_iden(),
                    Collections::Id.into_iden(),
                ],
            ),
            index(
                Collections::Table,
                "created",
                vec![
                    Collections::IsPrivate.into_iden(),
                    Collections::CreatedAt.into_iden(),
                    Collections::Id.into_iden(),
                ],
            ),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Collections::Table).await
    }
}
