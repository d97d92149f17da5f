//! `papers`: the listed preprints, with their denormalised counters and trending score.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Papers {
    Table,
    Id,
    ArxivId,
    Title,
    Abstract,
    PublishedAt,
    SubmittedAt,
    SubmittedBy,
    GithubRepo,
    ProjectPage,
    UpvoteCount,
    CommentCount,
    TrendingScore,
    SourceUpvotes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Papers::Table)
            .col(id(Papers::Id))
            .col(string(Papers::ArxivId).unique_key())
            .col(text(Papers::Title))
            .col(text(Papers::Abstract))
            .col(timestamp_null(Papers::PublishedAt))
            .col(timestamp(Papers::SubmittedAt))
            .col(big_int_null(Papers::SubmittedBy))
            .col(string_null(Papers::GithubRepo))
            .col(string_null(Papers::ProjectPage))
            .col(counter(Papers::UpvoteCount))
            .col(counter(Papers::CommentCount))
            .col(float(Papers::TrendingScore))
            .col(ColumnDef::new(Papers::SourceUpvotes).integer().null())
            .foreign_key(&mut fk(
                Papers::Table,
                Papers::SubmittedBy,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        // Each ordering of the feeds has an index ending in `id`, the tie-breaker that keeps
        // keyset pagination stable when scores tie.
        let indexes = vec![
            index(
                Papers::Table,
                "submitted",
                vec![Papers::SubmittedAt.into_iden(), Papers::Id.into_iden()],
            ),
            index(
                Papers::Table,
                "published",
                vec![Papers::PublishedAt.into_iden(), Papers::Id.into_iden()],
            ),
            index(
                Papers::Table,
                "trending",
                vec![Papers::TrendingScore.into_iden(), Papers::Id.into_iden()],
            ),
            index(
                Papers::Table,
                "upvotes",
                vec![Papers::UpvoteCount.into_iden(), Papers::Id.into_iden()],
            ),
            index(
                Papers::Table,
                "submitter",
                vec![
                    Papers::SubmittedBy.into_iden(),
                    Papers::SubmittedAt.into_iden(),
                ],
            ),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Papers::Table).await
    }
}
