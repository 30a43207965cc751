//! Reading groups: the organization's list, one group, and one group's members.

use std::collections::BTreeMap;

use kinwarden_core::ids::{GroupId, OrganizationUserId};

use super::{GroupCollectionAccess, GroupDetails, details_of, ensure, may_read};
use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

/// Every group of the organization with its collection access, by name.
pub async fn list(app: &App, access: &OrgAccess) -> Result<Vec<GroupDetails>, AppError> {
    ensure(may_read(access))?;
    let groups = app.store.groups_of_organization(access.org.id).await?;
    let mut collections: BTreeMap<GroupId, Vec<GroupCollectionAccess>> = BTreeMap::new();
    for (group, row) in app
        .store
        .groups_collection_access(access.org.id, None)
        .await?
    {
        collections.entry(group).or_default().push(row);
    }
    Ok(groups
        .into_iter()
        .map(|group| GroupDetails {
            collections: collections.remove(&group.id).unwrap_or_default(),
            group,
        })
        .collect())
}

/// One group of the organization with its collection access.
pub async fn get(app: &App, access: &OrgAccess, id: GroupId) -> Result<GroupDetails, AppError> {
    ensure(may_read(access))?;
    details_of(app, access, id).await
}

/// The members (organization user ids) of one group of the organization.
pub async fn users(
    app: &App,
    access: &OrgAccess,
    id: GroupId,
) -> Result<Vec<OrganizationUserId>, AppError> {
    ensure(may_read(access))?;
    app.store
        .groups_get(access.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(app.store.groups_members(access.org.id, id).await?)
}
