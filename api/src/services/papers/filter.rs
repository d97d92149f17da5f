//! Which papers a list holds: the filter of `papers(filter:)`, and the daily feed's (a day, an
//! ISO week or a month, today when none is named, and maybe a submitter) that GraphQL's
//! `dailyPapers`, the REST `/api/daily_papers` and the syndication feeds all take from here.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{paper, paper_author, paper_topic, topic};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter, Select};

use crate::error::AppError;
use crate::ids::AuthorId;
use crate::services::accounts::users;
use crate::services::papers::dates::{self, Range};
use crate::services::topics;

/// Which papers a list holds. Every field narrows the list; an empty filter is every paper.
#[derive(Debug, Clone, Default)]
pub struct PaperFilter {
    /// Entered the daily feed within this range.
    pub submitted: Option<Range>,
    /// Published on arXiv at or after this instant.
    pub published_from: Option<DateTime<Utc>>,
    /// Published on arXiv before this instant.
    pub published_before: Option<DateTime<Utc>>,
    /// Lists this author.
    pub author_id: Option<AuthorId>,
    /// Submitted by the user with this username (matched as sign-in matches it); a name that
    /// names nobody selects nothing.
    pub submitter: Option<String>,
    /// Filed under the topic with this slug (a known arXiv category).
    pub topic: Option<String>,
}

/// A period of the feed as a request names it, not yet checked: at most one of a day
/// (`YYYY-MM-DD`), an ISO week (`YYYY-Www`) and a month (`YYYY-MM`), with the names of the
/// fields they came in (what an error names).
#[derive(Debug, Clone, Copy)]
pub struct Period<'a> {
    pub date: Option<&'a str>,
    pub week: Option<&'a str>,
    pub month: Option<&'a str>,
    pub fields: [&'a str; 3],
}

/// The filter of a list of papers as a request gives it, not yet checked.
#[derive(Debug, Clone, Copy)]
pub struct FilterArgs<'a> {
    pub submitted: Period<'a>,
    /// Published on or after this day, `YYYY-MM-DD`, and the field it came in.
    pub published_from: Option<(&'a str, &'a str)>,
    /// Published on or before this day, and the field it came in.
    pub published_to: Option<(&'a str, &'a str)>,
    pub author_id: Option<AuthorId>,
    pub submitter: Option<&'a str>,
    /// A topic's slug, and the field it came in (an unknown one is `BAD_USER_INPUT` there).
    pub topic: Option<(&'a str, &'a str)>,
}

impl PaperFilter {
    /// Checks a filter's arguments: a period, a publication range, an author, a submitter.
    pub fn parse(args: FilterArgs<'_>) -> Result<Self, AppError> {
        let Period {
            date,
            week,
            month,
            fields,
        } = args.submitted;
        let day = |(text, field): (&str, &str)| dates::parse_date(text, field).map(dates::day);
        Ok(Self {
            submitted: dates::one_period(date, week, month, fields)?,
            published_from: args.published_from.map(day).transpose()?.map(|d| d.start),
            published_before: args.published_to.map(day).transpose()?.map(|d| d.end),
            author_id: args.author_id,
            submitter: args.submitter.map(str::to_owned),
            topic: args
                .topic
                .map(|(slug, field)| topics::check(slug, field))
                .transpose()?,
        })
    }

    /// The daily feed: the papers that entered it in the period (UTC), today when the period
    /// names none, submitted by `submitter` and filed under `topic` (a slug and its field) when
    /// given.
    pub fn daily(
        period: Period<'_>,
        submitter: Option<&str>,
        topic: Option<(&str, &str)>,
    ) -> Result<Self, AppError> {
        let mut filter = Self::parse(FilterArgs {
            submitted: period,
            published_from: None,
            published_to: None,
            author_id: None,
            submitter,
            topic,
        })?;
        filter
            .submitted
            .get_or_insert_with(|| dates::day(Utc::now().date_naive()));
        Ok(filter)
    }

    /// The filter as a condition on `papers`, for statements on `backend`.
    pub(super) fn condition(&self, backend: DbBackend) -> Condition {
        let mut condition = Condition::all();
        if let Some(range) = self.submitted {
            condition = condition.add(submitted_within(range, backend));
        }
        if let Some(from) = self.published_from {
            condition = condition.add(paper::Column::PublishedAt.gte(from));
        }
        if let Some(before) = self.published_before {
            condition = condition.add(paper::Column::PublishedAt.lt(before));
        }
        if let Some(author_id) = self.author_id {
            condition = condition.add(
                paper::Column::Id.in_subquery(
                    Query::select()
                        .column(paper_author::Column::PaperId)
                        .from(paper_author::Entity)
                        .and_where(paper_author::Column::AuthorId.eq(author_id))
                        .to_owned(),
                ),
            );
        }
        if let Some(name) = &self.submitter {
            condition = condition.add(users::named(paper::Column::SubmittedBy, name));
        }
        if let Some(slug) = &self.topic {
            condition = condition.add(
                paper::Column::Id.in_subquery(
                    Query::select()
                        .column(paper_topic::Column::PaperId)
                        .from(paper_topic::Entity)
                        .and_where(
                            paper_topic::Column::TopicId.in_subquery(
                                Query::select()
                                    .column(topic::Column::Id)
                                    .from(topic::Entity)
                                    .and_where(topic::Column::Slug.eq(slug.as_str()))
                                    .to_owned(),
                            ),
                        )
                        .to_owned(),
                ),
            );
        }
        condition
    }

    pub(super) fn select(&self, backend: DbBackend) -> Select<paper::Entity> {
        paper::Entity::find().filter(self.condition(backend))
    }
}

/// Entered the feed within `range`. On PostgreSQL the bounds are written into the statement as
/// literals rather than bound as parameters. Why: with the bounds as parameters, a prepared
/// statement's generic plan is costed for a range of unknown width, which always looks dearer
/// than the plan for the actual day, so PostgreSQL planned the feed's statement afresh on every
/// execution — a third of its time (pgbench, one client: 0.43–0.46 ms with parameters, 0.31–0.32
/// with literals, the same plan). With literals each period is its own statement, planned once
/// per connection and kept in sqlx's statement cache (100 per connection; a period falling out
/// of it is planned again, as every execution was before). The bounds are instants the server
/// computed, formatted by chrono to the microsecond (PostgreSQL's precision; sqlx truncates a
/// bound value to it too): nothing a client wrote reaches the text. SQLite keeps the
/// parameters: it plans at prepare time, and compares the stored text form of instants, which
/// only a bound value is sure to match.
fn submitted_within(range: Range, backend: DbBackend) -> Condition {
    match backend {
        DbBackend::Postgres => {
            let literal = |instant: DateTime<Utc>| {
                Expr::cust(format!(
                    "'{}'::timestamptz",
                    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
                ))
            };
            let column = || Expr::col((paper::Entity, paper::Column::SubmittedAt));
            Condition::all()
                .add(column().gte(literal(range.start)))
                .add(column().lt(literal(range.end)))
        }
        _ => Condition::all()
            .add(paper::Column::SubmittedAt.gte(range.start))
            .add(paper::Column::SubmittedAt.lt(range.end)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn period<'a>(date: Option<&'a str>, week: Option<&'a str>) -> Period<'a> {
        Period {
            date,
            week,
            month: None,
            fields: ["date", "week", "month"],
        }
    }

    #[test]
    fn the_daily_feed_is_today_unless_a_period_is_named() {
        let today = dates::day(Utc::now().date_naive());
        let filter = PaperFilter::daily(period(None, None), Some("ada"), None);
        assert!(matches!(filter, Ok(ref f) if f.submitted == Some(today)));
        assert_eq!(
            filter.ok().and_then(|f| f.submitter).as_deref(),
            Some("ada")
        );
        let named = PaperFilter::daily(period(Some("2025-12-03"), None), None, None);
        assert!(matches!(named, Ok(ref f) if f.submitted != Some(today)));
    }

    /// The period's bounds reach PostgreSQL as literals (planned once per period, see
    /// `submitted_within`), truncated to PostgreSQL's microseconds as a bound value is (rounding
    /// the end up would take in the next day's first paper); SQLite gets them as parameters.
    #[test]
    fn postgres_reads_the_period_as_literals_and_sqlite_as_parameters() {
        use sea_orm::QueryTrait;
        let start = Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap();
        let end = start + chrono::Duration::nanoseconds(86_399_999_999_999);
        let filter = PaperFilter {
            submitted: Some(Range { start, end }),
            ..Default::default()
        };
        let postgres = filter
            .select(DbBackend::Postgres)
            .build(DbBackend::Postgres);
        assert!(
            postgres.values.as_ref().is_none_or(|v| v.0.is_empty()),
            "{postgres:?}"
        );
        assert!(
            postgres.sql.contains(
                r#""papers"."submitted_at" >= ('2025-12-01T00:00:00.000000Z'::timestamptz)"#
            ),
            "{}",
            postgres.sql
        );
        assert!(
            postgres.sql.contains(
                r#""papers"."submitted_at" < ('2025-12-01T23:59:59.999999Z'::timestamptz)"#
            ),
            "{}",
            postgres.sql
        );
        let sqlite = filter.select(DbBackend::Sqlite).build(DbBackend::Sqlite);
        assert_eq!(sqlite.values.map(|v| v.0.len()), Some(2), "{}", sqlite.sql);
    }

    #[test]
    fn a_bad_or_doubled_period_is_refused_naming_its_field() {
        let field = |p: Period<'_>| match PaperFilter::daily(p, None, None) {
            Err(AppError::BadUserInput { field, .. }) => Some(field),
            _ => None,
        };
        assert_eq!(
            field(period(Some("2025-02-30"), None)).as_deref(),
            Some("date")
        );
        let doubled = period(Some("2025-12-03"), Some("2025-W49"));
        assert_eq!(field(doubled).as_deref(), Some("week"));
        assert_eq!(
            field(period(None, Some("2025-W60"))).as_deref(),
            Some("week")
        );
    }
}
