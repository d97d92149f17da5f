//! `collection_items`: a position is held by one item of a collection at a time.
//!
//! Positions were kept dense by the service alone, and parallel writes on PostgreSQL could
//! leave two items at one position. The positions of each collection are first renumbered
//! (0, 1, 2, … in their current order, ties by when the item was added), then the plain index
//! on `(collection_id, position)` becomes a unique one.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const RENUMBER: &str = "UPDATE collection_items SET position = ranked.dense \
     FROM (SELECT collection_id AS c, paper_id AS p, \
                  ROW_NUMBER() OVER (PARTITION BY collection_id \
                                     ORDER BY position, added_at, paper_id) - 1 AS dense \
           FROM collection_items) AS ranked \
     WHERE collection_items.collection_id = ranked.c AND collection_items.paper_id = ranked.p \
       AND collection_items.position <> ranked.dense";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // No unique index yet: the renumbering may pass through shared positions.
        db.execute_unprepared(RENUMBER).await?;
        manager
            .drop_index(drop_index("idx_collection_items_position"))
            .await?;
        manager
            .create_index(
                position_index("uq_collection_items_position")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(drop_index("uq_collection_items_position"))
            .await?;
        manager
            .create_index(position_index("idx_collection_items_position"))
            .await
    }
}

/// An index on `collection_items (collection_id, position)`.
fn position_index(name: &str) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(Alias::new("collection_items"))
        .col(Alias::new("collection_id"))
        .col(Alias::new("position"))
        .to_owned()
}

fn drop_index(name: &str) -> IndexDropStatement {
    Index::drop()
        .name(name)
        .table(Alias::new("collection_items"))
        .to_owned()
}
