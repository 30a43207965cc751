//! The cloud's side of the sponsorship sync (reference §4.1 C1, §4.2; SPEC §5 steps 7–8, §6): a
//! self-hosted server sends its organization's sponsorships with the billing sync token; the
//! cloud writes what CloudSyncSponsorships decides, queues the offer e-mails of new rows in the
//! same transaction, and answers each item, with the items it left out and why in `skipped`.
//! The self-hosted sender is `self_hosted_sync`.

use std::collections::HashMap;
use std::time::Duration;

use kinwarden_core::ids::{InstallationId, OrganizationId, OrganizationUserId, SponsorshipId};
use kinwarden_core::sponsorships::Sponsorship;
use kinwarden_core::sponsorships::cloud_sync::{self, CloudSponsor, CloudSyncOutcome};
use kinwarden_proto::sponsorship_sync::{BATCH_SIZE, SkippedItem, SyncRequest, SyncResponse};
use kinwarden_store::StoreError;

use crate::org_api_keys::validate_billing_sync_key;
use crate::records::{CloudSyncWrite, OfferHold, OrganizationRecord};
use crate::sponsorships::cloud_sync_wire::{answered, synced_item};
use crate::sponsorships::offers::offer_drafts;
use crate::sponsorships::rows::{to_domain, to_record};
use crate::{App, AppError};

/// A refused token is answered after this delay, so tokens cannot be guessed quickly.
const REFUSAL_DELAY: Duration = Duration::from_secs(2);
const INVALID_ORGANIZATION: &str = "Invalid organization";
const INVALID_KEY: &str = "Invalid Billing Sync Key. The token was rotated or belongs to another organization; copy the current one from the cloud's Billing → Subscription → Self-hosting.";

/// One batch from the installation `installation_id` (already authenticated, with the
/// installation scope), answered item by item.
pub async fn sync(
    app: &App,
    installation_id: InstallationId,
    request: SyncRequest,
) -> Result<SyncResponse, AppError> {
    // The reference answers a malformed id with its model binding's 400; a well-formed id of no
    // organization with "Invalid organization" (§4.13). Both say the same here.
    let org_id: OrganizationId = request
        .sponsoring_organization_cloud_id
        .parse()
        .map_err(|_| AppError::BadRequest(INVALID_ORGANIZATION.into()))?;
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or_else(|| AppError::BadRequest(INVALID_ORGANIZATION.into()))?;
    let key_valid =
        validate_billing_sync_key(&app.store, &app.data_key, org.id, &request.billing_sync_key)
            .await?;
    if !key_valid {
        tokio::time::sleep(REFUSAL_DELAY).await;
        return Err(AppError::BadRequest(INVALID_KEY.into()));
    }
    // A missing batch is a 500 in the reference; it is an empty batch here, the same question a
    // self-hosted server asks to check its token.
    let batch = request.sponsorships_batch.unwrap_or_default();
    if batch.len() > BATCH_SIZE {
        return Err(AppError::BadRequest(format!(
            "A sync batch carries at most {BATCH_SIZE} sponsorships; this one has {}.",
            batch.len()
        )));
    }
    if let Some(metrics) = &app.metrics {
        metrics.batch_received(batch.len());
    }
    let items = batch
        .iter()
        .map(synced_item)
        .collect::<Result<Vec<_>, _>>()?;
    // Only the rows of the batch's members: a batch touches no other row (reference §4.2 keys
    // the rows by member), and reading the whole organization for every batch would make a
    // sync of n rows cost n²/1,000 row reads (SPEC §10).
    let members: Vec<OrganizationUserId> = items
        .iter()
        .map(|item| item.sponsoring_organization_user_id)
        .collect();
    let existing = app
        .store
        .sponsorships_of_members(org.id, &members)
        .await?
        .iter()
        .map(to_domain)
        .collect::<Vec<_>>();
    let before: HashMap<SponsorshipId, Sponsorship> =
        existing.iter().map(|row| (row.id, row.clone())).collect();
    let sponsor = CloudSponsor {
        id: org_id,
        plan_type: org.plan_type,
        enabled: org.enabled,
        expiration_date: org.expiration_date,
    };
    let now = app.clock.now_millis();
    let mut outcome = cloud_sync::cloud_sync(&sponsor, existing, &items, now);
    // A known row whose only change is its sync date is not rewritten: the organization's sync
    // stamp, written with the batch, carries the date (SPEC §10).
    outcome.upserts.retain(|row| {
        before
            .get(&row.id)
            .is_none_or(|old| changed_beyond_date(old, row))
    });
    write(app, &org, &outcome, now).await?;
    tracing::info!(
        organization = %org.id,
        installation = %installation_id,
        items = items.len(),
        upserted = outcome.upserts.len(),
        deleted = outcome.deletes.len(),
        offered = outcome.offers.len(),
        skipped = outcome.skipped.len(),
        "sponsorships synced"
    );
    Ok(SyncResponse {
        sponsorships_batch: outcome.items.iter().map(answered).collect(),
        skipped: outcome
            .skipped
            .iter()
            .map(|s| SkippedItem {
                sponsoring_organization_user_id: s.sponsoring_organization_user_id.to_string(),
                reason: s.reason.code().to_string(),
            })
            .collect(),
    })
}

/// Whether writing `new` over `old` changes more than a sync date the organization's stamp
/// stands for (a row that never synced needs its first date written).
fn changed_beyond_date(old: &Sponsorship, new: &Sponsorship) -> bool {
    old.last_sync_date.is_none()
        || new.last_sync_date.is_none()
        || *old
            != Sponsorship {
                last_sync_date: old.last_sync_date,
                ..new.clone()
            }
}

/// Rows, deletions, offer e-mails and the organization's sync stamp in one transaction.
///
/// Offers beyond the organization's daily allowance of mail are held, not refused: the rows
/// are the installation's truth and must be stored, and their e-mails go out once the
/// allowance has room again.
async fn write(
    app: &App,
    org: &OrganizationRecord,
    outcome: &CloudSyncOutcome,
    now: i64,
) -> Result<(), AppError> {
    if outcome.items.is_empty() && outcome.upserts.is_empty() && outcome.deletes.is_empty() {
        return Ok(());
    }
    let org_id = org.id;
    let offers = offer_drafts(app, &org.name, outcome);
    let allowance = crate::mail_allowance::left(
        app,
        org_id,
        org.seats,
        u64::try_from(offers.len()).unwrap_or(u64::MAX),
    )
    .await?;
    let held = OfferHold {
        from: usize::try_from(allowance.may_send).unwrap_or(usize::MAX),
        until_ms: now
            .saturating_add(i64::try_from(allowance.retry_after.as_millis()).unwrap_or(i64::MAX)),
        per_window: allowance.per_window(),
    };
    let upserts: Vec<_> = outcome.upserts.iter().map(to_record).collect();
    let written = app
        .store
        .apply_cloud_sync(CloudSyncWrite {
            organization_id: org_id,
            upserts: &upserts,
            deletes: &outcome.deletes,
            offers: &offers,
            held,
            now_ms: now,
        })
        .await;
    match written {
        Ok(()) => Ok(()),
        // Another sync of the organization created the same member's row first; nothing of
        // this batch was written, and sending it again finds that row.
        Err(StoreError::Conflict) => Err(AppError::BadRequest(
            "Another sync of this organization ran at the same time; nothing was written. Sync again.".into(),
        )),
        Err(other) => Err(other.into()),
    }
}
