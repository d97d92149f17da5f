//! `comments`: threaded markdown comments; deleted or hidden ones stay as tombstones.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use crate::m20261126_000003_papers::Papers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Comments {
    Table,
    Id,
    PaperId,
    UserId,
    ParentId,
    Depth,
    Body,
    CreatedAt,
    EditedAt,
    DeletedAt,
    HiddenAt,
    HiddenReason,
    HiddenBy,
    UpvoteCount,
    ReplyCount,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Comments::Table)
            .col(id(Comments::Id))
            .col(big_int(Comments::PaperId))
            .col(big_int_null(Comments::UserId))
            .col(big_int_null(Comments::ParentId))
            .col(counter(Comments::Depth))
            .col(text(Comments::Body))
            .col(timestamp(Comments::CreatedAt))
            .col(timestamp_null(Comments::EditedAt))
            .col(timestamp_null(Comments::DeletedAt))
            .col(timestamp_null(Comments::HiddenAt))
            .col(text_null(Comments::HiddenReason))
            .col(big_int_null(Comments::HiddenBy))
            .col(counter(Comments::UpvoteCount))
            .col(counter(Comments::ReplyCount))
            .foreign_key(&mut fk(
                Comments::Table,
                Comments::PaperId,
                Papers::Table,
                ForeignKeyAction::Cascade,
            ))
            // A deleted account leaves its comments in place, authorless.
            .foreign_key(&mut fk(
                Comments::Table,
                Comments::UserId,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                Comments::Table,
                Comments::ParentId,
                Comments::Table,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                Comments::Table,
                Comments::HiddenBy,
                Users::Table,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        let indexes = vec![
            // A paper's thread: top-level comments (parent NULL) in time order.
            index(
                Comments::Table,
                "paper",
                vec![
                    Comments::PaperId.into_iden(),
                    Comments::ParentId.into_iden(),
                    Comments::CreatedAt.into_iden(),
                ],
            ),
            // A comment's replies.
            index(
                Comments::Table,
                "parent",
                vec![
                    Comments::ParentId.into_iden(),
                    Comments::CreatedAt.into_iden(),
                ],
            ),
            // A user's comments on their profile.
            index(
                Comments::Table,
                "user",
                vec![
                    Comments::UserId.into_iden(),
                    Comments::CreatedAt.into_iden(),
                ],
            ),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Comments::Table).await
    }
}
