//! Ending a sponsorship on the cloud (reference §4.1 C6–C10, §4.9; SPEC §5 step 9): the sponsor
//! revokes their own, someone who manages the sponsoring organization's users revokes one by its
//! friendly name, or the sponsored Families organization's owner removes it. A redeemed
//! sponsorship is only marked to delete here; the daily validation ends it at its period's end.

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::sponsorships::{Revoke, cloud_revoke};

use crate::organizations::access::OrgAccess;
use crate::records::{SponsorshipRecord, UserRecord};
use crate::sponsorships::offer::{NOT_FOUND_BY_NAME, find_by_friendly_name};
use crate::sponsorships::rows::to_domain;
use crate::{App, AppError};

/// C6, C7: the caller revokes the sponsorship they offered as a member of `org_id`.
pub async fn revoke_own(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
) -> Result<(), AppError> {
    let membership = app
        .store
        .membership(org_id, user.id)
        .await?
        .filter(|membership| membership.user_id == Some(user.id))
        .ok_or_else(|| AppError::BadRequest("Can only revoke a sponsorship you granted.".into()))?;
    let own = app
        .store
        .sponsorship_of_member(membership.organization_id, membership.id)
        .await?;
    revoke(app, own.as_ref()).await
}

/// C8: someone who manages users revokes an offer by its friendly name (ignoring case).
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

async fn revoke(app: &App, row: Option<&SponsorshipRecord>) -> Result<(), AppError> {
    let sponsorship = row.map(to_domain);
    let decision = cloud_revoke::cloud_revoke(sponsorship.as_ref())
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    if let Some(row) = row {
        apply(app, row, decision).await?;
    }
    Ok(())
}

async fn apply(app: &App, row: &SponsorshipRecord, decision: Revoke) -> Result<(), AppError> {
    match decision {
        Revoke::Delete => app.store.delete_sponsorship(row.id).await?,
        Revoke::MarkToDelete => app.store.mark_sponsorship_to_delete(row.id).await?,
    };
    tracing::info!(sponsorship = %row.id, ?decision, "sponsorship revoked on the cloud");
    Ok(())
}

/// C9, C10: the Families organization's owner gives up its sponsorship.
pub async fn remove(app: &App, user: &UserRecord, org_id: OrganizationId) -> Result<(), AppError> {
    let owner = app
        .store
        .membership(org_id, user.id)
        .await?
        .is_some_and(|membership| {
            membership.status == MemberStatus::Confirmed
                && membership.member_type == MemberType::Owner
        });
    if !owner {
        return Err(AppError::BadRequest(
            "Only the owner of an organization can remove sponsorship.".into(),
        ));
    }
    let row = app.store.sponsorship_of_sponsored(org_id).await?;
    let sponsorship = row.as_ref().map(to_domain);
    let decision = cloud_revoke::remove(sponsorship.as_ref())
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    if let Some(row) = &row {
        apply(app, row, decision).await?;
    }
    Ok(())
}
