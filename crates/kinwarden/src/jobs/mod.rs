//! Scheduled jobs (SPEC §9 "jobs"): one code path for the scheduler in the server and for
//! `kinwarden jobs run NAME`. A scheduled run claims its slot in `job_runs` first, so a slot runs
//! once even with several processes on one database, and a slot missed while the server was
//! down is made up at the next check. The jobs' bodies are use-cases (`kinwarden_app::jobs`);
//! here are their names, their schedules, the scheduler, and the texts their outcomes are
//! logged and recorded with.

mod expired_sponsorships;
mod license_expiry;
mod license_refresh;
mod license_validation;
mod sponsorship_sync;
mod sponsorship_validation;
mod trash_purge;

use std::ops::Deref;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kinwarden_app::jobs::{Idle, runs};
use kinwarden_app::{App, AppError};
use kinwarden_config::Config;
use kinwarden_core::schedule::Schedule;
use kinwarden_core::vault::trash::purge_schedule;
use tokio::sync::watch;

/// How often the scheduler looks for due slots.
const CHECK_EVERY: Duration = Duration::from_secs(30);

/// What a job runs with: the server's `App` (its store, clock, cloud link and counters), or the
/// one a command builds.
#[derive(Clone)]
pub struct JobContext {
    app: App,
}

impl JobContext {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    pub fn app(&self) -> &App {
        &self.app
    }
}

impl Deref for JobContext {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

/// The jobs this build has, by the name `jobs run` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    SponsorshipSync,
    SponsorshipValidation,
    ExpiredSponsorships,
    LicenseValidation,
    LicenseRefresh,
    LicenseExpiry,
    TrashPurge,
}

/// The license refresh runs at 03:00 UTC and the expiry notices an hour later, so a license
/// refreshed that night is not warned about.
const LICENSE_REFRESH_MINUTE: u32 = 3 * 60;
const LICENSE_EXPIRY_MINUTE: u32 = 4 * 60;

impl Job {
    pub const ALL: [Job; 7] = [
        Job::SponsorshipSync,
        Job::SponsorshipValidation,
        Job::ExpiredSponsorships,
        Job::LicenseValidation,
        Job::LicenseRefresh,
        Job::LicenseExpiry,
        Job::TrashPurge,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::SponsorshipSync => "sponsorship-sync",
            Self::SponsorshipValidation => "sponsorship-validation",
            Self::ExpiredSponsorships => "expired-sponsorships",
            Self::LicenseValidation => "license-validation",
            Self::LicenseRefresh => "license-refresh",
            Self::LicenseExpiry => "license-expiry",
            Self::TrashPurge => "trash-purge",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|job| job.name() == name)
    }

    /// The sponsorship sync runs daily at `kinwarden__syncTime`; the cloud's sponsorship
    /// validation daily at 01:00 UTC and the clean-up of expired sponsorships at 02:00 UTC
    /// (SPEC §9 "time"); license validation twice a day, at 00:30 and 12:30 UTC (reference §5.6);
    /// the opt-in license refresh at 03:00 and the expiry notices at 04:00 UTC (SPEC §12);
    /// the trash is emptied daily at 00:00 UTC (`kinwarden_core::vault::trash`).
    pub fn schedule(self, config: &Config) -> Schedule {
        match self {
            Self::SponsorshipSync => Schedule::daily_at(&[config.sync_time_minutes]),
            Self::SponsorshipValidation => Schedule::daily_at(&[60]),
            Self::ExpiredSponsorships => Schedule::daily_at(&[2 * 60]),
            Self::LicenseValidation => Schedule::daily_at(&[30, 12 * 60 + 30]),
            Self::LicenseRefresh => Schedule::daily_at(&[LICENSE_REFRESH_MINUTE]),
            Self::LicenseExpiry => Schedule::daily_at(&[LICENSE_EXPIRY_MINUTE]),
            Self::TrashPurge => purge_schedule(),
        }
    }

    /// Runs the job once; the text says what it did, or why it failed.
    pub async fn run(self, app: &App) -> Result<String, String> {
        match self {
            Self::SponsorshipSync => sponsorship_sync::run(app).await,
            Self::SponsorshipValidation => sponsorship_validation::run(app).await,
            Self::ExpiredSponsorships => expired_sponsorships::run(app).await,
            Self::LicenseValidation => license_validation::run(app).await,
            Self::LicenseRefresh => license_refresh::run(app).await,
            Self::LicenseExpiry => license_expiry::run(app).await,
            Self::TrashPurge => trash_purge::run(app).await,
        }
    }
}

/// Runs `job` for `slot` if this process wins the slot, and records the outcome.
pub async fn run_slot(
    ctx: &JobContext,
    job: Job,
    slot: DateTime<Utc>,
    started_by: &str,
) -> Result<Option<Result<String, String>>, AppError> {
    if !runs::claim(ctx, job.name(), slot, started_by).await? {
        return Ok(None);
    }
    let outcome = job.run(ctx).await;
    let (succeeded, message) = match &outcome {
        Ok(text) => (true, text.as_str()),
        Err(text) => (false, text.as_str()),
    };
    runs::finish(ctx, job.name(), slot, succeeded, message).await?;
    match &outcome {
        Ok(text) => tracing::info!(job = job.name(), "{text}"),
        Err(text) => tracing::warn!(job = job.name(), "failed: {text}"),
    }
    Ok(Some(outcome))
}

/// The scheduler: checks at start and every half minute, until told to stop.
pub fn spawn_scheduler(
    ctx: JobContext,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            for job in Job::ALL {
                if let Err(err) = run_if_due(&ctx, job).await {
                    tracing::warn!(job = job.name(), error = %err, "scheduler check failed");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(CHECK_EVERY) => {}
                _ = stop.changed() => return,
            }
        }
    })
}

/// Runs `job`'s latest slot if no process has run it yet: what the scheduler does each check.
pub async fn run_if_due(ctx: &JobContext, job: Job) -> Result<(), AppError> {
    if let Some(slot) = runs::due_slot(ctx, job.name(), &job.schedule(&ctx.config)).await? {
        run_slot(ctx, job, slot, "scheduler").await?;
    }
    Ok(())
}

/// A job's text for a run with nothing to do here.
fn idle(why: Idle) -> String {
    match why {
        Idle::OnCloud => "nothing to do on a cloud".into(),
        Idle::OnSelfHosted => "nothing to do on a self-hosted server".into(),
        Idle::CloudCommunicationOff => "cloud communication is off: nothing to do".into(),
        Idle::AutoRefreshOff => {
            "automatic license refresh is off (kinwarden__licenseAutoRefresh): nothing to do".into()
        }
    }
}
