//! Moderation: users report comments; moderators work the queue of open reports and of
//! pending claims, hide and unhide comments; every act of a moderator is logged
//! (`moderation_actions`) in the transaction of the act itself.

mod hiding;
mod queues;
mod reports;

use entity::moderation_action;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::error::AppError;
use crate::ids::{Global, UserId};

use crate::services::input::Text;

pub use hiding::{hide, hide_in, unhide};
pub use queues::{action_by_id, actions, claims_of, pending_claims, report_by_id, reports};
pub use reports::{report, resolve};

/// Longest moderation reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// Why a moderator hid a comment.
pub type Reason = Text<MAX_REASON_CHARS>;

pub const MAX_DETAILS_CHARS: usize = 1_000;
/// What a reporter adds to the reason.
pub type Details = Text<MAX_DETAILS_CHARS>;

/// Why a comment is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportReason {
    Spam,
    Abuse,
    OffTopic,
    Other,
}

impl ReportReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "SPAM",
            Self::Abuse => "ABUSE",
            Self::OffTopic => "OFF_TOPIC",
            Self::Other => "OTHER",
        }
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    Open,
    /// Resolved by hiding the comment.
    Hidden,
    Dismissed,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::Hidden => "HIDDEN",
            Self::Dismissed => "DISMISSED",
        }
    }
}

/// What a moderator did, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    HideComment,
    UnhideComment,
    DismissReport,
    ApproveClaim,
    RejectClaim,
    SetRole,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HideComment => "hide_comment",
            Self::UnhideComment => "unhide_comment",
            Self::DismissReport => "dismiss_report",
            Self::ApproveClaim => "approve_claim",
            Self::RejectClaim => "reject_claim",
            Self::SetRole => "set_role",
        }
    }
}

/// Logs a moderator's act in the caller's transaction.
pub async fn log<C: ConnectionTrait>(
    txn: &C,
    moderator: UserId,
    action: Action,
    target: impl Global,
    reason: Option<String>,
) -> Result<(), AppError> {
    moderation_action::ActiveModel {
        moderator_id: Set(moderator),
        action: Set(action.as_str().to_owned()),
        target_id: Set(target.global()),
        reason: Set(reason),
        created_at: Set(crate::services::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
