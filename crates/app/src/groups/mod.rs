//! An organization's groups (SPEC §11 "groups (create, rename, delete, members; on plans with
//! useGroups)"): read, create, change, delete, and a member's groups seen from the member. Owners
//! and admins manage groups, custom members with `manageGroups` too; `manageUsers` reads them
//! and sets a member's groups. Anyone else learns nothing ([`AppError::NotFound`]), as the
//! routes' extractors answer before a body is read. Every write moves the revision date of the
//! organization's confirmed members in its transaction, so their clients resync.

pub mod delete;
pub mod members;
pub mod read;
pub mod rules;
pub mod save;

use kinwarden_core::ids::GroupId;
use kinwarden_proto::groups::{GroupCollectionAccess as WireAccess, GroupResponse};

use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

pub use delete::{delete, delete_many, remove_member};
pub use kinwarden_store::groups::{GroupCollectionAccess, GroupRecord};
pub use members::{member_groups, set_member_groups};
pub use read::{get, list, users};
pub use save::{create, update};

/// A group with its collection access, as the lists and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetails {
    pub group: GroupRecord,
    /// In collection id order.
    pub collections: Vec<GroupCollectionAccess>,
}

/// May see the organization's groups (the routes' read extractor asks the same).
pub fn may_read(access: &OrgAccess) -> bool {
    rules::may_read(&access.actor())
}

/// May create, change and delete the organization's groups.
pub fn may_manage(access: &OrgAccess) -> bool {
    rules::may_manage(&access.actor())
}

/// May set which groups a member is in.
pub fn may_set_member_groups(access: &OrgAccess) -> bool {
    rules::may_set_member_groups(&access.actor())
}

fn ensure(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Refuses a change that would give the organization groups it may not use.
fn ensure_uses_groups(access: &OrgAccess) -> Result<(), AppError> {
    if crate::organizations::terms::of(&access.org).use_groups {
        Ok(())
    } else {
        Err(AppError::BadRequest(rules::CANNOT_USE_GROUPS.into()))
    }
}

/// The organization's group `id` with its access; [`AppError::NotFound`] when it has none.
async fn details_of(app: &App, access: &OrgAccess, id: GroupId) -> Result<GroupDetails, AppError> {
    let group = app
        .store
        .groups_get(access.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let collections = app
        .store
        .groups_collection_access(access.org.id, Some(id))
        .await?
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    Ok(GroupDetails { group, collections })
}

fn wire(details: &GroupDetails, object: &str) -> GroupResponse {
    let group = &details.group;
    GroupResponse {
        id: group.id.to_string(),
        organization_id: group.organization_id.to_string(),
        name: group.name.clone(),
        external_id: group.external_id.clone(),
        collections: details
            .collections
            .iter()
            .map(|row| WireAccess {
                id: row.collection_id.to_string(),
                read_only: row.access.read_only,
                hide_passwords: row.access.hide_passwords,
                manage: row.access.manage,
            })
            .collect(),
        object: object.to_string(),
    }
}

/// The group as the lists, `…/details` and the writes answer it (`groupDetails`).
pub fn details_response(details: &GroupDetails) -> GroupResponse {
    wire(details, "groupDetails")
}

/// The group as `GET …/groups/{id}` answers it (`group`, with its collections too).
pub fn group_response(details: &GroupDetails) -> GroupResponse {
    wire(details, "group")
}
