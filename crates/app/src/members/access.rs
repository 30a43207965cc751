//! A member's own collection assignments and groups (reference: `OrganizationUsersController`'s
//! `Invite` and `Put`): read for the API's member answers and the members page; checked, then
//! written, for an invitation, `PUT …/users/{id}` and the members page's form.
//!
//! Who may change a member's access to a collection is [`may_modify_user_access`] (reference
//! vault §4.5 "ModifyUserAccess"). As in the reference, a change leaves alone what the caller may
//! not change: its clients send only the collections the caller may edit, so an assignment the
//! caller may not change and did not send stays; one they sent changed is refused.
//!
//! Everything is checked (and every id found in the organization) before anything is written;
//! the access is then written in the transaction of the membership change that gives it (an
//! invitation, a role change) or in one of its own (the members page's form).

use std::collections::{HashMap, HashSet};

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationUserId};
use kinwarden_core::members::{self, Actor};
use kinwarden_core::vault::collections::{
    self as rules, Access, CollectionType, DEFAULT_USER_ACCESS, Settings,
};
use kinwarden_proto::vault::collections::SelectionReadOnly;

use crate::groups::rules::{CANNOT_USE_GROUPS, FOREIGN_COLLECTIONS};
use crate::organizations::access::OrgAccess;
use crate::records::{AccessLists, CollectionRecord, MemberAccessChange, MemberRecord};
use crate::{App, AppError};

/// A group of the request is not the organization's (or not a group id at all).
pub const FOREIGN_GROUPS: &str = "One or more groups do not belong to this organization.";
/// The reference's refusal of a change to a collection the caller may not change.
pub const NEEDS_MANAGE: &str =
    "You must have Can Manage permissions to edit a collection's membership";
/// Kinwarden's refusal where the reference silently keeps the groups (see [`check`]).
pub const OWN_GROUPS: &str =
    "You cannot change your own groups while administrators do not manage all collections.";

/// A member's own collection assignments (not through a group) and the groups they are in,
/// each in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberAccess {
    pub collections: Vec<(CollectionId, Access)>,
    pub groups: Vec<GroupId>,
}

impl MemberAccess {
    pub fn collection_selections(&self) -> Vec<SelectionReadOnly> {
        self.collections
            .iter()
            .map(|(id, access)| SelectionReadOnly {
                id: id.to_string(),
                read_only: access.read_only,
                hide_passwords: access.hide_passwords,
                manage: access.manage,
            })
            .collect()
    }
}

/// What a request asks to change; `None` leaves that part as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessChange<'a> {
    pub collections: Option<&'a [SelectionReadOnly]>,
    /// Group ids.
    pub groups: Option<&'a [String]>,
}

/// A change checked against the organization and the caller's rights: what to write.
pub type CheckedAccess = MemberAccessChange;

/// May `actor` change who of the members reaches a collection they (do not) `manage`?
/// Reference vault §4.5: `manageUsers` when admins may reach every collection, else as Update.
pub fn may_modify_user_access(actor: &Actor, settings: Settings, manages: bool) -> bool {
    (members::can_manage_users(actor.role, &actor.permissions)
        && settings.allow_admin_access_to_all_collection_items)
        || rules::may_update(actor, settings, manages)
}

/// The caller's rights over each of the organization's collections.
pub(super) struct Rights {
    actor: Actor,
    pub(super) settings: Settings,
    pub(super) collections: HashMap<CollectionId, CollectionRecord>,
    pub(super) lists: HashMap<CollectionId, AccessLists>,
    member: OrganizationUserId,
    groups: HashSet<GroupId>,
}

impl Rights {
    pub(super) async fn load(app: &App, access: &OrgAccess) -> Result<Self, AppError> {
        let org = access.org.id;
        Ok(Self {
            actor: access.actor(),
            settings: app.store.collection_settings(org).await?,
            collections: app
                .store
                .collections_of(org)
                .await?
                .into_iter()
                .map(|collection| (collection.id, collection))
                .collect(),
            lists: app.store.collection_access_lists(org).await?,
            member: access.membership.id,
            groups: app
                .store
                .groups_of_member(org, access.membership.id)
                .await?
                .into_iter()
                .collect(),
        })
    }

    pub(super) fn actor(&self) -> &Actor {
        &self.actor
    }

    pub(super) fn lists(&self, id: CollectionId) -> AccessLists {
        self.lists.get(&id).cloned().unwrap_or_default()
    }

    /// The caller's own access to the collection, directly or through their groups.
    fn reach(&self, id: CollectionId) -> Option<Access> {
        let lists = self.lists.get(&id)?;
        let direct = lists
            .users
            .iter()
            .find(|(member, _)| *member == self.member)
            .map(|(_, access)| *access);
        let groups: Vec<Access> = lists
            .groups
            .iter()
            .filter(|(group, _)| self.groups.contains(group))
            .map(|(_, access)| *access)
            .collect();
        rules::effective(direct, &groups)
    }

    pub(super) fn manages(&self, id: CollectionId) -> bool {
        rules::manages(&self.actor, self.reach(id), self.lists(id).unmanaged())
    }

    pub(super) fn is_shared(&self, id: CollectionId) -> bool {
        self.collections.get(&id).is_some_and(|c| {
            CollectionType::from_code(c.collection_type) == Some(CollectionType::Shared)
        })
    }

    fn may_modify(&self, id: CollectionId) -> bool {
        may_modify_user_access(&self.actor, self.settings, self.manages(id))
    }
}

/// What a member can be given: the organization's shared collections (by creation) and its
/// groups (by name).
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub collections: Vec<CollectionRecord>,
    pub groups: Vec<crate::groups::GroupRecord>,
}

pub async fn choices(app: &App, access: &OrgAccess) -> Result<Choices, AppError> {
    let org = access.org.id;
    Ok(Choices {
        collections: app
            .store
            .collections_of(org)
            .await?
            .into_iter()
            .filter(|c| {
                CollectionType::from_code(c.collection_type) == Some(CollectionType::Shared)
            })
            .collect(),
        groups: app.store.groups_of_organization(org).await?,
    })
}

/// One member's access.
pub async fn of_member(
    app: &App,
    access: &OrgAccess,
    member: OrganizationUserId,
) -> Result<MemberAccess, AppError> {
    Ok(MemberAccess {
        collections: app.store.member_collections(member).await?,
        groups: app.store.groups_of_member(access.org.id, member).await?,
    })
}

/// Every member's access, by member (members without any are absent).
pub async fn of_all(
    app: &App,
    access: &OrgAccess,
) -> Result<HashMap<OrganizationUserId, MemberAccess>, AppError> {
    let org = access.org.id;
    let mut all: HashMap<OrganizationUserId, MemberAccess> = HashMap::new();
    for (collection, lists) in app.store.collection_access_lists(org).await? {
        for (member, level) in lists.users {
            all.entry(member)
                .or_default()
                .collections
                .push((collection, level));
        }
    }
    for group in app.store.groups_of_organization(org).await? {
        for member in app.store.groups_members(org, group.id).await? {
            all.entry(member).or_default().groups.push(group.id);
        }
    }
    // The order one member's read answers (`of_member`): by id as text.
    for member in all.values_mut() {
        member.collections.sort_by_key(|(id, _)| id.to_string());
        member.groups.sort_by_key(ToString::to_string);
    }
    Ok(all)
}

/// Checks a change of `member`'s access (none: the members of an invitation, who have none),
/// finding every id in the organization; nothing is written.
pub async fn check(
    app: &App,
    access: &OrgAccess,
    member: Option<&MemberRecord>,
    change: AccessChange<'_>,
) -> Result<CheckedAccess, AppError> {
    let collections = match change.collections {
        None => None,
        Some(selections) => Some(check_collections(app, access, member, selections).await?),
    };
    let groups = match change.groups {
        None => None,
        Some(ids) => Some(check_groups(app, access, member, ids).await?),
    };
    Ok(MemberAccessChange {
        collections,
        groups,
    })
}

fn foreign_collections() -> AppError {
    AppError::BadRequest(FOREIGN_COLLECTIONS.into())
}

fn level_of(selection: &SelectionReadOnly) -> Access {
    Access {
        read_only: selection.read_only,
        hide_passwords: selection.hide_passwords,
        manage: selection.manage,
    }
}

async fn check_collections(
    app: &App,
    access: &OrgAccess,
    member: Option<&MemberRecord>,
    selections: &[SelectionReadOnly],
) -> Result<Vec<(CollectionId, Access)>, AppError> {
    let rights = Rights::load(app, access).await?;
    let current = match member {
        Some(member) => app.store.member_collections(member.id).await?,
        None => Vec::new(),
    };
    let mut wanted: Vec<(CollectionId, Access)> = Vec::with_capacity(selections.len());
    for selection in selections {
        let id: CollectionId = selection.id.parse().map_err(|_| foreign_collections())?;
        if !rights.collections.contains_key(&id) {
            return Err(foreign_collections());
        }
        if !rights.is_shared(id) {
            return Err(AppError::BadRequest(DEFAULT_USER_ACCESS.into()));
        }
        // The first mention of a collection wins.
        if wanted.iter().any(|(chosen, _)| *chosen == id) {
            continue;
        }
        let level = level_of(selection);
        let unchanged = current.contains(&(id, level));
        if !unchanged && !rights.may_modify(id) {
            return Err(AppError::BadRequest(NEEDS_MANAGE.into()));
        }
        wanted.push((id, level));
    }
    // Kept: what the caller may not change and did not send, and a member's own "My Items".
    for (id, level) in current {
        let sent = wanted.iter().any(|(chosen, _)| *chosen == id);
        if !sent && (!rights.may_modify(id) || !rights.is_shared(id)) {
            wanted.push((id, level));
        }
    }
    wanted.sort_by_key(|(id, _)| id.to_string());
    Ok(wanted)
}

async fn check_groups(
    app: &App,
    access: &OrgAccess,
    member: Option<&MemberRecord>,
    ids: &[String],
) -> Result<Vec<GroupId>, AppError> {
    let org = access.org.id;
    let known = app.store.organization_group_ids(org).await?;
    let mut wanted: Vec<GroupId> = Vec::with_capacity(ids.len());
    for raw in ids {
        let id: GroupId = raw
            .parse()
            .map_err(|_| AppError::BadRequest(FOREIGN_GROUPS.into()))?;
        if !known.contains(&id) {
            return Err(AppError::BadRequest(FOREIGN_GROUPS.into()));
        }
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    if !wanted.is_empty() && !crate::organizations::terms::of(&access.org).use_groups {
        return Err(AppError::BadRequest(CANNOT_USE_GROUPS.into()));
    }
    if !crate::groups::may_set_member_groups(access) {
        return Err(AppError::NotFound);
    }
    if let Some(member) = member
        && member.id == access.membership.id
    {
        // A group can bring access to collections: unless admins reach every collection anyway,
        // the reference keeps an admin's own groups as they are. Kinwarden says so instead of
        // answering a success that changed nothing.
        let settings = app.store.collection_settings(org).await?;
        let current: HashSet<GroupId> = app
            .store
            .groups_of_member(org, member.id)
            .await?
            .into_iter()
            .collect();
        let asked: HashSet<GroupId> = wanted.iter().copied().collect();
        if asked != current && !settings.allow_admin_access_to_all_collection_items {
            return Err(AppError::BadRequest(OWN_GROUPS.into()));
        }
    }
    wanted.sort_by_key(ToString::to_string);
    Ok(wanted)
}

/// Replaces the collections and groups of the organization's member `member_id` where the
/// change has them: the members page's form.
pub async fn set(
    app: &App,
    access: &OrgAccess,
    member_id: OrganizationUserId,
    change: AccessChange<'_>,
) -> Result<(), AppError> {
    let row = super::member_of(app, access.org.id, member_id).await?;
    let checked = check(app, access, Some(&row.member), change).await?;
    let written = app
        .store
        .set_member_access(access.org.id, member_id, &checked, app.clock.now_millis())
        .await?;
    if written {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use kinwarden_core::members::{MemberType, Permissions};

    use super::*;

    fn actor(role: MemberType, set: impl Fn(&mut Permissions)) -> Actor {
        let mut permissions = Permissions::default();
        set(&mut permissions);
        Actor { role, permissions }
    }

    #[test]
    fn who_may_change_a_members_access_to_a_collection() {
        let none = |_: &mut Permissions| {};
        let admins_reach_all = Settings {
            allow_admin_access_to_all_collection_items: true,
            ..Settings::default()
        };
        let plain = Settings::default();
        let cases = [
            // (actor, settings, manages the collection, may change its members)
            (actor(MemberType::Owner, none), plain, true, true),
            (actor(MemberType::Owner, none), plain, false, false),
            (
                actor(MemberType::Owner, none),
                admins_reach_all,
                false,
                true,
            ),
            (
                actor(MemberType::Admin, none),
                admins_reach_all,
                false,
                true,
            ),
            (actor(MemberType::User, none), plain, true, true),
            (
                actor(MemberType::User, none),
                admins_reach_all,
                false,
                false,
            ),
            (
                actor(MemberType::Custom, |p| p.manage_users = true),
                plain,
                false,
                false,
            ),
            (
                actor(MemberType::Custom, |p| p.manage_users = true),
                admins_reach_all,
                false,
                true,
            ),
            (
                actor(MemberType::Custom, |p| p.edit_any_collection = true),
                plain,
                false,
                true,
            ),
        ];
        for (actor, settings, manages, allowed) in cases {
            assert_eq!(
                may_modify_user_access(&actor, settings, manages),
                allowed,
                "{actor:?} {settings:?} manages={manages}"
            );
        }
    }

    #[test]
    fn an_invitation_without_access_writes_nothing() {
        assert!(MemberAccessChange::default().gives_nothing());
        assert!(
            MemberAccessChange {
                collections: Some(Vec::new()),
                groups: Some(Vec::new()),
            }
            .gives_nothing()
        );
        assert!(
            !MemberAccessChange {
                collections: None,
                groups: Some(vec![GroupId::new()]),
            }
            .gives_nothing()
        );
    }
}
