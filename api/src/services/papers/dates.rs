//! Calendar arguments of the feeds: a day (`2025-12-03`), an ISO week (`2025-W49`) or a month
//! (`2025-12`), each turned into the half-open UTC range `[start, end)` it covers.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use crate::error::AppError;

/// A half-open range of instants, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The UTC day of a date.
pub fn day(date: NaiveDate) -> Range {
    let start = midnight(date);
    let end = date
        .succ_opt()
        .map(midnight)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    Range { start, end }
}

/// Parses `YYYY-MM-DD` (an impossible date such as `2025-02-30` is refused).
pub fn parse_date(text: &str, field: &str) -> Result<NaiveDate, AppError> {
    let valid = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    valid
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            AppError::bad_input(
                field,
                format!("{field} must be a date YYYY-MM-DD, got {text:?}"),
            )
        })
}

/// At most one of a day, an ISO week and a month, as a range.
pub fn one_period(
    date: Option<&str>,
    week: Option<&str>,
    month: Option<&str>,
    fields: [&str; 3],
) -> Result<Option<Range>, AppError> {
    match (date, week, month) {
        (None, None, None) => Ok(None),
        (Some(date), None, None) => Ok(Some(day(parse_date(date, fields[0])?))),
        (None, Some(week), None) => Ok(Some(parse_week(week, fields[1])?)),
        (None, None, Some(month)) => Ok(Some(parse_month(month, fields[2])?)),
        _ => Err(AppError::bad_input(
            fields[1],
            format!(
                "give at most one of {}, {} and {}",
                fields[0], fields[1], fields[2]
            ),
        )),
    }
}

/// Parses an ISO week, `YYYY-Www` (`2025-W49`); weeks run Monday to Sunday, and a year has 52
/// or 53 of them.
pub fn parse_week(text: &str, field: &str) -> Result<Range, AppError> {
    let bad = || {
        AppError::bad_input(
            field,
            format!("{field} must be an ISO week YYYY-Www, got {text:?}"),
        )
    };
    let (year, week) = text.split_once("-W").ok_or_else(bad)?;
    if year.len() != 4 || week.len() != 2 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let week: u32 = week.parse().map_err(|_| bad())?;
    let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
    if monday.iso_week().week() != week {
        return Err(bad());
    }
    let next = monday + chrono::Duration::days(7);
    Ok(Range {
        start: midnight(monday),
        end: midnight(next),
    })
}

/// Parses a month, `YYYY-MM`.
pub fn parse_month(text: &str, field: &str) -> Result<Range, AppError> {
    let bad = || {
        AppError::bad_input(
            field,
            format!("{field} must be a month YYYY-MM, got {text:?}"),
        )
    };
    let (year, month) = text.split_once('-').ok_or_else(bad)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u32 = month.parse().map_err(|_| bad())?;
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok(Range {
        start: midnight(first),
        end: midnight(next),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_months_and_days_parse_and_impossible_ones_do_not() {
        let week = parse_week("2025-W49", "week").ok();
        assert_eq!(
            week.map(|r| r.start.date_naive().to_string()),
            Some("2025-12-01".into())
        );
        assert_eq!(
            week.map(|r| r.end.date_naive().to_string()),
            Some("2025-12-08".into())
        );
        assert!(
            parse_week("2026-W53", "week").is_ok(),
            "2026 has 53 ISO weeks"
        );
        for bad in [
            "2025-W54", "2025-W53", "2025-W00", "2025-W5", "2025W49", "abcd-W01", "",
        ] {
            assert!(parse_week(bad, "week").is_err(), "{bad}");
        }
        let month = parse_month("2025-12", "month").ok();
        assert_eq!(
            month.map(|r| r.end.date_naive().to_string()),
            Some("2026-01-01".into())
        );
        for bad in ["2025-13", "2025-00", "2025-1", "25-12", "2025/12"] {
            assert!(parse_month(bad, "month").is_err(), "{bad}");
        }
        assert!(parse_date("2025-02-30", "date").is_err());
        assert!(parse_date("2024-02-29", "date").is_ok());
        assert!(parse_date("2025-2-3", "date").is_err());
    }
}
