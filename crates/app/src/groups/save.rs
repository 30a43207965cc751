//! Creating and changing a group: its name and external id, its collection access and its
//! members, in one transaction that refuses collections and members of other organizations.

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationUserId};
use kinwarden_core::vault::collections::{self as collection_rules, Access};
use kinwarden_proto::groups::GroupRequest;
use kinwarden_store::groups::GroupSaved;

use super::rules::{self, FOREIGN_COLLECTIONS, FOREIGN_USERS};
use super::{
    GroupCollectionAccess, GroupDetails, GroupRecord, details_of, ensure, ensure_uses_groups,
    may_manage,
};
use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

/// A request checked and typed: each collection and member once (the first mention wins).
struct Checked {
    name: String,
    external_id: Option<String>,
    collections: Option<Vec<GroupCollectionAccess>>,
    members: Option<Vec<OrganizationUserId>>,
}

/// The checks before anything is written, in the reference's order: the plan, the fields, the
/// access levels; an id that is not an id cannot be the organization's.
fn check(access: &OrgAccess, request: &GroupRequest) -> Result<Checked, AppError> {
    ensure_uses_groups(access)?;
    let errors = rules::validate(request.name.as_deref(), request.external_id.as_deref());
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let collections = match &request.collections {
        None => None,
        Some(selections) => {
            let mut rows: Vec<GroupCollectionAccess> = Vec::with_capacity(selections.len());
            for selection in selections {
                let level = Access {
                    read_only: selection.read_only,
                    hide_passwords: selection.hide_passwords,
                    manage: selection.manage,
                };
                collection_rules::check_group_access(level)
                    .map_err(|message| AppError::BadRequest(message.into()))?;
                let collection_id: CollectionId = selection
                    .id
                    .parse()
                    .map_err(|_| AppError::BadRequest(FOREIGN_COLLECTIONS.into()))?;
                if !rows.iter().any(|row| row.collection_id == collection_id) {
                    rows.push(GroupCollectionAccess {
                        collection_id,
                        access: level,
                    });
                }
            }
            Some(rows)
        }
    };
    let members = match &request.users {
        None => None,
        Some(ids) => {
            let mut members: Vec<OrganizationUserId> = Vec::with_capacity(ids.len());
            for id in ids {
                let member = id
                    .parse()
                    .map_err(|_| AppError::BadRequest(FOREIGN_USERS.into()))?;
                if !members.contains(&member) {
                    members.push(member);
                }
            }
            Some(members)
        }
    };
    Ok(Checked {
        name: request.name.clone().unwrap_or_default(),
        external_id: request.external_id.clone(),
        collections,
        members,
    })
}

/// What the store's outcome means to the caller.
fn outcome(saved: GroupSaved) -> Result<(), AppError> {
    match saved {
        GroupSaved::Saved => Ok(()),
        GroupSaved::NotFound => Err(AppError::NotFound),
        GroupSaved::ForeignCollection => Err(AppError::BadRequest(FOREIGN_COLLECTIONS.into())),
        GroupSaved::DefaultCollection => Err(AppError::BadRequest(
            collection_rules::DEFAULT_USER_ACCESS.into(),
        )),
        GroupSaved::ForeignMember => Err(AppError::BadRequest(FOREIGN_USERS.into())),
    }
}

/// Creates a group in the organization; no collections or members given is none.
pub async fn create(
    app: &App,
    access: &OrgAccess,
    request: &GroupRequest,
) -> Result<GroupDetails, AppError> {
    ensure(may_manage(access))?;
    let checked = check(access, request)?;
    let now = app.clock.now_millis();
    let group = GroupRecord {
        id: GroupId::new(),
        organization_id: access.org.id,
        name: checked.name,
        external_id: checked.external_id,
        created_at: now,
        revision_date: now,
    };
    let saved = app
        .store
        .groups_create(
            &group,
            checked.collections.as_deref(),
            checked.members.as_deref(),
        )
        .await?;
    outcome(saved)?;
    details_of(app, access, group.id).await
}

/// Renames the organization's group `id`; replaces its collection access and its members where
/// the request has them (null: left as they are; `[]`: none).
pub async fn update(
    app: &App,
    access: &OrgAccess,
    id: GroupId,
    request: &GroupRequest,
) -> Result<GroupDetails, AppError> {
    ensure(may_manage(access))?;
    let existing = app
        .store
        .groups_get(access.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let checked = check(access, request)?;
    let group = GroupRecord {
        name: checked.name,
        external_id: checked.external_id,
        revision_date: app.clock.now_millis(),
        ..existing
    };
    let saved = app
        .store
        .groups_update(
            &group,
            checked.collections.as_deref(),
            checked.members.as_deref(),
        )
        .await?;
    outcome(saved)?;
    details_of(app, access, id).await
}
