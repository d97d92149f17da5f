//! Which papers a list holds: the filter of `papers(filter:)`, and the daily feed's (a day, an
//! ISO week or a month, today when none is named, and maybe a submitter) that GraphQL's
//! `dailyPapers`, the REST `/api/daily_papers` and the syndication feeds all take from here.

use chrono::{DateTime, Utc};
use entity::{paper, paper_author};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

use crate::error::AppError;
use crate::ids::AuthorId;
use crate::services::accounts::users;
use crate::services::papers::dates::{self, Range};

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
        })
    }

    /// The daily feed: the papers that entered it in the period (UTC), today when the period
    /// names none, submitted by `submitter` when given.
    pub fn daily(period: Period<'_>, submitter: Option<&str>) -> Result<Self, AppError> {
        let mut filter = Self::parse(FilterArgs {
            submitted: period,
            published_from: None,
            published_to: None,
            author_id: None,
            submitter,
        })?;
        filter
            .submitted
            .get_or_insert_with(|| dates::day(Utc::now().date_naive()));
        Ok(filter)
    }

    pub(super) fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(range) = self.submitted {
            condition = condition
                .add(paper::Column::SubmittedAt.gte(range.start))
                .add(paper::Column::SubmittedAt.lt(range.end));
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
        condition
    }

    pub(super) fn select(&self) -> Select<paper::Entity> {
        paper::Entity::find().filter(self.condition())
    }
}

#[cfg(test)]
mod tests {
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
        let filter = PaperFilter::daily(period(None, None), Some("ada"));
        assert!(matches!(filter, Ok(ref f) if f.submitted == Some(today)));
        assert_eq!(
            filter.ok().and_then(|f| f.submitter).as_deref(),
            Some("ada")
        );
        let named = PaperFilter::daily(period(Some("2025-12-03"), None), None);
        assert!(matches!(named, Ok(ref f) if f.submitted != Some(today)));
    }

    #[test]
    fn a_bad_or_doubled_period_is_refused_naming_its_field() {
        let field = |p: Period<'_>| match PaperFilter::daily(p, None) {
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
