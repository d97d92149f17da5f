//! The MCP tools: their arguments (described to the model by JSON Schemas derived from the
//! argument types), and what each does, through the same services as GraphQL and REST.
//! Each answers markdown for the model to read and the same data as `structuredContent`.

use std::sync::Arc;

use rmcp::handler::server::common::schema_for_type;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::{AppError, ErrorCode};
use crate::render::comments::{ThreadOf, ThreadPage};
use crate::render::display_name;
use crate::render::paper::{PaperPage, papers_json, users_by_id};
use crate::services::collections::{self, Item, ItemChange};
use crate::services::discussion::{self, Body, CommentOrder};
use crate::services::pagination::PageArgs;
use crate::services::papers::{self, PaperFilter, PaperOrder, Period, search};
use crate::services::votes;
use crate::state::AppState;

/// Results of a list when `limit` is absent.
const DEFAULT_LIMIT: u32 = 10;
/// The largest `limit`, as GraphQL's page size.
const MAX_LIMIT: u32 = 100;

/// `search_papers`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SearchArgs {
    /// What to look for: words, a phrase or a question (1 to 1000 characters).
    query: String,
    /// How to match: "lexical" (by words), "semantic" (by meaning) or "hybrid" (both). The
    /// server's default when absent; without an embedding model only "lexical" is offered.
    mode: Option<String>,
    /// How many papers, best first (1 to 100; 10 when absent).
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

/// `daily_papers`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DailyArgs {
    /// A day, YYYY-MM-DD (UTC). Give at most one of date, week and month; today when none.
    date: Option<String>,
    /// An ISO week, YYYY-Www (e.g. 2025-W09).
    week: Option<String>,
    /// A month, YYYY-MM.
    month: Option<String>,
    /// "upvotes" (most upvoted first, the default), "trending" or "newest".
    sort: Option<String>,
    /// How many papers (1 to 100; 10 when absent).
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

/// `get_paper`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PaperArgs {
    /// The paper's arXiv id, e.g. 2401.00001 (a version suffix such as v2 is accepted).
    arxiv_id: String,
}

/// `similar_papers`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SimilarArgs {
    /// The paper's arXiv id, e.g. 2401.00001.
    arxiv_id: String,
    /// How many papers, most similar first (1 to 100; 10 when absent).
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

/// `get_comments`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CommentsArgs {
    /// The paper's arXiv id, e.g. 2401.00001.
    arxiv_id: String,
    /// How many top-level comments (1 to 100; 10 when absent); each comes with its first
    /// replies.
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
    /// "oldest" (thread order, the default), "newest" or "top" (most upvoted).
    sort: Option<String>,
    /// A comment's id, to list its replies instead.
    parent_id: Option<String>,
    /// The `cursor` a previous call gave, to read on.
    cursor: Option<String>,
}

/// `get_collection`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CollectionArgs {
    /// The collection's slug, as in its address.
    slug: String,
}

/// `upvote_paper`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpvoteArgs {
    /// The paper's arXiv id, e.g. 2401.00001.
    arxiv_id: String,
}

/// `add_comment`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AddCommentArgs {
    /// The paper's arXiv id, e.g. 2401.00001.
    arxiv_id: String,
    /// The comment, in markdown (1 to 10000 characters).
    body: String,
    /// The id of the comment this one replies to (from get_comments); a top-level comment when
    /// absent.
    parent_id: Option<String>,
}

/// `add_to_collection`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AddToCollectionArgs {
    /// The slug of one of your own collections.
    slug: String,
    /// The paper's arXiv id, e.g. 2401.00001.
    arxiv_id: String,
    /// A note to keep with the paper in the collection.
    note: Option<String>,
}

/// A tool's description for a model, its argument type and whether it writes.
struct Spec {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    schema: fn() -> Arc<JsonObject>,
    writes: bool,
}

/// The argument type's schema, without the wrapper's own title and description.
fn schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    let mut object = schema_for_type::<T>().as_ref().clone();
    object.remove("title");
    object.remove("description");
    Arc::new(object)
}

const SPECS: &[Spec] = &[
    Spec {
        name: "search_papers",
        title: "Search papers",
        description: "Find research papers by words or meaning in their titles, abstracts and \
                      authors. Returns the best matches first with arXiv ids, authors, upvotes \
                      and a short abstract.",
        schema: schema::<SearchArgs>,
        writes: false,
    },
    Spec {
        name: "daily_papers",
        title: "Daily papers",
        description: "The papers the community picked on a day, week or month (today when none \
                      is given), most upvoted first by default.",
        schema: schema::<DailyArgs>,
        writes: false,
    },
    Spec {
        name: "get_paper",
        title: "Get a paper",
        description: "One paper by arXiv id: title, authors, dates, links (arXiv, PDF, code, \
                      project page), abstract, upvotes, comments count, topics and top comments.",
        schema: schema::<PaperArgs>,
        writes: false,
    },
    Spec {
        name: "similar_papers",
        title: "Similar papers",
        description: "Papers about the same thing as a given paper, most similar first.",
        schema: schema::<SimilarArgs>,
        writes: false,
    },
    Spec {
        name: "get_comments",
        title: "Get comments",
        description: "A paper's discussion in thread order: top-level comments with their \
                      first replies, authors, dates and upvotes. Deleted comments show as \
                      [deleted]. Page on with the cursor; open a comment's replies with \
                      parent_id.",
        schema: schema::<CommentsArgs>,
        writes: false,
    },
    Spec {
        name: "get_collection",
        title: "Get a collection",
        description: "A curated collection of papers by its slug: title, owner, description \
                      and its papers in order with the curator's notes.",
        schema: schema::<CollectionArgs>,
        writes: false,
    },
    Spec {
        name: "upvote_paper",
        title: "Upvote a paper",
        description: "Upvote a paper as the token's owner; upvoting again changes nothing.",
        schema: schema::<UpvoteArgs>,
        writes: true,
    },
    Spec {
        name: "add_comment",
        title: "Comment on a paper",
        description: "Post a markdown comment on a paper as the token's owner, or a reply to \
                      one of its comments. Comments are public.",
        schema: schema::<AddCommentArgs>,
        writes: true,
    },
    Spec {
        name: "add_to_collection",
        title: "Add to a collection",
        description: "Add a paper to one of the token owner's collections, with an optional \
                      note.",
        schema: schema::<AddToCollectionArgs>,
        writes: true,
    },
];

/// Whether the caller gets the write tools: signed in, and not with a READ token.
fn may_write(caller: &Caller) -> bool {
    caller.user.is_some() && caller.may_write()
}

/// The tools this caller may see and call.
pub fn listed_for(caller: &Caller) -> Vec<Tool> {
    SPECS
        .iter()
        .filter(|spec| !spec.writes || may_write(caller))
        .map(|spec| {
            let annotations = ToolAnnotations::with_title(spec.title)
                .read_only(!spec.writes)
                .destructive(false)
                .idempotent(spec.name != "add_comment")
                .open_world(false);
            Tool::new(spec.name, spec.description, (spec.schema)())
                .with_title(spec.title)
                .with_annotations(annotations)
        })
        .collect()
}

/// What a tool answers: markdown and the same data as JSON.
struct Answer {
    text: String,
    data: Value,
}

/// Why a tool call failed, as the model reads it.
struct ToolError(String);

impl From<AppError> for ToolError {
    fn from(err: AppError) -> Self {
        Self(match err.code() {
            ErrorCode::InternalServerError => {
                tracing::error!(cause = %err, "an MCP tool failed");
                "the server failed to answer; try again later".to_owned()
            }
            code => format!("{} ({})", err, code.as_str()),
        })
    }
}

/// Runs the tool `name` for `caller`: a result, or a result with `isError` for anything the
/// caller got wrong or the server could not do.
pub async fn call(
    state: &AppState,
    caller: &Caller,
    name: &str,
    arguments: JsonObject,
) -> CallToolResult {
    let known = SPECS
        .iter()
        .any(|spec| spec.name == name && (!spec.writes || may_write(caller)));
    let outcome = if known {
        dispatch(state, caller, name, Value::Object(arguments)).await
    } else {
        Err(ToolError(format!(
            "unknown tool {name}; the tools/list answer names the tools you may call"
        )))
    };
    match outcome {
        Ok(answer) => {
            let mut result = CallToolResult::structured(answer.data);
            result.content = vec![ContentBlock::text(answer.text)];
            result
        }
        Err(ToolError(message)) => CallToolResult::error(vec![ContentBlock::text(message)]),
    }
}

async fn dispatch(
    state: &AppState,
    caller: &Caller,
    name: &str,
    arguments: Value,
) -> Result<Answer, ToolError> {
    match name {
        "search_papers" => search_papers(state, args(arguments)?).await,
        "daily_papers" => daily_papers(state, args(arguments)?).await,
        "get_paper" => get_paper(state, args(arguments)?).await,
        "similar_papers" => similar_papers(state, args(arguments)?).await,
        "get_comments" => get_comments(state, args(arguments)?).await,
        "get_collection" => get_collection(state, caller, args(arguments)?).await,
        "upvote_paper" => upvote_paper(state, caller, args(arguments)?).await,
        "add_comment" => add_comment(state, caller, args(arguments)?).await,
        "add_to_collection" => add_to_collection(state, caller, args(arguments)?).await,
        _ => Err(ToolError(format!("unknown tool {name}"))),
    }
}

/// The arguments as the tool's type, or a message naming what is wrong with them.
fn args<T: DeserializeOwned>(arguments: Value) -> Result<T, ToolError> {
    serde_json::from_value(arguments).map_err(|err| ToolError(format!("bad arguments: {err}")))
}

/// A `limit` within 1..=100, 10 when absent.
fn limit(limit: Option<u32>) -> Result<u64, ToolError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(u64::from(n)),
        _ => Err(ToolError(format!(
            "bad arguments: limit must be from 1 to {MAX_LIMIT}"
        ))),
    }
}

/// A listed paper by arXiv id, or not found.
async fn paper(state: &AppState, arxiv_id: &str) -> Result<entity::paper::Model, ToolError> {
    Ok(
        papers::find_by_arxiv_id(&state.services.db, arxiv_id.trim())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no paper {arxiv_id} on Papers")))?,
    )
}

/// A list of papers as a numbered markdown list, from their JSON (with a collection's `note`
/// where an entry has one).
fn papers_text(heading: &str, papers: &[Value]) -> String {
    let mut out = format!("{heading}\n\n");
    if papers.is_empty() {
        out.push_str("No papers.\n");
    }
    for (n, paper) in papers.iter().enumerate() {
        let authors: Vec<&str> = paper["authors"]
            .as_array()
            .map(|list| list.iter().filter_map(|a| a["name"].as_str()).collect())
            .unwrap_or_default();
        let summary = paper["summary"].as_str().unwrap_or_default();
        let short: String = summary.chars().take(300).collect();
        let ellipsis = if short.len() < summary.len() {
            "…"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}. **{}** (arXiv {}) · {} upvotes · {} comments\n   Authors: {}\n   {}{}\n\n",
            n + 1,
            paper["title"].as_str().unwrap_or_default(),
            paper["id"].as_str().unwrap_or_default(),
            paper["upvotes"],
            paper["numComments"],
            authors.join(", "),
            short.split_whitespace().collect::<Vec<_>>().join(" "),
            ellipsis,
        ));
        if let Some(note) = paper["note"].as_str() {
            out.insert_str(out.len() - 1, &format!("   Note: {}\n", note.trim()));
        }
    }
    out
}

async fn search_papers(state: &AppState, args: SearchArgs) -> Result<Answer, ToolError> {
    let size = limit(args.limit)?;
    let services = &state.services;
    let mode = match args.mode.as_deref() {
        None => None,
        Some("lexical") => Some(search::Mode::Lexical),
        Some("semantic") => Some(search::Mode::Semantic),
        Some("hybrid") => Some(search::Mode::Hybrid),
        Some(other) => {
            return Err(ToolError(format!(
                "bad arguments: mode must be lexical, semantic or hybrid, not {other}"
            )));
        }
    };
    let page = PageArgs::first(size);
    let results =
        search::search(&services.db, &services.discovery, &args.query, mode, &page).await?;
    let rows = results.hits.into_iter().map(|hit| hit.paper).collect();
    let papers = papers_json(&services.db, rows).await?;
    let text = papers_text(
        &format!("# Papers matching “{}”", args.query.trim()),
        &papers,
    );
    Ok(Answer {
        text,
        data: json!({ "papers": papers }),
    })
}

async fn daily_papers(state: &AppState, args: DailyArgs) -> Result<Answer, ToolError> {
    let size = limit(args.limit)?;
    let period = Period {
        date: args.date.as_deref(),
        week: args.week.as_deref(),
        month: args.month.as_deref(),
        fields: ["date", "week", "month"],
    };
    let filter = PaperFilter::daily(period, None, None)?;
    let order = match args.sort.as_deref() {
        None | Some("upvotes") => PaperOrder::Upvotes,
        Some("trending") => PaperOrder::Trending,
        Some("newest") => PaperOrder::SubmittedAt,
        Some(other) => {
            return Err(ToolError(format!(
                "bad arguments: sort must be upvotes, trending or newest, not {other}"
            )));
        }
    };
    let db = &state.services.db;
    let rows = papers::list_by_page_number(db, &filter, order, 0, size).await?;
    let papers = papers_json(db, rows).await?;
    let when = args
        .date
        .or(args.week)
        .or(args.month)
        .unwrap_or_else(|| "today".to_owned());
    let text = papers_text(&format!("# Daily papers: {when}"), &papers);
    Ok(Answer {
        text,
        data: json!({ "papers": papers }),
    })
}

async fn get_paper(state: &AppState, args: PaperArgs) -> Result<Answer, ToolError> {
    let row = paper(state, &args.arxiv_id).await?;
    let page = PaperPage::load(&state.services.db, row).await?;
    Ok(Answer {
        text: page.markdown(),
        data: page.json(),
    })
}

async fn similar_papers(state: &AppState, args: SimilarArgs) -> Result<Answer, ToolError> {
    let size = limit(args.limit)?;
    let row = paper(state, &args.arxiv_id).await?;
    let services = &state.services;
    let page = PageArgs::first(size);
    let similar =
        papers::similar::similar(&services.db, &services.discovery, row.id, &page).await?;
    let rows = similar.items.into_iter().map(|item| item.paper).collect();
    let papers = papers_json(&services.db, rows).await?;
    let text = papers_text(&format!("# Papers similar to “{}”", row.title), &papers);
    Ok(Answer {
        text,
        data: json!({ "papers": papers }),
    })
}

async fn get_comments(state: &AppState, args: CommentsArgs) -> Result<Answer, ToolError> {
    let size = limit(args.limit)?;
    let order = ThreadOf::order(args.sort.as_deref())?;
    let row = paper(state, &args.arxiv_id).await?;
    let db = &state.services.db;
    let of = ThreadOf::parse(db, &row, args.parent_id.as_deref(), order, "parent_id").await?;
    let cursor = args.cursor.filter(|c| !c.is_empty());
    let page = ThreadPage::load(&state.services.db, of, size, cursor, "cursor").await?;
    let heading = match of {
        ThreadOf::Replies(_) => format!("# Replies on “{}”\n\n", row.title),
        ThreadOf::Paper(..) => format!(
            "# Comments on “{}” ({} in all)\n\n",
            row.title, row.comment_count
        ),
    };
    Ok(Answer {
        text: heading + &page.markdown(),
        data: page.json(),
    })
}

/// The most papers `get_collection` lists.
const COLLECTION_ITEMS: u64 = 100;

async fn get_collection(
    state: &AppState,
    caller: &Caller,
    args: CollectionArgs,
) -> Result<Answer, ToolError> {
    let db = &state.services.db;
    let slug = args.slug.trim();
    let collection = collections::find_by_slug(db, slug, caller.user_id())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no collection {slug}")))?;
    let items = collections::items(db, &[collection.id], &PageArgs::first(COLLECTION_ITEMS))
        .await?
        .remove(&collection.id)
        .map(|page| page.items.into_iter().map(|(_, item)| item).collect())
        .unwrap_or_else(Vec::new);
    let ids: Vec<_> = items.iter().map(|item| item.paper_id).collect();
    let mut found = papers::find_by_ids(db, &ids).await?;
    let (rows, notes): (Vec<_>, Vec<_>) = items
        .iter()
        .filter_map(|item| Some((found.remove(&item.paper_id)?, item.note.clone())))
        .unzip();
    let mut papers = papers_json(db, rows).await?;
    for (paper, note) in papers.iter_mut().zip(&notes) {
        paper["note"] = json!(note);
    }
    let owner = users_by_id(db, vec![collection.owner_id])
        .await?
        .remove(&collection.owner_id);
    let owner_name = owner
        .as_ref()
        .map(|u| format!("{} (@{})", display_name(u), u.username))
        .unwrap_or_else(|| "a former member".to_owned());
    let mut text = format!("# {}\n\nBy {owner_name}", collection.title);
    if collection.is_private {
        text.push_str(" · private");
    }
    text.push_str(&format!(
        " · {} papers · {} upvotes\n\n",
        collection.item_count, collection.upvote_count
    ));
    if let Some(description) = &collection.description {
        text.push_str(description.trim());
        text.push_str("\n\n");
    }
    let list = papers_text("## Papers", &papers);
    text.push_str(&list);
    let data = json!({
        "slug": collection.slug,
        "title": collection.title,
        "description": collection.description,
        "owner": owner.as_ref().map(crate::render::HubUser::from),
        "isPrivate": collection.is_private,
        "upvotes": collection.upvote_count,
        "numPapers": collection.item_count,
        "papers": papers,
    });
    Ok(Answer { text, data })
}

async fn upvote_paper(
    state: &AppState,
    caller: &Caller,
    args: UpvoteArgs,
) -> Result<Answer, ToolError> {
    let row = paper(state, &args.arxiv_id).await?;
    let voted = votes::vote(&state.services, caller, row.id, true).await?;
    Ok(Answer {
        text: format!(
            "Upvoted “{}” (arXiv {}); it has {} upvotes.",
            voted.title, voted.arxiv_id, voted.upvote_count
        ),
        data: json!({ "id": voted.arxiv_id, "upvotes": voted.upvote_count, "upvoted": true }),
    })
}

async fn add_comment(
    state: &AppState,
    caller: &Caller,
    args: AddCommentArgs,
) -> Result<Answer, ToolError> {
    let row = paper(state, &args.arxiv_id).await?;
    let body = Body::parse(args.body, "body")?;
    let parent = match args.parent_id.as_deref() {
        None => None,
        Some(id) => {
            match ThreadOf::parse(
                &state.services.db,
                &row,
                Some(id),
                CommentOrder::Oldest,
                "parent_id",
            )
            .await?
            {
                ThreadOf::Replies(parent) => Some(parent),
                ThreadOf::Paper(..) => None,
            }
        }
    };
    let added = discussion::add(&state.services, caller, row.id, body, parent).await?;
    let id = crate::ids::Global::global(added.id);
    Ok(Answer {
        text: format!("Commented on “{}”; the comment's id is {id}.", row.title),
        data: json!({ "id": id, "paper": row.arxiv_id, "parentId": args.parent_id }),
    })
}

async fn add_to_collection(
    state: &AppState,
    caller: &Caller,
    args: AddToCollectionArgs,
) -> Result<Answer, ToolError> {
    let row = paper(state, &args.arxiv_id).await?;
    let db = &state.services.db;
    let slug = args.slug.trim();
    let collection = collections::find_by_slug(db, slug, caller.user_id())
        .await?
        .filter(|c| Some(c.owner_id) == caller.user_id())
        .ok_or_else(|| AppError::NotFound(format!("you have no collection {slug}")))?;
    let change = ItemChange::parse(args.note, None)?;
    let item = Item {
        collection: collection.id,
        paper: row.id,
    };
    let updated = collections::add_item(&state.services, caller, item, change).await?;
    Ok(Answer {
        text: format!(
            "Added “{}” to “{}”; it holds {} papers.",
            row.title, updated.title, updated.item_count
        ),
        data: json!({ "slug": updated.slug, "paper": row.arxiv_id, "numPapers": updated.item_count }),
    })
}
