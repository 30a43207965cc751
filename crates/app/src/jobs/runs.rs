//! A job's slots and runs (`job_runs`): a scheduled run claims its slot first, so a slot runs
//! once even with several processes on one database, and records how it ended.

use chrono::{DateTime, Utc};
use kinwarden_core::schedule::Schedule;

use crate::records::JobRunRecord;
use crate::{App, AppError};

/// Claims `slot` of `job` for this process; `false` when another run already has it.
pub async fn claim(
    app: &App,
    job: &str,
    slot: DateTime<Utc>,
    started_by: &str,
) -> Result<bool, AppError> {
    Ok(app
        .store
        .claim_job_slot(
            job,
            slot.timestamp_millis(),
            started_by,
            app.clock.now_millis(),
        )
        .await?)
}

/// Records how the run of a claimed slot ended, and counts it when metrics are on.
pub async fn finish(
    app: &App,
    job: &str,
    slot: DateTime<Utc>,
    succeeded: bool,
    message: &str,
) -> Result<(), AppError> {
    if let Some(metrics) = &app.metrics {
        metrics.job_run(job, succeeded);
    }
    app.store
        .finish_job_run(
            job,
            slot.timestamp_millis(),
            succeeded,
            message,
            app.clock.now_millis(),
        )
        .await?;
    Ok(())
}

/// The slot of `job` to run now, if its schedule has one that no scheduler sharing this
/// database has run yet (a slot missed while the server was down is made up).
pub async fn due_slot(
    app: &App,
    job: &str,
    schedule: &Schedule,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let last = app
        .store
        .last_scheduled_slot(job)
        .await?
        .and_then(DateTime::<Utc>::from_timestamp_millis);
    Ok(schedule.due(app.clock.now(), last))
}

/// The latest run of `job`, scheduled or started by hand.
pub async fn last_run(app: &App, job: &str) -> Result<Option<JobRunRecord>, AppError> {
    Ok(app.store.last_job_run(job).await?)
}
