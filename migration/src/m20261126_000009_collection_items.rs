//! `collection_items`: the ordered, annotated papers of a collection.
use crate::columns::*;
use crate::m20261126_000003_papers::Papers;
use crate::m20261126_000008_collections::Collections;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CollectionItems {
    Table,
    CollectionId,
    PaperId,
    Position,
    Note,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The primary key makes a paper appear at most once per collection. Positions are kept
        // dense by the service; they are not unique in the schema because a move shifts several
        // rows within one transaction.
        let table = Table::create()
            .table(CollectionItems::Table)
            .col(big_int(CollectionItems::CollectionId))
            .col(big_int(CollectionItems::PaperId))
            .col(int(CollectionItems::Position))
            .col(text_null(CollectionItems::Note))
            .col(timestamp(CollectionItems::AddedAt))
            .primary_key(
                Index::create()
                    .col(CollectionItems::CollectionId)
                    .col(CollectionItems::PaperId),
            )
            .foreign_key(&mut fk(
                CollectionItems::Table,
                CollectionItems::CollectionId,
                Collections::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                CollectionItems::Table,
                CollectionItems::PaperId,
                Papers::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indexes = vec![
            index(
                CollectionItems::Table,
                "position",
                vec![
                    CollectionItems::CollectionId.into_iden(),
                    CollectionItems::Position.into_iden(),
                ],
            ),
            // The collections holding a paper.
            index(
                CollectionItems::Table,
                "paper",
                vec![CollectionItems::PaperId.into_iden()],
            ),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, CollectionItems::Table).await
    }
}
