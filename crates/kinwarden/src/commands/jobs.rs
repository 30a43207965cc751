//! `kinwarden jobs list` and `kinwarden jobs run NAME` (SPEC §9 "jobs"): the same code as the
//! scheduler, against the configured database, whether or not a server runs.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kinwarden_core::clock::SystemClock;
use kinwarden_store::Store;
use url::Url;

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};
use crate::jobs::{Job, JobContext, run_slot};

pub(crate) async fn context(bwdata: &Bwdata) -> Result<JobContext, CliError> {
    let config = load_config(bwdata)?;
    let store = Store::open(&config.database)
        .await
        .map_err(|err| CliError::failed(format!("cannot open the database: {err}")))?;
    let vault = config
        .vault_uri
        .clone()
        .or_else(|| Url::parse(&format!("https://{}", config.listen)).ok())
        .ok_or_else(|| CliError::failed("cannot tell this server's URL"))?;
    Ok(JobContext {
        config: Arc::new(config),
        store,
        clock: Arc::new(SystemClock),
        vault,
        metrics: None,
    })
}

fn when(millis: Option<i64>) -> String {
    millis
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or_else(
            || "never".to_string(),
            |time| time.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
}

pub async fn list(bwdata: &Bwdata) -> Result<i32, CliError> {
    let ctx = context(bwdata).await?;
    println!("{:<22} {:<22} {:<9} next run", "job", "last run", "outcome");
    for job in Job::ALL {
        let last = ctx
            .store
            .last_job_run(job.name())
            .await
            .map_err(|err| CliError::failed(err.to_string()))?;
        let outcome = match last.as_ref().and_then(|run| run.succeeded) {
            Some(true) => "ok",
            Some(false) => "FAILED",
            None if last.is_some() => "running",
            None => "-",
        };
        let next = job.schedule(&ctx.config).next_slot(ctx.clock.now());
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
    ctx.store.close().await;
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
    let ctx = context(bwdata).await?;
    // A manual run is its own slot, so it never takes a scheduled one's place.
    let outcome = run_slot(&ctx, job, ctx.clock.now(), "cli")
        .await
        .map_err(|err| CliError::failed(err.to_string()))?;
    ctx.store.close().await;
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
