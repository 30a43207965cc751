//! *Manually Sync* in the Portal (SPEC §5 step 7): the same sponsorship sync as the daily job,
//! now, started by `portal`; its outcome is recorded like any other.

use crate::records::OutcomeRecord;
use crate::sponsorships::self_hosted_sync::{SyncDeps, sync_organization};
use crate::{App, AppError};

/// Syncs the organization's offers with the cloud; the answer is the recorded outcome, a
/// failed exchange included. A cloud (no link) has nothing to sync: [`AppError::NotFound`].
pub async fn sync_now(app: &App, org_id: &str) -> Result<OutcomeRecord, AppError> {
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let link = app.cloud.as_deref().ok_or(AppError::NotFound)?;
    let deps = SyncDeps {
        config: &app.config,
        store: &app.store,
        link,
        clock: app.clock.as_ref(),
        metrics: app.metrics.as_deref(),
    };
    Ok(sync_organization(&deps, &org.id, "portal", &mut |_, _| {}).await?)
}
