//! Collections: ordered, annotated lists of papers, public or private to their owner.

mod items;
mod read;
mod write;

pub use items::*;
pub use read::*;
pub use write::*;

use entity::collection;

use crate::error::AppError;
use crate::services::Services;
use crate::services::events::Event;

/// Tells subscribers that a collection changed (its fields or items), once the change has
/// committed, and answers it.
async fn updated(
    services: &Services,
    row: collection::Model,
) -> Result<collection::Model, AppError> {
    services
        .publish(&[Event::CollectionUpdated { collection: row.id }])
        .await;
    Ok(row)
}
