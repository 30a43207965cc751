//! `kinwarden jobs list` and `kinwarden jobs run NAME` (SPEC §9 "jobs"): the same code as the
//! scheduler, against the configured database, whether or not a server runs.

use chrono::{DateTime, Utc};
use kinwarden_app::jobs::{message, runs};

use crate::bwdata::Bwdata;
use crate::commands::CliError;
use crate::compose::app_for_command;
use crate::jobs::{Job, JobContext, run_slot};

fn when(millis: Option<i64>) -> String {
    millis
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or_else(
            || "never".to_string(),
            |time| time.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
}

pub async fn list(bwdata: &Bwdata) -> Result<i32, CliError> {
    let app = app_for_command(bwdata).await?;
    println!("{:<22} {:<22} {:<9} next run", "job", "last run", "outcome");
    for job in Job::ALL {
        let last = runs::last_run(&app, job.name())
            .await
            .map_err(|err| CliError::failed(message(&err)))?;
        let outcome = match last.as_ref().and_then(|run| run.succeeded) {
            Some(true) => "ok",
            Some(false) => "FAILED",
            None if last.is_some() => "running",
            None => "-",
        };
        let next = job.schedule(&app.config).next_slot(app.clock.now());
        println!(
            "{:<22} {:<22} {:<9} {}",
            job.name(),
            when(last.as_ref().map(|run| run.started_at)),
            outcome,
            next.format("%Y-%m-%d %H:%M UTC")
        );
        if let Some(message) = last.and_then(|run| run.message) {
            println!("    {message}");
        }
    }
    app.close().await;
    Ok(0)
}

pub async fn run(bwdata: &Bwdata, name: &str) -> Result<i32, CliError> {
    let job = Job::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Job::ALL.iter().map(|job| job.name()).collect();
        CliError::usage(format!(
            "no job named {name:?}; the jobs are: {}",
            names.join(", ")
        ))
    })?;
    let ctx = JobContext::new(app_for_command(bwdata).await?);
    // A manual run is its own slot, so it never takes a scheduled one's place.
    let outcome = run_slot(&ctx, job, ctx.clock.now(), "cli")
        .await
        .map_err(|err| CliError::failed(message(&err)))?;
    ctx.close().await;
    match outcome {
        Some(Ok(text)) => {
            println!("{}: {text}", job.name());
            Ok(0)
        }
        Some(Err(text)) => {
            println!("{}: FAILED: {text}", job.name());
            Ok(1)
        }
        None => Err(CliError::failed(
            "another run of this job started at the same moment",
        )),
    }
}
