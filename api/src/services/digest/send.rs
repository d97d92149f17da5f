//! Sending a digest: the period's top papers, mailed to every confirmed subscription of the
//! frequency that has not had that period's digest. Each send is logged in `digest_sends`
//! before the mail goes (so two runs at once never mail one subscriber twice) and the log row is
//! taken back when the mail fails (so the next run tries again): once per subscription and
//! period, at most.

use std::time::Duration;

use chrono::{Datelike, NaiveDate, Timelike, Utc};
use entity::{digest_send, digest_subscription, paper};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::error::AppError;
use crate::ids::UserId;
use crate::services::digest::mail::{Digest, DigestPaper, MailKind, Mailer};
use crate::services::digest::{Frequency, Kind};
use crate::services::discovery::Discovery;
use crate::services::follows::feed;
use crate::services::pagination::PageArgs;
use crate::services::papers::dates::{self, Range};
use crate::services::recommendations;

/// Papers in a daily digest.
pub const DAILY_PAPERS: u64 = 10;
/// Papers in a weekly digest.
pub const WEEKLY_PAPERS: u64 = 20;
/// Authors named before "et al.".
const AUTHORS_SHOWN: usize = 3;
/// Characters of the abstract shown.
const EXCERPT_CHARS: usize = 280;

/// The stretch of time one digest covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The send log's key: `2026-11-26` or `2026-W48`.
    pub key: String,
    pub range: Range,
    pub limit: u64,
}

/// The period of a frequency that holds `date`: its day, or its ISO week.
pub fn period(frequency: Frequency, date: NaiveDate) -> Period {
    match frequency {
        Frequency::Daily => Period {
            key: date.format("%Y-%m-%d").to_string(),
            range: dates::day(date),
            limit: DAILY_PAPERS,
        },
        Frequency::Weekly => {
            let week = date.iso_week();
            let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
            let sunday = monday + chrono::Days::new(6);
            Period {
                key: format!("{}-W{:02}", week.year(), week.week()),
                range: Range {
                    start: dates::day(monday).start,
                    end: dates::day(sunday).end,
                },
                limit: WEEKLY_PAPERS,
            }
        }
    }
}

/// The date a run covers by default: yesterday for the daily digest, a week ago (so the whole
/// of last week) for the weekly one.
pub fn default_date(frequency: Frequency, today: NaiveDate) -> NaiveDate {
    match frequency {
        Frequency::Daily => today - chrono::Days::new(1),
        Frequency::Weekly => today - chrono::Days::new(7),
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub period: String,
    /// Papers in the digest (none: nothing is sent).
    pub papers: usize,
    pub sent: usize,
    /// Mails that failed; their subscribers get the digest on the next run.
    pub failed: usize,
}

/// Sends the digest of the period holding `date` to whoever has not had it: the trending one
/// (one composition for all its subscribers), and each `ForYou` subscriber's own. A digest
/// with no paper is not sent (nor logged: a later run of the period may have some).
pub async fn run(
    db: &DatabaseConnection,
    discovery: &Discovery,
    mailer: &Mailer,
    paper_site: Option<&str>,
    frequency: Frequency,
    date: NaiveDate,
) -> Result<Report, AppError> {
    let period = period(frequency, date);
    let mut report = Report {
        period: period.key.clone(),
        ..Report::default()
    };
    let trending = compose(db, paper_site, frequency, &period).await?;
    report.papers = trending.papers.len();
    let sent_already = Query::select()
        .column(digest_send::Column::SubscriptionId)
        .from(digest_send::Entity)
        .and_where(digest_send::Column::Period.eq(period.key.as_str()))
        .to_owned();
    let due = digest_subscription::Entity::find()
        .filter(digest_subscription::Column::Frequency.eq(frequency.as_str()))
        .filter(digest_subscription::Column::ConfirmedAt.is_not_null())
        .filter(digest_subscription::Column::Id.not_in_subquery(sent_already))
        .order_by_asc(digest_subscription::Column::Id)
        .all(db)
        .await?;
    for subscription in due {
        let digest = match (Kind::parse(&subscription.kind), subscription.user_id) {
            (Some(Kind::ForYou), Some(user)) => {
                compose_for_you(db, discovery, paper_site, user, frequency, &period).await?
            }
            (Some(Kind::ForYou), None) => continue,
            _ => trending.clone(),
        };
        if digest.papers.is_empty() {
            continue;
        }
        // Logged first: a concurrent run that logged it already has this subscriber.
        let logged = digest_send::Entity::insert(digest_send::ActiveModel {
            subscription_id: Set(subscription.id),
            period: Set(period.key.clone()),
            sent_at: Set(crate::services::now()),
        })
        .on_conflict(
            OnConflict::columns([
                digest_send::Column::SubscriptionId,
                digest_send::Column::Period,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if logged == 0 {
            continue;
        }
        let mailed = match mailer.digest(&subscription.email, &digest, &subscription.token) {
            Ok(message) => mailer.send(MailKind::Digest, message).await,
            Err(err) => Err(err),
        };
        match mailed {
            Ok(()) => report.sent += 1,
            Err(err) => {
                tracing::warn!(subscription = %subscription.id, error = %err, "a digest mail failed");
                report.failed += 1;
                digest_send::Entity::delete_many()
                    .filter(digest_send::Column::SubscriptionId.eq(subscription.id))
                    .filter(digest_send::Column::Period.eq(period.key.as_str()))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(report)
}

/// The period's top papers by upvotes (earliest submitted first among equals), as mailed.
async fn compose(
    db: &DatabaseConnection,
    paper_site: Option<&str>,
    frequency: Frequency,
    period: &Period,
) -> Result<Digest, AppError> {
    let rows = paper::Entity::find()
        .filter(paper::Column::SubmittedAt.gte(period.range.start))
        .filter(paper::Column::SubmittedAt.lt(period.range.end))
        .order_by_desc(paper::Column::UpvoteCount)
        .order_by_asc(paper::Column::Id)
        .limit(period.limit)
        .all(db)
        .await?;
    let papers = as_mailed(rows, paper_site);
    let (subject, heading) = match frequency {
        Frequency::Daily => (
            format!(
                "Trending papers of {}: the top {}",
                period.key,
                papers.len()
            ),
            format!("The {} most upvoted papers of {}", papers.len(), period.key),
        ),
        Frequency::Weekly => (
            format!(
                "Trending papers of week {}: the top {}",
                period.key,
                papers.len()
            ),
            format!(
                "The {} most upvoted papers of week {}",
                papers.len(),
                period.key
            ),
        ),
    };
    Ok(Digest {
        subject,
        heading,
        papers,
    })
}

/// Papers as a digest lists them, in order.
fn as_mailed(rows: Vec<paper::Model>, paper_site: Option<&str>) -> Vec<DigestPaper> {
    rows.into_iter()
        .enumerate()
        .map(|(index, row)| DigestPaper {
            rank: index + 1,
            authors: first_authors(&row.author_names),
            upvotes: row.upvote_count,
            link: match paper_site {
                Some(site) => format!("{}/papers/{}", site.trim_end_matches('/'), row.arxiv_id),
                None => format!("https://arxiv.org/abs/{}", row.arxiv_id),
            },
            excerpt: excerpt(&row.r#abstract),
            title: row.title,
        })
        .collect()
}

/// A reader's own digest of the period: what reached their following feed in it, newest
/// first, then their recommendations among the period's papers, best first; at most the
/// period's number of papers.
async fn compose_for_you(
    db: &DatabaseConnection,
    discovery: &Discovery,
    paper_site: Option<&str>,
    user: UserId,
    frequency: Frequency,
    period: &Period,
) -> Result<Digest, AppError> {
    let Range { start, end } = period.range;
    let limit = usize::try_from(period.limit).unwrap_or(usize::MAX);
    let mut rows: Vec<paper::Model> = feed::within(db, user, start, end, period.limit)
        .await?
        .into_iter()
        .map(|item| item.paper)
        .collect();
    let followed = rows.len();
    if rows.len() < limit {
        // `since` is exclusive: from the period's first instant on.
        let since = start - chrono::Duration::microseconds(1);
        let all = PageArgs::first(recommendations::MAX_RECOMMENDED as u64);
        let ranked = recommendations::for_reader(db, discovery, user, Some(since), &all).await?;
        for (_, paper) in ranked.page.items {
            if rows.len() >= limit {
                break;
            }
            if paper.submitted_at < end && !rows.iter().any(|r| r.id == paper.id) {
                rows.push(paper);
            }
        }
    }
    let n = rows.len();
    let when = match frequency {
        Frequency::Daily => period.key.clone(),
        Frequency::Weekly => format!("week {}", period.key),
    };
    Ok(Digest {
        subject: format!("Your papers of {when}: {n} for you"),
        heading: format!(
            "{followed} from what you follow and {} recommended for you, of {when}",
            n - followed
        ),
        papers: as_mailed(rows, paper_site),
    })
}

/// "A, B, C et al." from the stored comma-separated names.
fn first_authors(names: &str) -> String {
    let all: Vec<&str> = names.split(", ").filter(|n| !n.is_empty()).collect();
    let shown = all[..all.len().min(AUTHORS_SHOWN)].join(", ");
    if all.len() > AUTHORS_SHOWN {
        format!("{shown} et al.")
    } else {
        shown
    }
}

/// The start of an abstract, its line breaks and runs of spaces made single spaces.
fn excerpt(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::services::input::excerpt(&text, EXCERPT_CHARS)
}

/// Inside `serve`: at `hour` (UTC) each day, the daily digest of the day before, and on Mondays
/// the weekly digest of the week before; each run claimed by one replica.
pub async fn schedule(
    db: DatabaseConnection,
    discovery: std::sync::Arc<Discovery>,
    mailer: Mailer,
    paper_site: Option<String>,
    hour: u8,
) {
    let mut ticker = tokio::time::interval(Duration::from_secs(60));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = Utc::now();
        if now.hour() != u32::from(hour) {
            continue;
        }
        let today = now.date_naive();
        let mut due = vec![(Frequency::Daily, "digest_daily", 1)];
        if today.weekday() == chrono::Weekday::Mon {
            due.push((Frequency::Weekly, "digest_weekly", 7));
        }
        for (frequency, job, days) in due {
            let every = Duration::from_secs(days * 86_400);
            match crate::services::jobs::claim(&db, job, every).await {
                Ok(true) => {
                    let date = default_date(frequency, today);
                    let site = paper_site.as_deref();
                    match run(&db, &discovery, &mailer, site, frequency, date).await {
                        Ok(report) => tracing::info!(
                            period = report.period,
                            papers = report.papers,
                            sent = report.sent,
                            failed = report.failed,
                            "digest sent"
                        ),
                        Err(err) => tracing::warn!(error = %err, "the digest run failed"),
                    }
                }
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, "cannot claim the digest run"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn periods_are_a_day_or_an_iso_week() {
        let day = period(Frequency::Daily, date("2026-11-26"));
        assert_eq!(day.key, "2026-11-26");
        assert_eq!(day.limit, 10);
        let week = period(Frequency::Weekly, date("2026-11-26"));
        assert_eq!(week.key, "2026-W48");
        assert_eq!(week.range.start.date_naive(), date("2026-11-23"));
        assert_eq!(week.range.end.date_naive(), date("2026-11-30"));
        assert_eq!(week.limit, 20);
        // The ISO year of the first days of January can be the one before.
        assert_eq!(
            period(Frequency::Weekly, date("2027-01-01")).key,
            "2026-W53"
        );
        assert_eq!(
            default_date(Frequency::Weekly, date("2026-11-30")),
            date("2026-11-23")
        );
    }

    #[test]
    fn authors_and_excerpts_are_shortened() {
        assert_eq!(first_authors("A, B"), "A, B");
        assert_eq!(first_authors("A, B, C, D"), "A, B, C et al.");
        assert_eq!(excerpt("a  b\nc"), "a b c");
        assert!(excerpt(&"word ".repeat(200)).ends_with('…'));
    }
}
