//! `paper_authors`: each paper's ordered author list.
use crate::columns::*;
use crate::m20261126_000002_authors::Authors;
use crate::m20261126_000003_papers::Papers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum PaperAuthors {
    Table,
    PaperId,
    Position,
    AuthorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(PaperAuthors::Table)
            .col(big_int(PaperAuthors::PaperId))
            .col(int(PaperAuthors::Position))
            .col(big_int(PaperAuthors::AuthorId))
            .primary_key(
                Index::create()
                    .col(PaperAuthors::PaperId)
                    .col(PaperAuthors::Position),
            )
            .foreign_key(&mut fk(
                PaperAuthors::Table,
                PaperAuthors::PaperId,
                Papers::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                PaperAuthors::Table,
                PaperAuthors::AuthorId,
                Authors::Table,
                ForeignKeyAction::Restrict,
            ))
            .to_owned();
        // An author's papers.
        let indexes = vec![index(
            PaperAuthors::Table,
            "author",
            vec![
                PaperAuthors::AuthorId.into_iden(),
                PaperAuthors::PaperId.into_iden(),
            ],
        )];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, PaperAuthors::Table).await
    }
}
