//! `paper_embeddings`: the vector of each paper's title and abstract under a sentence-embedding
//! model (`model` is its name and weights digest), as little-endian `f32`s. One row per paper and
//! model: a server started with another model embeds the papers anew beside the old vectors,
//! which `papers embed --drop-other-models` removes once no replica uses them.
use crate::columns::*;
use crate::m20261126_000003_papers::Papers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PaperEmbeddings {
    Table,
    PaperId,
    Model,
    Dimensions,
    Vector,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(PaperEmbeddings::Table)
            .col(big_int(PaperEmbeddings::PaperId))
            .col(string(PaperEmbeddings::Model))
            .col(int(PaperEmbeddings::Dimensions))
            .col(
                ColumnDef::new(PaperEmbeddings::Vector)
                    .blob()
                    .not_null()
                    .to_owned(),
            )
            .col(timestamp(PaperEmbeddings::CreatedAt))
            .primary_key(
                Index::create()
                    .col(PaperEmbeddings::PaperId)
                    .col(PaperEmbeddings::Model),
            )
            .foreign_key(&mut fk(
                PaperEmbeddings::Table,
                PaperEmbeddings::PaperId,
                Papers::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create(
            manager,
            table,
            // A replica loads its model's vectors in order of paper.
            vec![index(
                PaperEmbeddings::Table,
                "model",
                vec![
                    PaperEmbeddings::Model.into_iden(),
                    PaperEmbeddings::PaperId.into_iden(),
                ],
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, PaperEmbeddings::Table).await
    }
}
