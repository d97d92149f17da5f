//! The demo data set: 39 real papers, loaded on the first start of an empty database and spread
//! over the last days of the daily feed so that a new user sees a populated feed.

use chrono::{DateTime, Duration, Utc};
use entity::paper;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::error::AppError;
use crate::services::papers::import::{self, ImportReport};

/// The project's own copy of the sample papers.
pub const DEMO_PAPERS_JSON: &str = include_str!("../../../data/demo-papers.json");

/// How many days back the demo papers are spread.
pub const DEMO_DAYS: i64 = 7;

/// Loads the demo papers if the database has no paper yet; returns what was loaded.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<Option<ImportReport>, AppError> {
    if paper::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let papers = import::parse_file(DEMO_PAPERS_JSON)
        .map_err(|e| AppError::Internal(format!("demo data: {e}")))?;
    let now = crate::services::now();
    let report = import::import(db, &papers, |i| demo_submitted_at(i, now)).await?;
    Ok(Some(report))
}

/// Paper `i` enters the feed `i mod DEMO_DAYS` days ago, at a time of day that varies from paper
/// to paper and never lies in the future.
fn demo_submitted_at(i: usize, now: DateTime<Utc>) -> DateTime<Utc> {
    let i = i64::try_from(i).unwrap_or(0);
    let day_start = now - Duration::days(i % DEMO_DAYS);
    let day_start = day_start
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(day_start);
    let offset = Duration::minutes((i * 37) % (24 * 60));
    (day_start + offset).min(now - Duration::seconds(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_days_cover_today_and_the_past_week_and_never_the_future() {
        let now = crate::services::now();
        for i in 0..39 {
            let at = demo_submitted_at(i, now);
            assert!(at <= now);
            assert!(now - at < Duration::days(DEMO_DAYS + 1));
        }
        assert_eq!(demo_submitted_at(0, now).date_naive(), now.date_naive());
    }
}
