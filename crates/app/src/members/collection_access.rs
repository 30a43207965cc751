//! The organization's collections seen as who reaches each (SPEC §11 "Pages"): the Collections
//! page's list, and one member's or group's access to one collection changed or taken away.
//!
//! Collection names are encrypted under the organization key, which the server never holds, so
//! what is answered here names a collection by its id and its `externalId`. A change goes through
//! the same use-case as `PUT /organizations/{id}/collections/{id}` (`vault::collections::update`),
//! so the page obeys exactly the API's rules (who may, a collection keeps a manager).

use std::collections::HashMap;

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationUserId};
use kinwarden_core::vault::collections::{self as rules, Access};
use kinwarden_proto::vault::collections::{CollectionRequest, SelectionReadOnly};

use super::access::Rights;
use crate::groups::GroupRecord;
use crate::organizations::access::OrgAccess;
use crate::records::{CollectionRecord, UserRecord};
use crate::{App, AppError};

/// A member or a group assigned to a collection, with its access level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned<Id> {
    pub id: Id,
    /// The member's e-mail address, or the group's name (groups are named in plain text).
    pub name: String,
    pub access: Access,
}

/// One shared collection with who reaches it and what the caller may do with it.
#[derive(Debug, Clone)]
pub struct CollectionView {
    pub collection: CollectionRecord,
    /// Items in it, the trash left out.
    pub items: usize,
    pub members: Vec<Assigned<OrganizationUserId>>,
    pub groups: Vec<Assigned<GroupId>>,
    /// May change its access (`PUT …/collections/{id}` would be allowed).
    pub may_change: bool,
    pub may_delete: bool,
}

/// The Collections page: the collections, and everyone who could be given access.
#[derive(Debug, Clone)]
pub struct Overview {
    pub collections: Vec<CollectionView>,
    /// Every member of the organization with their e-mail address, in the list's order.
    pub members: Vec<(OrganizationUserId, String)>,
    pub groups: Vec<GroupRecord>,
}

/// Whom a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    Member(OrganizationUserId),
    Group(GroupId),
}

/// The organization's shared collections with their access lists, for those who may read every
/// collection with its access (reference vault §4.5 "ReadAllWithAccess"); anyone else learns
/// nothing.
pub async fn overview(
    app: &App,
    user: &UserRecord,
    access: &OrgAccess,
) -> Result<Overview, AppError> {
    if !rules::may_read_all_with_access(&access.actor()) {
        return Err(AppError::NotFound);
    }
    let org = access.org.id;
    let rights = Rights::load(app, access).await?;
    let members: Vec<(OrganizationUserId, String)> = app
        .store
        .members(org)
        .await?
        .into_iter()
        .map(|row| {
            let email = row.user_email.or(row.member.email).unwrap_or_default();
            (row.member.id, email)
        })
        .collect();
    let groups = app.store.groups_of_organization(org).await?;
    let emails: HashMap<OrganizationUserId, &str> = members
        .iter()
        .map(|(id, email)| (*id, email.as_str()))
        .collect();
    let names: HashMap<GroupId, &str> = groups
        .iter()
        .map(|group| (group.id, group.name.as_str()))
        .collect();
    let mut items: HashMap<CollectionId, usize> = HashMap::new();
    // Every item of the organization is read to count them: a page for admins, seldom opened.
    for item in app.store.org_ciphers(user.id, org).await? {
        if item.item.cipher.deleted_at.is_none() {
            for collection in item.collection_ids {
                *items.entry(collection).or_default() += 1;
            }
        }
    }
    let mut shared: Vec<&CollectionRecord> = rights
        .collections
        .values()
        .filter(|c| rights.is_shared(c.id))
        .collect();
    shared.sort_by_key(|c| (c.created_at, c.id.to_string()));
    let collections = shared
        .into_iter()
        .map(|collection| {
            let lists = rights.lists(collection.id);
            let manages = rights.manages(collection.id);
            CollectionView {
                items: items.get(&collection.id).copied().unwrap_or_default(),
                members: lists
                    .users
                    .iter()
                    .map(|(id, access)| Assigned {
                        id: *id,
                        name: emails.get(id).copied().unwrap_or_default().to_string(),
                        access: *access,
                    })
                    .collect(),
                groups: lists
                    .groups
                    .iter()
                    .map(|(id, access)| Assigned {
                        id: *id,
                        name: names.get(id).copied().unwrap_or_default().to_string(),
                        access: *access,
                    })
                    .collect(),
                may_change: rules::may_update(rights.actor(), rights.settings, manages),
                may_delete: rules::may_delete(rights.actor(), rights.settings, manages),
                collection: collection.clone(),
            }
        })
        .collect();
    Ok(Overview {
        collections,
        members,
        groups,
    })
}

fn selection<Id: ToString>(id: Id, access: Access) -> SelectionReadOnly {
    SelectionReadOnly {
        id: id.to_string(),
        read_only: access.read_only,
        hide_passwords: access.hide_passwords,
        manage: access.manage,
    }
}

/// The list with `id` given `level` (none: taken off), the others as they are.
fn replaced<Id: Copy + PartialEq + ToString>(
    list: &[(Id, Access)],
    id: Id,
    level: Option<Access>,
) -> Vec<SelectionReadOnly> {
    let mut out: Vec<SelectionReadOnly> = list
        .iter()
        .filter(|(other, _)| *other != id)
        .map(|(other, access)| selection(*other, *access))
        .collect();
    if let Some(level) = level {
        out.push(selection(id, level));
    }
    out
}

/// Gives `principal` the access `level` to the organization's collection `id`, or takes it
/// away (`None`), leaving everyone else's; as `PUT …/collections/{id}` with the collection's
/// lists, its name and its external id kept.
pub async fn set_access(
    app: &App,
    user: &UserRecord,
    access: &OrgAccess,
    id: CollectionId,
    principal: Principal,
    level: Option<Access>,
) -> Result<(), AppError> {
    let org = access.org.id;
    let collection = app
        .store
        .collections_of(org)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    let lists = app
        .store
        .collection_access_lists(org)
        .await?
        .remove(&id)
        .unwrap_or_default();
    let (users, groups) = match principal {
        Principal::Member(member) => (Some(replaced(&lists.users, member, level)), None),
        Principal::Group(group) => (None, Some(replaced(&lists.groups, group, level))),
    };
    let request = CollectionRequest {
        name: None,
        external_id: collection.external_id,
        groups,
        users,
    };
    crate::vault::collections::update(app, user, org, id, &request).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RO: Access = Access {
        read_only: true,
        hide_passwords: false,
        manage: false,
    };

    #[test]
    fn one_principal_changes_and_the_others_stay() {
        let (a, b) = (GroupId::new(), GroupId::new());
        let list = [(a, RO), (b, Access::MANAGE)];
        let changed = replaced(&list, a, Some(Access::EDIT));
        assert_eq!(changed.len(), 2);
        assert!(changed.contains(&selection(b, Access::MANAGE)));
        assert!(changed.contains(&selection(a, Access::EDIT)));
        assert_eq!(replaced(&list, a, None), vec![selection(b, Access::MANAGE)]);
        let c = GroupId::new();
        assert_eq!(replaced(&list, c, Some(RO)).len(), 3);
    }
}
