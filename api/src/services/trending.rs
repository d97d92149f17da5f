//! The trending score: a time-decayed rank in the manner of Hacker News,
//! `ln(2 + upvotes) / (hours since submission + 2)^GRAVITY`.

use chrono::{DateTime, Utc};

/// How fast a paper sinks as it ages.
pub const GRAVITY: f64 = 1.8;

/// The score of a paper with `upvotes` votes, submitted at `submitted_at`, as seen at `now`.
pub fn score(upvotes: i32, submitted_at: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let hours = ((now - submitted_at).num_seconds().max(0) as f64) / 3600.0;
    (2.0 + f64::from(upvotes.max(0))).ln() / (hours + 2.0).powf(GRAVITY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn more_votes_rank_higher_and_age_decays() {
        let now = Utc::now();
        assert!(score(10, now, now) > score(1, now, now));
        assert!(score(10, now, now) > score(10, now - Duration::hours(24), now));
        assert!(score(0, now, now) > 0.0);
    }
}
