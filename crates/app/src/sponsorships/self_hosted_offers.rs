//! A member's Families for Enterprise offer on a self-hosted server (reference §2.1 S1–S4,
//! §2.3; SPEC §5 step 6): offer and revoke (the admin list is `admin_initiated`). Nothing here
//! mails or calls the cloud: the billing sync carries the rows, soon after a change when
//! automatic sync is on.

use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::sponsorships::{self, CreateError, Offer, OfferRequest, Revoke};
use kinwarden_store::StoreError;

use crate::organizations::access::OrgAccess;
use crate::records::{SponsorshipRecord, UserRecord};
use crate::sponsorships::offer::{NOT_FOUND_BY_NAME, create_error, decide, find_by_friendly_name};
use crate::sponsorships::rows::{to_domain, to_record};
use crate::sponsorships::sync_soon;
use crate::{App, AppError};

/// S1: the caller offers a sponsorship as a member of `org_id`; the row waits for the sync.
pub async fn create(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
    request: &OfferRequest,
) -> Result<(), AppError> {
    let (_, offer) = decide(app, user, org_id, request).await?;
    if let Offer::Save { sponsorship, .. } = offer {
        match app.store.save_sponsorship(&to_record(&sponsorship)).await {
            Ok(()) => {}
            // Another offer of the same member was saved between our read and this write.
            Err(StoreError::Conflict) => return Err(create_error(CreateError::OnePerMember)),
            Err(err) => return Err(err.into()),
        }
        sync_soon::changed(app, org_id);
    }
    Ok(())
}

/// S2, S3: the caller revokes their own offer in `org_id`.
pub async fn revoke_own(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
) -> Result<(), AppError> {
    let membership = app
        .store
        .membership(org_id, user.id)
        .await?
        .ok_or_else(|| AppError::BadRequest("Unknown Organization User".into()))?;
    let own = app
        .store
        .sponsorship_of_member(membership.organization_id, membership.id)
        .await?;
    revoke(app, own.as_ref()).await
}

/// S4: someone who manages users revokes an offer by its friendly name (ignoring case).
pub async fn revoke_by_name(
    app: &App,
    access: &OrgAccess,
    friendly_name: &str,
) -> Result<(), AppError> {
    let row = find_by_friendly_name(app, access.org.id, friendly_name)
        .await?
        .ok_or_else(|| AppError::BadRequest(NOT_FOUND_BY_NAME.into()))?;
    revoke(app, Some(&row)).await
}

/// The self-hosted revoke rule (reference §2.3): a row the cloud may know is marked for the next
/// sync, any other is deleted.
async fn revoke(app: &App, row: Option<&SponsorshipRecord>) -> Result<(), AppError> {
    let sponsorship = row.map(to_domain);
    let cloud_may_know = match row.and_then(|row| row.sponsoring_organization_id) {
        Some(org_id) => cloud_may_know(app, org_id).await?,
        None => false,
    };
    let decision = sponsorships::self_hosted_revoke(sponsorship.as_ref(), cloud_may_know)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    if let Some(row) = row {
        match decision {
            Revoke::Delete => app.store.delete_sponsorship(row.id).await?,
            Revoke::MarkToDelete => app.store.mark_sponsorship_to_delete(row.id).await?,
        };
        if let Some(org_id) = row.sponsoring_organization_id {
            sync_soon::changed(app, org_id);
        }
    }
    Ok(())
}

/// Whether the cloud may hold this organization's rows though they carry no sync date here:
/// it has (or had) a billing sync connection, so a sync may have sent them (SPEC §10).
pub async fn cloud_may_know(app: &App, org_id: OrganizationId) -> Result<bool, AppError> {
    Ok(!app
        .store
        .connections_of(org_id, ConnectionType::BillingSync)
        .await?
        .is_empty())
}
