//! The daily feed for feed readers: `GET /feeds/daily.atom` and `GET /feeds/daily.rss`, with an
//! optional `date=YYYY-MM-DD` (today, UTC, when absent). One entry per paper that entered the
//! feed that day, most upvoted first (the site's own order), with its title, authors, abstract,
//! link and times. Built with the `atom_syndication` and `rss` crates.
//!
//! Readers poll, so each answer carries an `ETag` (a hash of the body) and `Last-Modified` (the
//! latest paper's entry into the feed), and a conditional GET that still matches is answered
//! `304 Not Modified` without a body. Answers are public and cacheable for `--cache-max-age`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use entity::paper;

use crate::error::AppError;
use crate::http::conditional;
use crate::http::json_error::{ErrorBody, json_error};
use crate::http::params::Params;
use crate::ids::PaperId;
use crate::services::pagination::PageArgs;
use crate::services::papers::{self, PaperFilter, PaperOrder, Period, dates};
use crate::state::AppState;

/// The most entries a feed holds (a day holds fewer on this site's scale).
const MAX_ENTRIES: u64 = 100;

/// A day's papers with their authors, newest change last.
struct Day {
    date: chrono::NaiveDate,
    papers: Vec<paper::Model>,
    authors: HashMap<PaperId, Vec<String>>,
    /// The latest entry into the feed; the day's start when it is empty.
    updated: DateTime<Utc>,
}

async fn load_day(state: &AppState, date: Option<&str>) -> Result<Day, AppError> {
    let period = Period {
        date,
        week: None,
        month: None,
        fields: ["date", "week", "month"],
    };
    let filter = PaperFilter::daily(period, None, None)?;
    let range = filter
        .submitted
        .unwrap_or_else(|| dates::day(Utc::now().date_naive()));
    let args = PageArgs::first(MAX_ENTRIES);
    let listed = papers::list(
        &state.services.db,
        &filter,
        PaperOrder::Upvotes,
        &args,
        Default::default(),
    );
    let papers: Vec<paper::Model> = (listed.await?.page.items.into_iter())
        .map(|(_, row)| row.paper)
        .collect();
    let ids: Vec<_> = papers.iter().map(|p| p.id).collect();
    let authors = papers::authors_of(&state.services.db, &ids)
        .await?
        .into_iter()
        .map(|(paper, entries)| {
            let names = entries.into_iter().map(|e| e.author.name).collect();
            (paper, names)
        })
        .collect();
    let updated = papers
        .iter()
        .map(|p| p.submitted_at)
        .max()
        .unwrap_or(range.start);
    Ok(Day {
        date: range.start.date_naive(),
        papers,
        authors,
        updated,
    })
}

/// Where an entry links: the site's page of the paper when `--public-url` is set, else arXiv's.
fn link(state: &AppState, paper: &paper::Model) -> String {
    match &state.settings.public_url {
        Some(base) => format!("{}/papers/{}", base.trim_end_matches('/'), paper.arxiv_id),
        None => arxiv_page(paper),
    }
}

/// arXiv's abstract page: also each entry's stable id, whatever `--public-url` says.
fn arxiv_page(paper: &paper::Model) -> String {
    format!("https://arxiv.org/abs/{}", paper.arxiv_id)
}

/// The site's address for the feed's own links.
fn site(state: &AppState) -> String {
    state
        .settings
        .public_url
        .clone()
        .unwrap_or_else(|| "https://arxiv.org".to_owned())
}

fn atom(state: &AppState, day: &Day) -> String {
    use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
    let at = |t: DateTime<Utc>| FixedDateTime::from(t);
    let entries: Vec<Entry> = day
        .papers
        .iter()
        .map(|paper| {
            let mut entry = Entry::default();
            entry.set_id(arxiv_page(paper));
            entry.set_title(Text::plain(paper.title.clone()));
            entry.set_updated(at(paper.submitted_at));
            entry.set_published(paper.published_at.map(at));
            let names = day.authors.get(&paper.id).cloned().unwrap_or_default();
            entry.set_authors(
                names
                    .into_iter()
                    .map(|name| {
                        let mut person = Person::default();
                        person.set_name(name);
                        person
                    })
                    .collect::<Vec<_>>(),
            );
            entry.set_summary(Some(Text::plain(paper.r#abstract.clone())));
            let mut alternate = Link::default();
            alternate.set_href(link(state, paper));
            alternate.set_rel("alternate");
            entry.set_links(vec![alternate]);
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(format!("{}/feeds/daily/{}", site(state), day.date));
    feed.set_title(Text::plain(format!("Daily papers, {}", day.date)));
    feed.set_updated(at(day.updated));
    let mut authors = Person::default();
    authors.set_name("Papers");
    feed.set_authors(vec![authors]);
    let mut home = Link::default();
    home.set_href(site(state));
    home.set_rel("alternate");
    feed.set_links(vec![home]);
    feed.set_entries(entries);
    feed.to_string()
}

fn rss(state: &AppState, day: &Day) -> String {
    use rss::extension::dublincore::DublinCoreExtension;
    use rss::{Channel, Guid, Item};
    let items: Vec<Item> = day
        .papers
        .iter()
        .map(|paper| {
            let mut item = Item::default();
            item.set_title(paper.title.clone());
            item.set_link(link(state, paper));
            item.set_description(paper.r#abstract.clone());
            let mut guid = Guid::default();
            guid.set_value(arxiv_page(paper));
            guid.set_permalink(true);
            item.set_guid(guid);
            item.set_pub_date(paper.submitted_at.to_rfc2822());
            // RSS's own `author` is an email address; names go in Dublin Core's `creator`.
            let mut creators = DublinCoreExtension::default();
            creators.set_creators(day.authors.get(&paper.id).cloned().unwrap_or_default());
            item.set_dublin_core_ext(creators);
            item
        })
        .collect();
    let mut channel = Channel::default();
    channel.set_title(format!("Daily papers, {}", day.date));
    channel.set_link(site(state));
    channel.set_description(format!(
        "The papers that entered the daily feed on {}",
        day.date
    ));
    channel.set_last_build_date(day.updated.to_rfc2822());
    channel.set_namespaces(
        [(
            "dc".to_owned(),
            "http://purl.org/dc/elements/1.1/".to_owned(),
        )]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>(),
    );
    channel.set_items(items);
    channel.to_string()
}

/// The `date` parameter of a feed request.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// A day, `YYYY-MM-DD` (UTC); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    date: Option<String>,
}

/// A day's papers as an Atom feed, most upvoted first.
#[utoipa::path(get, path = "/feeds/daily.atom", tag = "feeds",
    params(FeedParams,
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer.")),
    responses(
        (status = 200, description = "The feed.", content_type = "application/atom+xml",
            body = String, headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Unchanged since the `ETag` or date named."),
        (status = 400, description = "A bad date.", body = ErrorBody),
    ))]
pub async fn daily_atom(
    State(state): State<AppState>,
    Params(params): Params<FeedParams>,
    headers: HeaderMap,
) -> Response {
    let content_type = "application/atom+xml; charset=utf-8";
    answer(&state, params, &headers, content_type, atom).await
}

/// A day's papers as an RSS 2.0 feed, most upvoted first.
#[utoipa::path(get, path = "/feeds/daily.rss", tag = "feeds",
    params(FeedParams,
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer.")),
    responses(
        (status = 200, description = "The feed.", content_type = "application/rss+xml",
            body = String, headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Unchanged since the `ETag` or date named."),
        (status = 400, description = "A bad date.", body = ErrorBody),
    ))]
pub async fn daily_rss(
    State(state): State<AppState>,
    Params(params): Params<FeedParams>,
    headers: HeaderMap,
) -> Response {
    let content_type = "application/rss+xml; charset=utf-8";
    answer(&state, params, &headers, content_type, rss).await
}

async fn answer(
    state: &AppState,
    params: FeedParams,
    headers: &HeaderMap,
    content_type: &'static str,
    render: fn(&AppState, &Day) -> String,
) -> Response {
    let day = match load_day(state, params.date.as_deref()).await {
        Ok(day) => day,
        Err(err) => return json_error(&err),
    };
    let body = render(state, &day);
    conditional::answer(
        headers,
        content_type,
        body,
        Some(day.updated),
        state.settings.cache_max_age,
    )
}
