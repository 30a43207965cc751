//! The sponsorship sync's recorded state of one organization (SPEC §6 "every outcome is
//! recorded"): last attempt and its result, last success, next scheduled run, last error, and the
//! counts of the last attempt. The owner's JSON status and the Portal's page both show it.

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::schedule::Schedule;
use kinwarden_store::OutcomeRecord;

use crate::App;
use crate::error::AppError;
use crate::sponsorships::self_hosted_sync::KIND;

/// How many recorded outcomes are read to find the last success and the last error.
const LOOK_BACK: i64 = 50;

#[derive(Debug, Clone)]
pub struct SyncStatus {
    pub last: Option<OutcomeRecord>,
    pub last_success: Option<OutcomeRecord>,
    pub last_error: Option<OutcomeRecord>,
    /// Milliseconds since the epoch.
    pub next_run: i64,
}

impl SyncStatus {
    pub async fn load(state: &App, org_id: OrganizationId) -> Result<Self, AppError> {
        let outcomes = state.store.recent_outcomes(org_id, KIND, LOOK_BACK).await?;
        let next_run = Schedule::daily_at(&[state.config.sync_time_minutes])
            .next_slot(state.clock.now())
            .timestamp_millis();
        Ok(Self {
            last: outcomes.first().cloned(),
            last_success: outcomes.iter().find(|o| o.succeeded).cloned(),
            last_error: outcomes.iter().find(|o| !o.succeeded).cloned(),
            next_run,
        })
    }
}

/// When the organization's sponsorships last synced with the cloud (reference §2.8): the latest
/// sync date of its rows, none before the first sync.
pub async fn last_sync_date(state: &App, org_id: OrganizationId) -> Result<Option<i64>, AppError> {
    Ok(state.store.latest_sponsorship_sync(org_id).await?)
}
