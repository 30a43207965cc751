//! *Manually Sync* in the Portal (SPEC §5 step 7): the same sponsorship sync as the daily job,
//! now, started by `portal`; its outcome is recorded like any other.

use kinwarden_core::ids::OrganizationId;

use crate::records::OutcomeRecord;
use crate::sponsorships::self_hosted_sync;
use crate::{App, AppError};

/// Syncs the organization's offers with the cloud; the answer is the recorded outcome, a
/// failed exchange included. A cloud (no link) has nothing to sync: [`AppError::NotFound`].
pub async fn sync_now(app: &App, org_id: OrganizationId) -> Result<OutcomeRecord, AppError> {
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    self_hosted_sync::sync_now(app, org.id, "portal").await
}
