//! `topics` (arXiv's categories, written from [`crate::arxiv_categories`]) and `paper_topics`
//! (a paper's categories, primary first). `paper_count` equals the paper's rows and
//! `follower_count` the topic's follows, kept so by the services in the writes' transactions.
use crate::arxiv_categories::CATEGORIES;
use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Topics {
    Table,
    Id,
    Slug,
    Name,
    PaperCount,
    FollowerCount,
}

#[derive(DeriveIden)]
enum PaperTopics {
    Table,
    PaperId,
    TopicId,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let topics = Table::create()
            .table(Topics::Table)
            .col(id(Topics::Id))
            .col(string(Topics::Slug).unique_key().to_owned())
            .col(string(Topics::Name))
            .col(counter(Topics::PaperCount))
            .col(counter(Topics::FollowerCount))
            .to_owned();
        create(manager, topics, vec![]).await?;
        let mut insert = Query::insert();
        insert
            .into_table(Topics::Table)
            .columns([Topics::Slug, Topics::Name]);
        for (code, title) in CATEGORIES {
            insert
                .values([(*code).into(), (*title).into()])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        manager.exec_stmt(insert).await?;

        let paper_topics = Table::create()
            .table(PaperTopics::Table)
            .col(big_int(PaperTopics::PaperId))
            .col(big_int(PaperTopics::TopicId))
            .col(int(PaperTopics::Position))
            .primary_key(
                Index::create()
                    .col(PaperTopics::PaperId)
                    .col(PaperTopics::TopicId),
            )
            .foreign_key(&mut fk(
                PaperTopics::Table,
                PaperTopics::PaperId,
                Alias::new("papers"),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                PaperTopics::Table,
                PaperTopics::TopicId,
                Topics::Table,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        // A topic's papers.
        let by_topic = index(
            PaperTopics::Table,
            "topic",
            vec![
                PaperTopics::TopicId.into_iden(),
                PaperTopics::PaperId.into_iden(),
            ],
        );
        create(manager, paper_topics, vec![by_topic]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, PaperTopics::Table).await?;
        drop(manager, Topics::Table).await
    }
}
