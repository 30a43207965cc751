//! Deleting groups, and taking one member out of a group. Removing needs no plan with groups:
//! an organization that lost them can still clear what it had.

use kinwarden_core::ids::{GroupId, OrganizationUserId};

use super::{ensure, may_manage};
use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

/// Deletes one group of the organization with its collection access and memberships.
pub async fn delete(app: &App, access: &OrgAccess, id: GroupId) -> Result<(), AppError> {
    delete_many(app, access, &[id]).await
}

/// Deletes the organization's groups `ids`: all of them, or none (and [`AppError::NotFound`])
/// when one is not the organization's.
pub async fn delete_many(app: &App, access: &OrgAccess, ids: &[GroupId]) -> Result<(), AppError> {
    ensure(may_manage(access))?;
    if ids.is_empty() {
        return Ok(());
    }
    if app
        .store
        .groups_delete(access.org.id, ids, app.clock.now_millis())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Takes `member` out of the organization's group `id` (a member not in it: nothing to do).
/// An unknown group or member is [`AppError::NotFound`].
pub async fn remove_member(
    app: &App,
    access: &OrgAccess,
    id: GroupId,
    member: OrganizationUserId,
) -> Result<(), AppError> {
    ensure(may_manage(access))?;
    if app
        .store
        .groups_remove_member(access.org.id, id, member, app.clock.now_millis())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
