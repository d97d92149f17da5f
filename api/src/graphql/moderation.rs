//! Moderation: reporting comments, the queue of open reports and pending claims, hiding and
//! unhiding, and the log of moderators' acts.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::{comment_report, moderation_action};
use papers_macros::connections;

use crate::error::{AppError, GqlResult};
use crate::graphql::accounts::User;
use crate::graphql::args::{ForwardArgs, id_arg};
use crate::graphql::claims::AuthorshipClaim;
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{caller, db, loaders, services};
use crate::graphql::discussion::Comment;
use crate::ids::Global;
use crate::services::moderation::Reason;
use crate::services::moderation::{self, Details, ReportStatus as Status};
use crate::services::pagination::Page;

/// Why a comment is reported.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReportReason {
    /// Advertising or bulk messages.
    Spam,
    /// Insults, harassment or hate.
    Abuse,
    /// Not about the paper.
    OffTopic,
    /// Something else (say what in `details`).
    Other,
}

impl From<ReportReason> for moderation::ReportReason {
    fn from(reason: ReportReason) -> Self {
        match reason {
            ReportReason::Spam => Self::Spam,
            ReportReason::Abuse => Self::Abuse,
            ReportReason::OffTopic => Self::OffTopic,
            ReportReason::Other => Self::Other,
        }
    }
}

/// Where a report stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    /// Waiting for a moderator.
    Open,
    /// Resolved by hiding the comment.
    Hidden,
    /// Resolved without action.
    Dismissed,
}

impl From<ReportStatus> for Status {
    fn from(status: ReportStatus) -> Self {
        match status {
            ReportStatus::Open => Self::Open,
            ReportStatus::Hidden => Self::Hidden,
            ReportStatus::Dismissed => Self::Dismissed,
        }
    }
}

pub struct CommentReport(pub comment_report::Model);

/// A user's report of a comment, for the moderators.
#[Object]
impl CommentReport {
    /// The report's opaque global ID, for `resolveReport`.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The comment reported (moderators see it whole, hidden or not).
    async fn comment(&self, ctx: &Context<'_>) -> async_graphql::Result<Comment> {
        loaders(ctx)?
            .comment_by_id
            .load_one(self.0.comment_id)
            .await?
            .map(Comment)
            .ok_or_else(|| AppError::NotFound("no such comment".into()).into_gql())
    }

    /// Who reported it; null once their account is gone.
    async fn reporter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(loaders(ctx)?
            .user(self.0.reporter_id)
            .await?
            .map(User::from))
    }

    /// Why.
    async fn reason(&self) -> ReportReason {
        match self.0.reason.as_str() {
            "SPAM" => ReportReason::Spam,
            "ABUSE" => ReportReason::Abuse,
            "OFF_TOPIC" => ReportReason::OffTopic,
            _ => ReportReason::Other,
        }
    }

    /// The reporter's words.
    async fn details(&self) -> Option<&str> {
        self.0.details.as_deref()
    }

    /// Where it stands.
    async fn status(&self) -> ReportStatus {
        match self.0.status.as_str() {
            "HIDDEN" => ReportStatus::Hidden,
            "DISMISSED" => ReportStatus::Dismissed,
            _ => ReportStatus::Open,
        }
    }

    /// When it was filed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The moderator who resolved it.
    async fn resolved_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(loaders(ctx)?
            .user(self.0.resolved_by)
            .await?
            .map(User::from))
    }

    /// When it was resolved.
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }
}

pub struct ModerationAction(pub moderation_action::Model);

/// One act of a moderator, as logged.
#[Object]
impl ModerationAction {
    /// The entry's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// Who acted.
    async fn moderator(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        loaders(ctx)?
            .user(Some(self.0.moderator_id))
            .await?
            .map(User::from)
            .ok_or_else(|| AppError::NotFound("no such user".into()).into_gql())
    }

    /// What was done: `hide_comment`, `unhide_comment`, `dismiss_report`, `approve_claim`,
    /// `reject_claim` or `set_role`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The global ID of what was acted on (a comment, a report, a claim, a user).
    async fn target_id(&self) -> ID {
        ID(self.0.target_id.clone())
    }

    /// Why, when the moderator said (for `set_role`: the role given).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

connection!(
    CommentReportConnection,
    CommentReportEdge,
    CommentReport,
    "A page of comment reports, as a Relay connection.",
    "A report in a page of reports."
);
connection!(
    ModerationActionConnection,
    ModerationActionEdge,
    ModerationAction,
    "A page of the moderation log, as a Relay connection.",
    "An entry in a page of the moderation log."
);
connection!(
    AuthorshipClaimConnection,
    AuthorshipClaimEdge,
    AuthorshipClaim,
    "A page of authorship claims, as a Relay connection.",
    "A claim in a page of claims."
);

/// A page and its known total, as a connection's parts.
pub fn parts<T, N>((page, total): (Page<T>, u64), node: impl Fn(T) -> N) -> Parts<N> {
    Parts::from_page(page, Totals::new(move || async move { Ok(total) }), node)
}

/// A report of a comment.
#[derive(InputObject)]
pub struct ReportCommentInput {
    /// The comment (a `Comment` ID).
    comment_id: ID,
    /// Why.
    reason: ReportReason,
    /// More for the moderators, at most 1,000 characters.
    details: Option<String>,
}

#[derive(Default)]
pub struct ModerationQuery;

/// The moderators' queues and log (`FORBIDDEN` to everyone else).
#[connections]
#[Object]
impl ModerationQuery {
    /// Comment reports of a status, oldest first (moderators).
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which reports (default: the open ones).",
            default_with = "ReportStatus::Open"
        )]
        status: ReportStatus,
        page: ForwardArgs,
    ) -> async_graphql::Result<CommentReportConnection> {
        let page_args = page.parse()?;
        let found = moderation::reports(&db(ctx)?, caller(ctx)?, status.into(), &page_args)
            .await
            .gql()?;
        Ok(CommentReportConnection(parts(found, CommentReport)))
    }

    /// Authorship claims waiting for a decision, oldest first (moderators).
    async fn pending_claims(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<AuthorshipClaimConnection> {
        let page_args = page.parse()?;
        let found = moderation::pending_claims(&db(ctx)?, caller(ctx)?, &page_args)
            .await
            .gql()?;
        Ok(AuthorshipClaimConnection(parts(found, AuthorshipClaim)))
    }

    /// What moderators did, newest first (moderators).
    async fn moderation_log(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<ModerationActionConnection> {
        let page_args = page.parse()?;
        let found = moderation::actions(&db(ctx)?, caller(ctx)?, &page_args)
            .await
            .gql()?;
        Ok(ModerationActionConnection(parts(found, ModerationAction)))
    }
}

#[derive(Default)]
pub struct ModerationMutation;

/// Reporting comments and working the queue.
#[Object]
impl ModerationMutation {
    /// Reports a comment to the moderators. One open report per user and comment (a second is
    /// `CONFLICT`); throttled.
    async fn report_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment, the reason and details.")] input: ReportCommentInput,
    ) -> async_graphql::Result<CommentReport> {
        let comment = id_arg(&input.comment_id, "commentId")?;
        let details = Details::parse_optional(input.details, "details").gql()?;
        let row = moderation::report(
            services(ctx)?,
            caller(ctx)?,
            comment,
            input.reason.into(),
            details,
        )
        .await
        .gql()?;
        Ok(CommentReport(row))
    }

    /// Resolves an open report (moderators): `hide: true` hides the comment and resolves every
    /// open report on it; `false` dismisses this one.
    async fn resolve_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `CommentReport` ID.")] id: ID,
        #[graphql(desc = "True to hide the comment, false to dismiss the report.")] hide: bool,
        #[graphql(desc = "Why, for the log (and, when hiding, for the comment's author).")]
        reason: Option<String>,
    ) -> async_graphql::Result<CommentReport> {
        let id = id_arg(&id, "id")?;
        let reason = Reason::parse_optional(reason, "reason").gql()?;
        let resolved = moderation::resolve(services(ctx)?, caller(ctx)?, id, hide, reason);
        Ok(CommentReport(resolved.await.gql()?))
    }

    /// Shows a hidden comment again (moderators).
    async fn unhide_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] id: ID,
    ) -> async_graphql::Result<Comment> {
        let id = id_arg(&id, "id")?;
        Ok(Comment(
            moderation::unhide(&db(ctx)?, caller(ctx)?, id)
                .await
                .gql()?,
        ))
    }
}
