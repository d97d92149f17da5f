//! `digest_subscriptions`: an address that asked for the trending-papers email, daily or weekly.
use sea_orm::entity::prelude::*;

use crate::ids::{SubscriptionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: SubscriptionId,
    pub email: String,
    /// The account that subscribed, when one did.
    pub user_id: Option<UserId>,
    /// `daily` or `weekly`.
    pub frequency: String,
    /// `trending` (the site's top papers) or `for_you` (the account's following feed and
    /// recommendations).
    pub kind: String,
    /// The secret of the confirmation and unsubscribe links. Kept as it is (it must go into
    /// every digest's unsubscribe link); it grants nothing but confirming and unsubscribing.
    #[sea_orm(unique)]
    pub token: String,
    pub created_at: DateTimeUtc,
    /// When the confirmation link was followed; nothing is sent before.
    pub confirmed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
