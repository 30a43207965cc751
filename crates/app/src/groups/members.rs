//! A member's groups, seen from the member (`…/users/{id}/groups`).

use kinwarden_core::ids::{GroupId, OrganizationUserId};

use super::{ensure, ensure_uses_groups, may_read, may_set_member_groups};
use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

/// The groups of the organization that its member `member` is in.
pub async fn member_groups(
    app: &App,
    access: &OrgAccess,
    member: OrganizationUserId,
) -> Result<Vec<GroupId>, AppError> {
    ensure(may_read(access))?;
    app.store
        .member(access.org.id, member)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(app.store.groups_of_member(access.org.id, member).await?)
}

/// Puts the organization's member `member` in exactly `groups` (repeats count once). A member
/// or a group that is not the organization's is [`AppError::NotFound`], and nothing changes.
/// Taking a member out of every group is allowed on any plan; putting one in needs groups.
pub async fn set_member_groups(
    app: &App,
    access: &OrgAccess,
    member: OrganizationUserId,
    groups: &[GroupId],
) -> Result<(), AppError> {
    ensure(may_set_member_groups(access))?;
    if !groups.is_empty() {
        ensure_uses_groups(access)?;
    }
    match app
        .store
        .groups_set_for_member(access.org.id, member, groups, app.clock.now_millis())
        .await?
    {
        Some(true) => Ok(()),
        Some(false) | None => Err(AppError::NotFound),
    }
}
