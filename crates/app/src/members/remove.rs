//! A member removed by someone who may manage users, or leaving by themself. Their own
//! sponsorship ends in the same transaction (`Store::remove_member`), and on a self-hosted
//! server the cloud hears of it at the next sync, asked for soon.

use kinwarden_config::Mode;
use kinwarden_core::ids::{OrganizationId, OrganizationUserId};
use kinwarden_core::members::{self, MemberType};

use crate::organizations::access::OrgAccess;
use crate::sponsorships::{self_hosted_offers, sync_soon};
use crate::{App, AppError};

pub async fn remove(
    app: &App,
    access: &OrgAccess,
    member_id: OrganizationUserId,
) -> Result<(), AppError> {
    let row = super::member_of(app, access.org.id, member_id).await?;
    if row.member.id == access.membership.id {
        return Err(AppError::BadRequest("You cannot remove yourself.".into()));
    }
    let role = row.member.member_type;
    members::check_removal(access.role(), role)
        .map_err(|refusal| AppError::BadRequest(refusal.message().into()))?;
    if role == MemberType::Owner {
        super::ensure_another_owner(app, access.org.id, &row).await?;
    }
    end_membership(app, access.org.id, member_id).await
}

/// A member leaves; the last confirmed owner may not.
pub async fn leave(app: &App, access: &OrgAccess) -> Result<(), AppError> {
    if access.role() == MemberType::Owner
        && app.store.confirmed_owner_count(access.org.id).await? <= 1
    {
        return Err(AppError::BadRequest(super::LAST_OWNER.into()));
    }
    end_membership(app, access.org.id, access.membership.id).await
}

async fn end_membership(
    app: &App,
    org_id: OrganizationId,
    member_id: OrganizationUserId,
) -> Result<(), AppError> {
    // On a self-hosted server, a removed member's unsynced offer may be known to the cloud and
    // must be kept, marked, for the next sync (SPEC §10; `sponsorships::self_hosted_revoke`).
    let keep_unsynced = match app.config.mode {
        Mode::SelfHosted => self_hosted_offers::cloud_may_know(app, org_id).await?,
        Mode::Cloud => false,
    };
    app.store
        .remove_member(org_id, member_id, keep_unsynced, app.clock.now_millis())
        .await?;
    // A removed member's sponsorship ends: the cloud should hear of it soon.
    sync_soon::changed(app, org_id);
    Ok(())
}
