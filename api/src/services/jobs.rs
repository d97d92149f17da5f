//! Periodic background work shared by every replica of the service: each run is claimed in the
//! database (`job_runs`), so that one replica does it and the others skip that period, with no
//! leader to elect and nothing to hand over when a replica stops (another claims the next run).

use std::future::Future;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::error::AppError;

/// Claims this period's run of the job `name`, which runs every `every`: true for exactly one of
/// any number of callers within a period. A run counts as due a tenth of a period early, so that
/// the replica that ran last, ticking a little early, is not locked out for a whole period.
pub async fn claim(db: &DatabaseConnection, name: &str, every: Duration) -> Result<bool, AppError> {
    let backend = db.get_database_backend();
    // The same statements in each dialect's placeholders.
    let sql = |postgres: &str| match backend {
        DbBackend::Postgres => postgres.to_owned(),
        _ => (1..=3).fold(postgres.to_owned(), |sql, n| {
            sql.replace(&format!("${n}"), "?")
        }),
    };
    let now = chrono::Utc::now().timestamp();
    let period = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
    let due_before = now.saturating_sub(period.saturating_sub(period / 10));
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql(
            "INSERT INTO job_runs (name, last_run_at) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
        ),
        [name.into()],
    ))
    .await?;
    let claimed = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql("UPDATE job_runs SET last_run_at = $1 WHERE name = $2 AND last_run_at <= $3"),
            [now.into(), name.into(), due_before.into()],
        ))
        .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Runs `work` every `every` on whichever replica claims the run, until the process ends. The
/// first run is one period after start-up.
pub async fn run_periodically<F, Fut>(
    db: DatabaseConnection,
    name: &'static str,
    every: Duration,
    work: F,
) where
    F: Fn(DatabaseConnection) -> Fut,
    Fut: Future<Output = Result<usize, AppError>>,
{
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await; // the first tick is immediate
    loop {
        ticker.tick().await;
        match claim(&db, name, every).await {
            Ok(true) => match work(db.clone()).await {
                Ok(rows) => tracing::debug!(job = name, rows, "background job ran"),
                Err(err) => tracing::warn!(job = name, error = %err, "background job failed"),
            },
            Ok(false) => tracing::debug!(job = name, "another replica ran the job"),
            Err(err) => tracing::warn!(job = name, error = %err, "cannot claim a background job"),
        }
    }
}
