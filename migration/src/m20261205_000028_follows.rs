//! `follows`: a user following another user, an author, a collection or a topic. One table with
//! one nullable column per kind of target, exactly one of them set (a CHECK), each a foreign key
//! that cascades, so that a follow goes with what it follows; one unique index per kind makes a
//! repeated follow a no-op (`ON CONFLICT DO NOTHING`). The row id orders a user's follows, newest
//! first. Every followed table gets `follower_count`, equal to its follows, moved by the services
//! in the follow's transaction.
use crate::columns::*;
use crate::m20261126_000001_users::Users;
use crate::m20261126_000002_authors::Authors;
use crate::m20261126_000008_collections::Collections;
use crate::m20261205_000027_topics::Topics;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Follows {
    Table,
    Id,
    UserId,
    FollowedUserId,
    AuthorId,
    CollectionId,
    TopicId,
    CreatedAt,
}

/// The target columns, their tables, and the suffix of their indexes.
fn targets() -> [(Follows, DynIden, &'static str); 4] {
    [
        (Follows::FollowedUserId, Users::Table.into_iden(), "user"),
        (Follows::AuthorId, Authors::Table.into_iden(), "author"),
        (
            Follows::CollectionId,
            Collections::Table.into_iden(),
            "collection",
        ),
        (Follows::TopicId, Topics::Table.into_iden(), "topic"),
    ]
}

/// The tables that count their followers (topics got theirs with the table).
fn counted() -> [DynIden; 3] {
    [
        Users::Table.into_iden(),
        Authors::Table.into_iden(),
        Collections::Table.into_iden(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(Follows::Table)
            .col(id(Follows::Id))
            .col(big_int(Follows::UserId))
            .foreign_key(&mut fk(
                Follows::Table,
                Follows::UserId,
                Users::Table,
                ForeignKeyAction::Cascade,
            ));
        let mut indexes = vec![index(
            Follows::Table,
            "following",
            vec![Follows::UserId.into_iden(), Follows::Id.into_iden()],
        )];
        let mut one_target = Vec::new();
        for (column, target, suffix) in targets() {
            let name = column.to_string();
            one_target.push(format!("(CASE WHEN {name} IS NULL THEN 0 ELSE 1 END)"));
            table.col(big_int_null(column)).foreign_key(&mut fk(
                Follows::Table,
                Alias::new(&name),
                target,
                ForeignKeyAction::Cascade,
            ));
            // One follow per user and target, and a repeat conflicts with it.
            indexes.push(
                Index::create()
                    .name(format!("idx_follows_by_{suffix}"))
                    .table(Follows::Table)
                    .col(Follows::UserId)
                    .col(Alias::new(&name))
                    .unique()
                    .to_owned(),
            );
            // A target's followers, newest first.
            indexes.push(index(
                Follows::Table,
                &format!("of_{suffix}"),
                vec![Alias::new(&name).into_iden(), Follows::Id.into_iden()],
            ));
        }
        table
            .col(timestamp(Follows::CreatedAt))
            .check(Expr::cust(format!("{} = 1", one_target.join(" + "))));
        create(manager, table.to_owned(), indexes).await?;
        for counted in counted() {
            manager
                .alter_table(
                    Table::alter()
                        .table(counted)
                        .add_column(counter(Alias::new("follower_count")))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Follows::Table).await?;
        for counted in counted() {
            manager
                .alter_table(
                    Table::alter()
                        .table(counted)
                        .drop_column(Alias::new("follower_count"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
