//! A paper's comment thread for readers outside GraphQL: a page of top-level comments (or of
//! one comment's replies), each with its first replies, as JSON (`GET
//! /api/papers/{arxivId}/comments`, the MCP tool `get_comments`) and as markdown.
//!
//! These readers are anonymous, so the rules are GraphQL's for an anonymous viewer: a deleted
//! or hidden comment is a tombstone (no author, no body) that keeps its place and its replies.

use std::collections::HashMap;
use std::fmt::Write as _;

use entity::{comment, user};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::ids::{CommentId, Global, PaperId, UserId, decode_as};
use crate::render::paper::users_by_id;
use crate::render::{HubUser, display_name, quote, timestamp};
use crate::services::discussion::{self, CommentList, CommentOrder, markdown};
use crate::services::pagination::{Direction, Page, PageArgs, ParentId};

/// How many replies each comment of a page carries; the rest are a `parent=` request away.
pub const REPLIES_SHOWN: u64 = 20;

/// A comment as the REST answers show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RestComment {
    /// The comment's GraphQL global ID (also what `parent` and `parent_id` take).
    pub id: String,
    /// The comment it replies to; null for a top-level comment.
    pub parent_id: Option<String>,
    /// Who wrote it; null for a tombstone or an erased account.
    pub author: Option<HubUser>,
    /// When it was written (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When its author last edited it.
    #[schema(format = DateTime)]
    pub edited_at: Option<String>,
    /// The markdown source; empty for a tombstone.
    pub body: String,
    /// The body rendered to sanitised HTML; empty for a tombstone.
    pub body_html: String,
    pub upvotes: i32,
    /// How many direct replies it has.
    pub num_replies: i32,
    /// Deleted by its author or hidden by a moderator: its body is gone, its replies stay.
    pub is_deleted: bool,
}

/// A comment of a page with its first replies (oldest first, at most 20; the rest through
/// `parent`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThreadComment {
    #[serde(flatten)]
    pub comment: RestComment,
    pub replies: Vec<RestComment>,
}

/// A page of a paper's comments, or of one comment's replies.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentPage {
    pub comments: Vec<ThreadComment>,
    /// Where the next page starts (the `cursor` parameter); null on the last page.
    pub next_cursor: Option<String>,
    /// How many comments the list holds in all.
    pub total: u64,
}

/// Whose comments a page lists.
#[derive(Debug, Clone, Copy)]
pub enum ThreadOf {
    /// A paper's top-level comments, in an order.
    Paper(PaperId, CommentOrder),
    /// A comment's direct replies, oldest first.
    Replies(CommentId),
}

impl ThreadOf {
    /// The order named by a `sort` parameter: `oldest` (the default), `newest` or `top`.
    pub fn order(sort: Option<&str>) -> Result<CommentOrder, AppError> {
        match sort {
            None | Some("oldest") => Ok(CommentOrder::Oldest),
            Some("newest") => Ok(CommentOrder::Newest),
            Some("top") => Ok(CommentOrder::Top),
            Some(_) => Err(AppError::bad_input(
                "sort",
                "sort must be oldest, newest or top",
            )),
        }
    }

    /// The list a request pages: the paper's top-level comments, or with `parent` (a comment
    /// ID) that comment's replies. A `parent` that is not a comment ID is `BAD_USER_INPUT` on
    /// `field`; one of another paper's comments is not found. An empty `parent` reads as
    /// absent, as a form sends it.
    pub async fn parse(
        db: &DatabaseConnection,
        paper: &entity::paper::Model,
        parent: Option<&str>,
        order: CommentOrder,
        field: &str,
    ) -> Result<Self, AppError> {
        let Some(parent) = parent.map(str::trim).filter(|p| !p.is_empty()) else {
            return Ok(Self::Paper(paper.id, order));
        };
        let id: CommentId = decode_as(parent)
            .ok_or_else(|| AppError::bad_input(field, format!("{field} is not a comment ID")))?;
        match discussion::find_by_ids(db, &[id]).await?.get(&id) {
            Some(comment) if comment.paper_id == paper.id => Ok(Self::Replies(id)),
            _ => Err(AppError::NotFound(format!(
                "no comment {parent} on this paper"
            ))),
        }
    }
}

/// A page of a thread: comments with their first replies, and where the next page starts.
pub struct ThreadPage {
    comments: Vec<(comment::Model, Vec<comment::Model>)>,
    users: HashMap<UserId, user::Model>,
    pub next_cursor: Option<String>,
    /// How many comments the list holds in all (top-level ones, or the comment's replies).
    pub total: u64,
}

impl ThreadPage {
    /// Reads a page (`size` comments after `cursor`) and each comment's first replies: three
    /// statements whatever the page's size. A cursor of another list is `BAD_USER_INPUT` on
    /// `cursor_field`.
    pub async fn load(
        db: &DatabaseConnection,
        of: ThreadOf,
        size: u64,
        cursor: Option<String>,
        cursor_field: &str,
    ) -> Result<Self, AppError> {
        let args = PageArgs {
            size,
            direction: Direction::Forward,
            cursor,
        };
        let (page, total) = match of {
            ThreadOf::Paper(paper, order) => {
                one_page(db, CommentList::TopLevel(order), paper, &args).await
            }
            ThreadOf::Replies(comment) => one_page(db, CommentList::Replies, comment, &args).await,
        }
        .map_err(|err| rename_cursor_error(err, cursor_field))?;
        let next_cursor = if page.has_next_page {
            page.items.last().map(|(cursor, _)| cursor.clone())
        } else {
            None
        };
        let rows: Vec<comment::Model> = page.items.into_iter().map(|(_, row)| row).collect();
        let with_replies: Vec<CommentId> = rows
            .iter()
            .filter(|c| c.reply_count > 0)
            .map(|c| c.id)
            .collect();
        let mut replies = if with_replies.is_empty() {
            HashMap::new()
        } else {
            let first = PageArgs::first(REPLIES_SHOWN);
            discussion::pages(db, CommentList::Replies, &with_replies, &first, false).await?
        };
        let comments: Vec<_> = rows
            .into_iter()
            .map(|row| {
                let shown = replies
                    .remove(&row.id)
                    .map(|(page, _)| page.items.into_iter().map(|(_, r)| r).collect())
                    .unwrap_or_default();
                (row, shown)
            })
            .collect();
        let user_ids = comments
            .iter()
            .flat_map(|(c, replies)| std::iter::once(c).chain(replies))
            .filter(|c| !is_tombstone(c))
            .filter_map(|c| c.user_id)
            .collect();
        let users = users_by_id(db, user_ids).await?;
        Ok(Self {
            comments,
            users,
            next_cursor,
            total: total.unwrap_or(0),
        })
    }

    /// The page as the REST answer reads it.
    pub fn rest(&self) -> CommentPage {
        let comments = self
            .comments
            .iter()
            .map(|(comment, replies)| ThreadComment {
                comment: self.rest_comment(comment),
                replies: replies.iter().map(|r| self.rest_comment(r)).collect(),
            })
            .collect();
        CommentPage {
            comments,
            next_cursor: self.next_cursor.clone(),
            total: self.total,
        }
    }

    /// The page as JSON: `{"comments": [...], "nextCursor", "total"}`.
    pub fn json(&self) -> Value {
        json!(self.rest())
    }

    fn rest_comment(&self, comment: &comment::Model) -> RestComment {
        let tombstone = is_tombstone(comment);
        let author = if tombstone {
            None
        } else {
            comment.user_id.and_then(|id| self.users.get(&id))
        };
        let (body, body_html) = if tombstone {
            (String::new(), String::new())
        } else {
            let html = comment
                .body_html
                .clone()
                .unwrap_or_else(|| markdown::to_safe_html(&comment.body));
            (comment.body.clone(), html)
        };
        RestComment {
            id: comment.id.global(),
            parent_id: comment.parent_id.map(|id| id.global()),
            author: author.map(HubUser::from),
            created_at: timestamp(comment.created_at),
            edited_at: comment.edited_at.map(timestamp),
            body,
            body_html,
            upvotes: comment.upvote_count,
            num_replies: comment.reply_count,
            is_deleted: tombstone,
        }
    }

    /// The page as markdown: each comment quoted under its author, replies indented below it.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if self.comments.is_empty() {
            out.push_str("No comments.\n");
        }
        for (comment, replies) in &self.comments {
            self.comment_markdown(&mut out, comment, "");
            let more = i64::from(comment.reply_count) - replies.len() as i64;
            for reply in replies {
                self.comment_markdown(&mut out, reply, "    ");
            }
            if more > 0 {
                let _ = writeln!(
                    out,
                    "    ({more} more replies: ask for the replies of comment {})\n",
                    comment.id.global()
                );
            }
        }
        if let Some(cursor) = &self.next_cursor {
            let _ = writeln!(out, "More comments follow (cursor: {cursor}).");
        }
        out
    }

    fn comment_markdown(&self, out: &mut String, comment: &comment::Model, indent: &str) {
        let id = comment.id.global();
        if is_tombstone(comment) {
            let _ = writeln!(out, "{indent}[deleted comment {id}]\n");
            return;
        }
        let author = comment
            .user_id
            .and_then(|id| self.users.get(&id))
            .map(|user| format!("{} (@{})", display_name(user), user.username))
            .unwrap_or_else(|| "a former member".to_owned());
        let edited = if comment.edited_at.is_some() {
            ", edited"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{indent}**{author}** · {} · {} upvotes{edited} · id {id}",
            comment.created_at.format("%Y-%m-%d %H:%M UTC"),
            comment.upvote_count,
        );
        for line in quote(&comment.body).lines() {
            let _ = writeln!(out, "{indent}{line}");
        }
        out.push('\n');
    }
}

/// Deleted and hidden comments read as tombstones to anonymous readers.
fn is_tombstone(comment: &comment::Model) -> bool {
    comment.deleted_at.is_some() || comment.hidden_at.is_some()
}

/// One parent's page of `list`, and its size.
async fn one_page<Id: ParentId>(
    db: &DatabaseConnection,
    list: CommentList,
    parent: Id,
    args: &PageArgs,
) -> Result<(Page<comment::Model>, Option<u64>), AppError> {
    let found = discussion::pages(db, list, &[parent], args, true)
        .await?
        .remove(&parent);
    Ok(found.unwrap_or_else(|| (Page::empty(), Some(0))))
}

/// A refused cursor names the caller's own parameter.
fn rename_cursor_error(err: AppError, field: &str) -> AppError {
    match err {
        AppError::BadUserInput { message, .. } => AppError::bad_input(field, message),
        other => other,
    }
}
