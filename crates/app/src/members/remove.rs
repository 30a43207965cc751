//! A member removed by someone who may manage users, or leaving by themself. Their own
//! sponsorship ends in the same transaction (`Store::remove_member`), and on a self-hosted
//! server the cloud hears of it at the next sync, asked for soon.

use kinwarden_config::Mode;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::members::{self, MemberType};

use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

pub async fn remove(app: &App, access: &OrgAccess, member_id: &str) -> Result<(), AppError> {
    let row = super::member_of(app, &access.org.id, member_id).await?;
    if row.member.id == access.membership.id {
        return Err(AppError::BadRequest("You cannot remove yourself.".into()));
    }
    let role = MemberType::from_code(row.member.member_type).unwrap_or(MemberType::User);
    if !members::may_assign(access.role(), role) {
        return Err(AppError::BadRequest(
            "Only owners can delete other owners.".into(),
        ));
    }
    if role == MemberType::Owner {
        super::ensure_another_owner(app, &access.org.id, &row).await?;
    }
    end_membership(app, &access.org.id, member_id).await
}

/// A member leaves; the last confirmed owner may not.
pub async fn leave(app: &App, access: &OrgAccess) -> Result<(), AppError> {
    if access.role() == MemberType::Owner
        && app.store.confirmed_owner_count(&access.org.id).await? <= 1
    {
        return Err(AppError::BadRequest(super::LAST_OWNER.into()));
    }
    end_membership(app, &access.org.id, &access.membership.id).await
}

async fn end_membership(app: &App, org_id: &str, member_id: &str) -> Result<(), AppError> {
    let keep_unsynced = self_hosted_cloud_may_know(app, org_id).await?;
    app.store.remove_member(member_id, keep_unsynced).await?;
    // A removed member's sponsorship ends: the cloud should hear of it soon.
    if let Some(soon) = &app.sync_soon {
        soon.changed(org_id);
    }
    Ok(())
}

/// On a self-hosted server, whether a removed member's unsynced offer may be known to the cloud
/// and must be kept, marked, for the next sync (SPEC §10; `sponsorships::self_hosted_revoke`):
/// the organization has (or had) a billing sync connection, so a sync may have sent it.
async fn self_hosted_cloud_may_know(app: &App, org_id: &str) -> Result<bool, AppError> {
    match app.config.mode {
        Mode::SelfHosted => Ok(!app
            .store
            .connections_of(org_id, ConnectionType::BillingSync.code())
            .await?
            .is_empty()),
        Mode::Cloud => Ok(false),
    }
}
