//! A paper for readers outside GraphQL: the flat JSON object of the Hugging Face-shaped REST
//! answers, and the markdown page (`GET /papers/{arxivId}.md`, the MCP tool `get_paper`).

use std::collections::HashMap;
use std::fmt::Write as _;

use entity::{comment, paper, topic, user};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::ids::{Global, UserId};
use crate::render::{HubUser, display_name, quote, timestamp};
use crate::services::discussion::{self, CommentList, CommentOrder};
use crate::services::pagination::PageArgs;
use crate::services::papers::{self, PaperAuthorEntry};
use crate::services::{accounts, topics};

/// How many of the most upvoted comments a paper's markdown page quotes.
const TOP_COMMENTS: usize = 3;
/// How many top-level comments are read to find them (tombstones are skipped).
const TOP_COMMENTS_READ: u64 = 10;

/// The users with these ids, in one statement (none for an empty list).
pub async fn users_by_id(
    db: &DatabaseConnection,
    mut ids: Vec<UserId>,
) -> Result<HashMap<UserId, user::Model>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    accounts::users::find_by_ids(db, &ids).await
}

/// An author of a paper, as the Hugging Face client reads one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HubAuthor {
    /// The name as the paper gives it.
    pub name: String,
    /// Always false here (the Hub hides some authors).
    pub hidden: bool,
    /// The member who claimed this author identity, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<HubUser>,
}

/// A paper as a flat object, in the shape of the Hugging Face Hub's papers API.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubPaper {
    /// The arXiv id, e.g. `2401.00001`.
    pub id: String,
    pub title: String,
    /// The abstract.
    pub summary: String,
    /// The authors, in the paper's order.
    pub authors: Vec<HubAuthor>,
    /// When arXiv published it (RFC 3339), if known.
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    /// When it entered the daily feed (RFC 3339).
    #[schema(format = DateTime)]
    pub submitted_on_daily_at: String,
    /// Who submitted it; null for imported papers.
    pub submitted_on_daily_by: Option<HubUser>,
    pub upvotes: i32,
    /// Comments, replies included.
    pub num_comments: i32,
    /// The code's repository address, if known.
    pub github_repo: Option<String>,
    /// The project's page, if known.
    pub project_page: Option<String>,
    /// The paper's GraphQL global ID.
    pub discussion_id: String,
}

/// Papers as flat objects, their authors and users loaded in two statements for all.
pub async fn hub_papers(
    db: &DatabaseConnection,
    rows: Vec<paper::Model>,
) -> Result<Vec<HubPaper>, AppError> {
    let ids: Vec<_> = rows.iter().map(|p| p.id).collect();
    let authors = papers::authors_of(db, &ids).await?;
    let mut user_ids: Vec<_> = rows.iter().filter_map(|p| p.submitted_by).collect();
    user_ids.extend(
        authors
            .values()
            .flatten()
            .filter_map(|entry| entry.author.user_id),
    );
    let users = users_by_id(db, user_ids).await?;
    Ok(rows
        .into_iter()
        .map(|paper| {
            let entries = authors.get(&paper.id).map(Vec::as_slice);
            hub_paper(&paper, entries.unwrap_or_default(), &users)
        })
        .collect())
}

/// Papers as JSON values (for answers that add fields of their own).
pub async fn papers_json(
    db: &DatabaseConnection,
    rows: Vec<paper::Model>,
) -> Result<Vec<Value>, AppError> {
    Ok(hub_papers(db, rows)
        .await?
        .iter()
        .map(|paper| json!(paper))
        .collect())
}

fn hub_paper(
    paper: &paper::Model,
    authors: &[PaperAuthorEntry],
    users: &HashMap<UserId, user::Model>,
) -> HubPaper {
    HubPaper {
        id: paper.arxiv_id.clone(),
        title: paper.title.clone(),
        summary: paper.r#abstract.clone(),
        authors: authors
            .iter()
            .map(|entry| HubAuthor {
                name: entry.author.name.clone(),
                hidden: false,
                user: entry
                    .author
                    .user_id
                    .and_then(|id| users.get(&id))
                    .map(HubUser::from),
            })
            .collect(),
        published_at: paper.published_at.map(timestamp),
        submitted_on_daily_at: timestamp(paper.submitted_at),
        submitted_on_daily_by: paper
            .submitted_by
            .and_then(|id| users.get(&id))
            .map(HubUser::from),
        upvotes: paper.upvote_count,
        num_comments: paper.comment_count,
        github_repo: paper.github_repo.clone(),
        project_page: paper.project_page.clone(),
        discussion_id: paper.id.global(),
    }
}

/// Everything a paper's page shows, read in five statements.
pub struct PaperPage {
    pub paper: paper::Model,
    authors: Vec<PaperAuthorEntry>,
    topics: Vec<topic::Model>,
    /// The most upvoted standing top-level comments, best first.
    top_comments: Vec<comment::Model>,
    users: HashMap<UserId, user::Model>,
}

impl PaperPage {
    /// Reads the page of a listed paper.
    pub async fn load(db: &DatabaseConnection, paper: paper::Model) -> Result<Self, AppError> {
        let ids = [paper.id];
        let authors = papers::authors_of(db, &ids)
            .await?
            .remove(&paper.id)
            .unwrap_or_default();
        let topics = topics::topics_of(db, &ids)
            .await?
            .remove(&paper.id)
            .unwrap_or_default();
        let list = CommentList::TopLevel(CommentOrder::Top);
        let args = PageArgs::first(TOP_COMMENTS_READ);
        let top_comments: Vec<comment::Model> = discussion::pages(db, list, &ids, &args, false)
            .await?
            .remove(&paper.id)
            .map(|(page, _)| page.items.into_iter().map(|(_, row)| row).collect())
            .unwrap_or_default();
        let top_comments: Vec<_> = top_comments
            .into_iter()
            .filter(|c| c.deleted_at.is_none() && c.hidden_at.is_none() && c.user_id.is_some())
            .take(TOP_COMMENTS)
            .collect();
        let mut user_ids: Vec<_> = top_comments.iter().filter_map(|c| c.user_id).collect();
        user_ids.extend(paper.submitted_by);
        user_ids.extend(authors.iter().filter_map(|entry| entry.author.user_id));
        let users = users_by_id(db, user_ids).await?;
        Ok(Self {
            paper,
            authors,
            topics,
            top_comments,
            users,
        })
    }

    /// The paper as the REST answers show it, with its topics (slug and name, primary first).
    pub fn json(&self) -> Value {
        let mut value = json!(hub_paper(&self.paper, &self.authors, &self.users));
        value["topics"] = self
            .topics
            .iter()
            .map(|t| json!({ "slug": t.slug, "name": t.name }))
            .collect();
        value
    }

    /// The page as markdown: title, authors, dates, links, abstract, counts and the top
    /// comments quoted with their authors.
    pub fn markdown(&self) -> String {
        let paper = &self.paper;
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", one_line(&paper.title));
        let authors: Vec<&str> = self
            .authors
            .iter()
            .map(|entry| entry.author.name.as_str())
            .collect();
        if !authors.is_empty() {
            let _ = writeln!(out, "**Authors:** {}\n", authors.join(", "));
        }
        if let Some(published) = paper.published_at {
            let _ = writeln!(
                out,
                "**Published on arXiv:** {}\n",
                published.format("%Y-%m-%d")
            );
        }
        let submitter = paper
            .submitted_by
            .and_then(|id| self.users.get(&id))
            .map(|user| format!(" by @{}", user.username))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "**Submitted to the daily papers:** {}{submitter}\n",
            paper.submitted_at.format("%Y-%m-%d")
        );
        if !self.topics.is_empty() {
            let topics: Vec<String> = self
                .topics
                .iter()
                .map(|t| format!("{} ({})", t.slug, t.name))
                .collect();
            let _ = writeln!(out, "**Topics:** {}\n", topics.join(", "));
        }
        let _ = writeln!(
            out,
            "**Upvotes:** {} · **Comments:** {}\n",
            paper.upvote_count, paper.comment_count
        );
        let id = &paper.arxiv_id;
        let _ = writeln!(out, "- arXiv: https://arxiv.org/abs/{id}");
        let _ = writeln!(out, "- PDF: https://arxiv.org/pdf/{id}");
        if let Some(repo) = &paper.github_repo {
            let _ = writeln!(out, "- Code: {repo}");
        }
        if let Some(page) = &paper.project_page {
            let _ = writeln!(out, "- Project page: {page}");
        }
        let _ = writeln!(out, "\n## Abstract\n\n{}", paper.r#abstract.trim());
        if !self.top_comments.is_empty() {
            let _ = writeln!(out, "\n## Top comments");
            for comment in &self.top_comments {
                let author = comment
                    .user_id
                    .and_then(|id| self.users.get(&id))
                    .map(|user| format!("{} (@{})", display_name(user), user.username))
                    .unwrap_or_else(|| "a former member".to_owned());
                let _ = writeln!(
                    out,
                    "\n{}\n\n— {author}, {} upvotes, {}",
                    quote(&comment.body),
                    comment.upvote_count,
                    comment.created_at.format("%Y-%m-%d")
                );
            }
        }
        out
    }
}

/// A title on one line: markdown headings end at a line break.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
