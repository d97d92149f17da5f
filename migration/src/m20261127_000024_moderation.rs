//! Moderation: `comment_reports` (a user flags a comment; one open report per user and
//! comment, by a partial unique index) and `moderation_actions`, the log of what each moderator
//! did, written in the transaction of the act.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommentReports {
    Table,
    Id,
    CommentId,
    ReporterId,
    Reason,
    Details,
    Status,
    CreatedAt,
    ResolvedBy,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum ModerationActions {
    Table,
    Id,
    ModeratorId,
    Action,
    TargetId,
    Reason,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let reports = Table::create()
            .table(CommentReports::Table)
            .col(id(CommentReports::Id))
            .col(big_int(CommentReports::CommentId))
            .col(big_int_null(CommentReports::ReporterId))
            .col(string(CommentReports::Reason))
            .col(text_null(CommentReports::Details))
            .col(string(CommentReports::Status))
            .col(timestamp(CommentReports::CreatedAt))
            .col(big_int_null(CommentReports::ResolvedBy))
            .col(timestamp_null(CommentReports::ResolvedAt))
            .foreign_key(&mut fk(
                CommentReports::Table,
                CommentReports::CommentId,
                Alias::new("comments"),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                CommentReports::Table,
                CommentReports::ReporterId,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                CommentReports::Table,
                CommentReports::ResolvedBy,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        create(
            manager,
            reports,
            vec![
                // The queue by status, oldest first.
                index(
                    CommentReports::Table,
                    "queue",
                    vec![
                        CommentReports::Status.into_iden(),
                        CommentReports::Id.into_iden(),
                    ],
                ),
                index(
                    CommentReports::Table,
                    "comment",
                    vec![CommentReports::CommentId.into_iden()],
                ),
            ],
        )
        .await?;
        // One open report per user and comment (same syntax on both databases).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_comment_reports_one_open \
                 ON comment_reports (reporter_id, comment_id) WHERE status = 'OPEN'",
            )
            .await?;
        let actions = Table::create()
            .table(ModerationActions::Table)
            .col(id(ModerationActions::Id))
            .col(big_int(ModerationActions::ModeratorId))
            .col(string(ModerationActions::Action))
            .col(string(ModerationActions::TargetId))
            .col(text_null(ModerationActions::Reason))
            .col(timestamp(ModerationActions::CreatedAt))
            .foreign_key(&mut fk(
                ModerationActions::Table,
                ModerationActions::ModeratorId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create(manager, actions, vec![]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, ModerationActions::Table).await?;
        drop(manager, CommentReports::Table).await
    }
}
