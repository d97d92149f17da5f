//! The trending-papers email digest: subscriptions with double opt-in, the mails, and the runs
//! that send each digest once per subscription and period.
//!
//! - this module: subscribing (an address, or the signed-in account's), confirming and
//!   unsubscribing by the link's token.
//! - [`mail`]: the SMTP transport and the messages (confirmation, digest).
//! - [`send`]: a run for one frequency and period (`papers digest send`, the schedule in
//!   `serve`).

pub mod mail;
pub mod send;

use entity::digest_subscription;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::Services;
use crate::services::accounts::Email;
use mail::MailKind;

/// How often a digest comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// The top 10 papers of each day, the morning after.
    Daily,
    /// The top 20 papers of each ISO week, on Monday.
    Weekly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "daily" => Some(Self::Daily),
            "weekly" => Some(Self::Weekly),
            _ => None,
        }
    }
}

/// What a digest holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The period's most upvoted papers, the same for everyone.
    Trending,
    /// A reader's own: what reached their following feed in the period, then their
    /// recommendations among the period's papers.
    ForYou,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trending => "trending",
            Self::ForYou => "for_you",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "trending" => Some(Self::Trending),
            "for_you" => Some(Self::ForYou),
            _ => None,
        }
    }
}

/// A subscription and the secret of its links (mailed, never answered by the API).
struct Subscribed {
    subscription: digest_subscription::Model,
    /// Set when a confirmation mail is due: a new subscription, or one still unconfirmed.
    confirm: bool,
}

fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Subscribes an address (the account's when none is given) to a digest. A `ForYou` digest is
/// an account's own: it needs a session (`UNAUTHENTICATED` without one, `FORBIDDEN` to an API
/// token) and goes to the account's address (another one is `BAD_USER_INPUT` on `email`).
/// Counted per address and per client, since each call may mail a confirmation. Subscribing again while
/// unconfirmed sends a new confirmation link (the old one stops working); once confirmed it
/// changes nothing. The confirmation is mailed after the answer: a slow or failing mail server
/// does not fail the subscription (subscribing again sends a new link).
pub async fn subscribe(
    services: &Services,
    caller: &Caller,
    email: Option<Email>,
    frequency: Frequency,
    kind: Kind,
) -> Result<digest_subscription::Model, AppError> {
    let email = match kind {
        Kind::Trending => email,
        Kind::ForYou => {
            let account = Email::parse(&caller.with_session()?.email)?;
            if email.is_some_and(|e| e.as_str() != account.as_str()) {
                return Err(AppError::bad_input(
                    "email",
                    "a FOR_YOU digest goes to the account's own address",
                ));
            }
            Some(account)
        }
    };
    let subscribed = write_subscription(services, caller, email, frequency, kind).await?;
    let subscription = subscribed.subscription;
    if subscribed.confirm {
        match services.mailer.clone() {
            Some(mailer) => {
                let (to, token) = (subscription.email.clone(), subscription.token.clone());
                tokio::spawn(async move {
                    let sent = match mailer.confirmation(&to, frequency, &token) {
                        Ok(message) => mailer.send(MailKind::Confirmation, message).await,
                        Err(err) => Err(err),
                    };
                    if let Err(err) = sent {
                        tracing::warn!(error = %err, "a digest confirmation mail failed");
                    }
                });
            }
            None => tracing::info!("mail is off: no digest confirmation sent"),
        }
    }
    Ok(subscription)
}

async fn write_subscription(
    services: &Services,
    caller: &Caller,
    email: Option<Email>,
    frequency: Frequency,
    kind: Kind,
) -> Result<Subscribed, AppError> {
    let (db, throttles) = (&services.db, &services.throttles);
    let email = match (email, &caller.user) {
        (Some(email), _) => email,
        (None, Some(user)) => Email::parse(&user.email)?,
        (None, None) => {
            return Err(AppError::bad_input(
                "email",
                "give an email address, or sign in to use the account's",
            ));
        }
    };
    if let Some(address) = caller.address {
        let _counted = throttles
            .digest_per_client
            .reserve(&address.to_string())
            .await?;
    }
    let _counted = throttles.digest_per_address.reserve(email.as_str()).await?;
    let txn = db::begin_write(db).await?;
    let existing = digest_subscription::Entity::find()
        .filter(digest_subscription::Column::Email.eq(email.as_str()))
        .filter(digest_subscription::Column::Frequency.eq(frequency.as_str()))
        .filter(digest_subscription::Column::Kind.eq(kind.as_str()))
        .one(&txn)
        .await?;
    let subscribed = match existing {
        Some(row) if row.confirmed_at.is_some() => Subscribed {
            subscription: row,
            confirm: false,
        },
        Some(row) => {
            let mut row: digest_subscription::ActiveModel = row.into();
            row.token = Set(new_token());
            Subscribed {
                subscription: row.update(&txn).await?,
                confirm: true,
            }
        }
        None => Subscribed {
            subscription: digest_subscription::ActiveModel {
                email: Set(email.as_str().to_owned()),
                user_id: Set(caller.user_id()),
                frequency: Set(frequency.as_str().to_owned()),
                kind: Set(kind.as_str().to_owned()),
                token: Set(new_token()),
                created_at: Set(crate::services::now()),
                confirmed_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
            confirm: true,
        },
    };
    txn.commit().await?;
    Ok(subscribed)
}

/// Confirms the subscription whose link was followed; `None` for an unknown token.
pub async fn confirm(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<digest_subscription::Model>, AppError> {
    let now = crate::services::now();
    digest_subscription::Entity::update_many()
        .col_expr(digest_subscription::Column::ConfirmedAt, Expr::value(now))
        .filter(digest_subscription::Column::Token.eq(token))
        .filter(digest_subscription::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?;
    Ok(digest_subscription::Entity::find()
        .filter(digest_subscription::Column::Token.eq(token))
        .one(db)
        .await?)
}

/// Ends the subscription of a link's token; false when there is none (any more).
pub async fn unsubscribe(db: &DatabaseConnection, token: &str) -> Result<bool, AppError> {
    let deleted = digest_subscription::Entity::delete_many()
        .filter(digest_subscription::Column::Token.eq(token))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected > 0)
}
