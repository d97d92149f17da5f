//! Writing collections: create, change, delete (their items are in `items`). Only the owner
//! writes: another user gets `FORBIDDEN` on a public collection and `NOT_FOUND` on a private one.

use entity::{collection, user};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::CollectionId;
use crate::services::Services;
use crate::services::input::Text;

pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// `owner/title-words-<id>`: readable, unique through the id, fixed at creation so links
/// survive renames.
fn slug(owner: &str, title: &str, id: CollectionId) -> String {
    let words: Vec<String> = title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        format!("{owner}/collection-{id}")
    } else {
        format!("{owner}/{}-{id}", words.join("-"))
    }
}

/// The collection if the user owns it.
pub(super) async fn owned<C: ConnectionTrait>(
    db: &C,
    user: &user::Model,
    id: CollectionId,
) -> Result<collection::Model, AppError> {
    check_owner(collection::Entity::find_by_id(id).one(db).await?, user)
}

pub(super) fn check_owner(
    row: Option<collection::Model>,
    user: &user::Model,
) -> Result<collection::Model, AppError> {
    match row {
        Some(c) if c.owner_id == user.id => Ok(c),
        Some(c) if !c.is_private => Err(AppError::Forbidden(
            "only its owner changes a collection".into(),
        )),
        _ => Err(AppError::NotFound("no such collection".into())),
    }
}

/// A collection's title.
pub type Title = Text<MAX_TITLE_CHARS>;
/// What a collection is about.
pub type Description = Text<MAX_DESCRIPTION_CHARS>;

/// A new collection, checked.
pub struct NewCollection {
    pub title: Title,
    pub description: Option<Description>,
    pub is_private: bool,
}

impl NewCollection {
    pub fn parse(
        title: &str,
        description: Option<String>,
        is_private: bool,
    ) -> Result<Self, AppError> {
        Ok(Self {
            title: Title::parse(title, "title")?,
            description: Description::parse_optional(description, "description")?,
            is_private,
        })
    }
}

/// Changes to a collection, checked: a field left out stays; an empty description is cleared.
pub struct CollectionChange {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub is_private: Option<bool>,
}

impl CollectionChange {
    pub fn parse(
        title: Option<String>,
        description: Option<String>,
        is_private: Option<bool>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            title: title.map(|t| Title::parse(&t, "title")).transpose()?,
            description: Description::parse_change(description, "description")?,
            is_private,
        })
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewCollection,
) -> Result<collection::Model, AppError> {
    let owner = caller.signed_in()?;
    let NewCollection {
        title,
        description,
        is_private,
    } = new;
    let now = crate::services::now();
    let txn = db::begin_write(db).await?;
    let row = collection::ActiveModel {
        slug: Set(format!("pending-{}", uuid::Uuid::new_v4())),
        owner_id: Set(owner.id),
        title: Set(title.as_str().to_owned()),
        description: Set(description.map(String::from)),
        is_private: Set(is_private),
        created_at: Set(now),
        updated_at: Set(now),
        upvote_count: Set(0),
        item_count: Set(0),
        trending_score: Set(crate::services::papers::trending::score(0, now, now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut named: collection::ActiveModel = row.clone().into();
    named.slug = Set(slug(&owner.username, title.as_str(), row.id));
    let row = named.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn update(
    services: &Services,
    caller: &Caller,
    id: CollectionId,
    changes: CollectionChange,
) -> Result<collection::Model, AppError> {
    let (db, user) = (&services.db, caller.signed_in()?);
    let CollectionChange {
        title,
        description,
        is_private,
    } = changes;
    let row = owned(db, user, id).await?;
    let mut change: collection::ActiveModel = row.into();
    if let Some(title) = title {
        change.title = Set(title.into());
    }
    if let Some(description) = description {
        change.description = Set(description.map(String::from));
    }
    if let Some(is_private) = is_private {
        change.is_private = Set(is_private);
    }
    change.updated_at = Set(crate::services::now());
    super::updated(services, change.update(db).await?).await
}

pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    id: CollectionId,
) -> Result<bool, AppError> {
    let user = caller.signed_in()?;
    let row = owned(db, user, id).await?;
    collection::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(true)
}
