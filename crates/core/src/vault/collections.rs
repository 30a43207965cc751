//! Collections and who reaches what through them (reference vault §0.3, §1.6, §4.2, §4.5, §5):
//! a member's access to a collection from their own assignment and their groups', an item's
//! rights from the collections it is in, and which roles may create, read, change and delete
//! collections or work on every item of an organization. Pure: the caller loads the rows.

use crate::members::{Actor, MemberType};
use crate::vault::permissions::ItemAccess;
use crate::vault::validate::{ValidationErrors, max_length_message};

/// One assignment of a collection to a member or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Access {
    /// May see the collection's items but not change them.
    pub read_only: bool,
    /// The clients hide passwords, TOTP seeds and hidden fields.
    pub hide_passwords: bool,
    /// May change the collection itself (name, access) and, where the organization says so,
    /// delete its items.
    pub manage: bool,
}

impl Access {
    pub const MANAGE: Self = Self {
        read_only: false,
        hide_passwords: false,
        manage: true,
    };
    pub const EDIT: Self = Self {
        read_only: false,
        hide_passwords: false,
        manage: false,
    };
}

/// The kind of a collection, as the wire numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionType {
    Shared,
    /// A member's own "My Items" collection; never created, changed or deleted through the API.
    DefaultUser,
}

impl CollectionType {
    pub fn code(self) -> i32 {
        match self {
            Self::Shared => 0,
            Self::DefaultUser => 1,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Shared),
            1 => Some(Self::DefaultUser),
            _ => None,
        }
    }
}

/// The organization's collection-management settings (reference vault §0.3); all false on a new
/// organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    /// Only owners, admins and custom members allowed to may create collections.
    pub limit_collection_creation: bool,
    /// Only owners and admins who manage a collection (or `deleteAnyCollection`) may delete it.
    pub limit_collection_deletion: bool,
    /// Deleting and restoring an item needs manage on it; edit is not enough.
    pub limit_item_deletion: bool,
    /// Owners and admins may read and change every collection and item.
    pub allow_admin_access_to_all_collection_items: bool,
}

pub const MANAGE_IS_EXCLUSIVE: &str = "The Manage property is mutually exclusive and cannot be true while the ReadOnly or HidePasswords properties are also true.";
pub const NEEDS_A_MANAGER: &str = "At least one member or group must have can manage permission.";
pub const UNKNOWN_COLLECTION: &str =
    "Specified CollectionId does not exist on the specified Organization.";
pub const DEFAULT_USER_EDIT: &str =
    "You cannot edit a collection with the type as DefaultUserCollection.";
pub const DEFAULT_USER_DELETE: &str =
    "You cannot delete a collection with the type as DefaultUserCollection.";
pub const DEFAULT_USER_DELETE_MANY: &str =
    "You cannot delete collections with the type as DefaultUserCollection.";
pub const DEFAULT_USER_ACCESS: &str =
    "You cannot add access to collections with the type as DefaultUserCollection.";

/// The longest external id (a directory's own id for the collection).
pub const MAX_EXTERNAL_ID_LENGTH: usize = 300;

/// The messages for a collection's create (`name_required`) or update: the name an encrypted
/// string of at most 1000 characters (on an update a blank one keeps the name), the external id
/// at most 300 characters. Empty when it passes.
pub fn validate_collection(
    name: Option<&str>,
    name_required: bool,
    external_id: Option<&str>,
) -> ValidationErrors {
    let given = name.filter(|name| !name.trim().is_empty());
    let mut errors = if name_required || given.is_some() {
        crate::vault::folders::validate_folder(given)
    } else {
        ValidationErrors::new()
    };
    if external_id.is_some_and(|id| id.chars().count() > MAX_EXTERNAL_ID_LENGTH) {
        errors
            .entry("ExternalId".to_string())
            .or_default()
            .push(max_length_message("ExternalId", MAX_EXTERNAL_ID_LENGTH));
    }
    errors
}

/// The message when an organization already holds `max` collections.
pub fn max_collections_message(max: i32) -> String {
    format!("You have reached the maximum number of collections ({max}) for this organization.")
}

/// Whether one more collection fits under the plan's or license's limit (none: unlimited).
pub fn fits_another(existing: i64, max: Option<i32>) -> bool {
    max.is_none_or(|max| existing < i64::from(max))
}

/// A member's access to one collection: their own assignment replaces their groups' entirely;
/// several groups combine to the most permissive (reference vault §4.2). `None`: not reached.
pub fn effective(direct: Option<Access>, groups: &[Access]) -> Option<Access> {
    if direct.is_some() {
        return direct;
    }
    groups.iter().copied().reduce(|a, b| Access {
        read_only: a.read_only && b.read_only,
        hide_passwords: a.hide_passwords && b.hide_passwords,
        manage: a.manage || b.manage,
    })
}

/// What a member may do with an organization's item reached through the collections `paths`
/// (their effective access to each collection the item is in); the most privileged path wins
/// each right. `None`: the item is in none of their collections.
pub fn item_access(paths: &[Access], settings: Settings) -> Option<ItemAccess> {
    if paths.is_empty() {
        return None;
    }
    let edit = paths.iter().any(|path| !path.read_only);
    let view_password = paths.iter().any(|path| !path.hide_passwords);
    let manage = paths.iter().any(|path| path.manage);
    let delete = if settings.limit_item_deletion {
        manage
    } else {
        manage || edit
    };
    Some(ItemAccess {
        edit,
        view_password,
        manage,
        delete,
        restore: delete,
    })
}

/// Everything, for an admin working on an item through the admin routes.
pub const ADMIN_ITEM_ACCESS: ItemAccess = ItemAccess::OWNER;

fn owner_or_admin(actor: &Actor) -> bool {
    matches!(actor.role, MemberType::Owner | MemberType::Admin)
}

fn custom(actor: &Actor, flag: impl Fn(&crate::members::Permissions) -> bool) -> bool {
    actor.role == MemberType::Custom && flag(&actor.permissions)
}

/// Whether the member manages a collection: assigned with manage, or — for owners, admins and
/// `editAnyCollection` — a collection nobody manages ("orphaned").
pub fn manages(actor: &Actor, access: Option<Access>, unmanaged: bool) -> bool {
    access.is_some_and(|access| access.manage)
        || (unmanaged && (owner_or_admin(actor) || custom(actor, |p| p.edit_any_collection)))
}

/// May create collections.
pub fn may_create(actor: &Actor, settings: Settings) -> bool {
    !settings.limit_collection_creation
        || owner_or_admin(actor)
        || custom(actor, |p| p.create_new_collections)
}

/// May see every shared collection (and each one's access lists): `GET …/collections/{id}`.
pub fn may_view_all(actor: &Actor) -> bool {
    owner_or_admin(actor) || custom(actor, |p| p.edit_any_collection || p.delete_any_collection)
}

/// May list every shared collection of the organization (`GET /organizations/{id}/collections`).
pub fn may_read_all(actor: &Actor) -> bool {
    may_view_all(actor) || custom(actor, |p| p.access_import_export || p.manage_groups)
}

/// May list every shared collection with its access lists (`…/collections/details`).
pub fn may_read_all_with_access(actor: &Actor) -> bool {
    may_view_all(actor) || custom(actor, |p| p.manage_users || p.manage_groups)
}

/// May change a collection (name, access) of which the member `manages` (see [`manages`]).
pub fn may_update(actor: &Actor, settings: Settings, manages: bool) -> bool {
    custom(actor, |p| p.edit_any_collection)
        || (owner_or_admin(actor) && settings.allow_admin_access_to_all_collection_items)
        || manages
}

/// May delete a collection of which the member `manages`.
pub fn may_delete(actor: &Actor, settings: Settings, manages: bool) -> bool {
    custom(actor, |p| p.delete_any_collection)
        || (owner_or_admin(actor) && settings.allow_admin_access_to_all_collection_items)
        || (manages && (!settings.limit_collection_deletion || owner_or_admin(actor)))
}

/// May read every item of the organization (the admin views, export).
pub fn may_access_all_items(actor: &Actor) -> bool {
    owner_or_admin(actor)
        || custom(actor, |p| {
            p.access_import_export || p.edit_any_collection || p.access_reports
        })
}

/// May change every item of the organization, whatever its collections.
pub fn may_edit_all_items(actor: &Actor, settings: Settings) -> bool {
    custom(actor, |p| p.edit_any_collection)
        || (owner_or_admin(actor) && settings.allow_admin_access_to_all_collection_items)
}

/// May work on the organization's items that are in no collection.
pub fn may_access_unassigned(actor: &Actor) -> bool {
    owner_or_admin(actor) || custom(actor, |p| p.edit_any_collection)
}

/// May use the admin item routes at all (edit, delete, restore as admin).
pub fn may_act_as_admin(actor: &Actor) -> bool {
    may_access_unassigned(actor)
}

/// May import into and export the whole organization.
pub fn may_import_export(actor: &Actor) -> bool {
    owner_or_admin(actor) || custom(actor, |p| p.access_import_export)
}

/// May purge the organization's vault.
pub fn may_purge(actor: &Actor) -> bool {
    may_access_unassigned(actor)
}

/// Checks a group's assignment: manage excludes read-only and hidden passwords.
pub fn check_group_access(access: Access) -> Result<(), &'static str> {
    if access.manage && (access.read_only || access.hide_passwords) {
        Err(MANAGE_IS_EXCLUSIVE)
    } else {
        Ok(())
    }
}

/// Checks that someone will manage the collection, unless admins may manage every collection.
pub fn check_has_manager(
    settings: Settings,
    users: &[Access],
    groups: &[Access],
) -> Result<(), &'static str> {
    if settings.allow_admin_access_to_all_collection_items
        || users.iter().chain(groups).any(|access| access.manage)
    {
        Ok(())
    } else {
        Err(NEEDS_A_MANAGER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::members::Permissions;
    use proptest::prelude::*;

    const RO: Access = Access {
        read_only: true,
        hide_passwords: false,
        manage: false,
    };
    const HIDDEN: Access = Access {
        read_only: false,
        hide_passwords: true,
        manage: false,
    };
    const RO_HIDDEN: Access = Access {
        read_only: true,
        hide_passwords: true,
        manage: false,
    };

    fn actor(role: MemberType) -> Actor {
        Actor {
            role,
            permissions: Permissions::default(),
        }
    }

    fn custom_with(set: impl Fn(&mut Permissions)) -> Actor {
        let mut permissions = Permissions::default();
        set(&mut permissions);
        Actor {
            role: MemberType::Custom,
            permissions,
        }
    }

    #[test]
    fn own_assignment_replaces_the_groups_and_groups_combine_most_permissively() {
        let cases: &[(Option<Access>, &[Access], Option<Access>)] = &[
            (None, &[], None),
            (Some(RO), &[], Some(RO)),
            // A stricter own assignment still wins over a generous group.
            (Some(RO_HIDDEN), &[Access::MANAGE], Some(RO_HIDDEN)),
            (None, &[RO_HIDDEN], Some(RO_HIDDEN)),
            (
                None,
                &[RO, HIDDEN],
                Some(Access {
                    read_only: false,
                    hide_passwords: false,
                    manage: false,
                }),
            ),
            (None, &[RO_HIDDEN, Access::MANAGE], Some(Access::MANAGE)),
        ];
        for (direct, groups, expected) in cases {
            assert_eq!(
                effective(*direct, groups),
                *expected,
                "{direct:?} {groups:?}"
            );
        }
    }

    #[test]
    fn an_items_rights_come_from_its_most_privileged_collection() {
        let plain = Settings::default();
        let limited = Settings {
            limit_item_deletion: true,
            ..Settings::default()
        };
        assert_eq!(item_access(&[], plain), None);
        let read_only = item_access(&[RO], plain).unwrap();
        assert!(!read_only.edit && read_only.view_password && !read_only.delete);
        let hidden = item_access(&[HIDDEN], plain).unwrap();
        assert!(hidden.edit && !hidden.view_password && hidden.delete);
        let both = item_access(&[RO_HIDDEN, HIDDEN], plain).unwrap();
        assert!(both.edit && !both.view_password);
        // With the deletion limit, edit is not enough to delete; manage is.
        assert!(!item_access(&[Access::EDIT], limited).unwrap().delete);
        let managed = item_access(&[Access::MANAGE], limited).unwrap();
        assert!(managed.delete && managed.restore && managed.manage);
    }

    #[test]
    fn roles_and_settings_decide_who_manages_collections() {
        let owner = actor(MemberType::Owner);
        let admin = actor(MemberType::Admin);
        let user = actor(MemberType::User);
        let creator = custom_with(|p| p.create_new_collections = true);
        let editor = custom_with(|p| p.edit_any_collection = true);
        let deleter = custom_with(|p| p.delete_any_collection = true);
        let open = Settings::default();
        let limited = Settings {
            limit_collection_creation: true,
            limit_collection_deletion: true,
            ..Settings::default()
        };
        let admins_see_all = Settings {
            allow_admin_access_to_all_collection_items: true,
            ..Settings::default()
        };
        // Creation.
        assert!(may_create(&user, open));
        assert!(!may_create(&user, limited));
        assert!(may_create(&creator, limited) && may_create(&admin, limited));
        // Update: managing, or editAnyCollection, or admins when the setting says so.
        assert!(!may_update(&owner, open, false));
        assert!(may_update(&owner, admins_see_all, false));
        assert!(may_update(&user, open, true));
        assert!(may_update(&editor, open, false));
        // Deletion with the limit: a managing user may not, a managing admin may.
        assert!(may_delete(&user, open, true));
        assert!(!may_delete(&user, limited, true));
        assert!(may_delete(&admin, limited, true));
        assert!(!may_delete(&admin, limited, false));
        assert!(may_delete(&deleter, limited, false));
        // Orphaned collections are managed by owners, admins and editAnyCollection only.
        assert!(manages(&owner, None, true));
        assert!(manages(&editor, None, true));
        assert!(!manages(&user, None, true));
        assert!(!manages(&owner, None, false));
        assert!(manages(&user, Some(Access::MANAGE), false));
        // Reading everything.
        assert!(may_view_all(&admin) && may_view_all(&deleter) && !may_view_all(&user));
        assert!(may_read_all(&custom_with(|p| p.manage_groups = true)));
        assert!(may_read_all_with_access(&custom_with(
            |p| p.manage_users = true
        )));
        assert!(!may_read_all(&custom_with(|p| p.manage_users = true)));
    }

    #[test]
    fn roles_decide_who_works_on_every_item() {
        let owner = actor(MemberType::Owner);
        let user = actor(MemberType::User);
        let editor = custom_with(|p| p.edit_any_collection = true);
        let exporter = custom_with(|p| p.access_import_export = true);
        let admins_see_all = Settings {
            allow_admin_access_to_all_collection_items: true,
            ..Settings::default()
        };
        assert!(may_access_all_items(&owner) && may_access_all_items(&exporter));
        assert!(!may_access_all_items(&user));
        assert!(!may_edit_all_items(&owner, Settings::default()));
        assert!(may_edit_all_items(&owner, admins_see_all));
        assert!(may_edit_all_items(&editor, Settings::default()));
        assert!(may_import_export(&exporter) && !may_import_export(&editor));
        assert!(may_access_unassigned(&editor) && !may_access_unassigned(&exporter));
    }

    #[test]
    fn names_and_external_ids_are_checked() {
        assert!(validate_collection(Some("2.AAAA|BBBB|CCCC"), true, None).is_empty());
        assert!(validate_collection(None, true, None).contains_key("Name"));
        // An update without a name keeps the name.
        assert!(validate_collection(Some(" "), false, None).is_empty());
        assert!(validate_collection(Some("not encrypted"), false, None).contains_key("Name"));
        let long = "x".repeat(301);
        assert!(
            validate_collection(Some("2.AAAA|BBBB|CCCC"), true, Some(&long))
                .contains_key("ExternalId")
        );
    }

    #[test]
    fn assignments_are_checked() {
        assert_eq!(check_group_access(Access::MANAGE), Ok(()));
        assert_eq!(
            check_group_access(Access {
                manage: true,
                read_only: true,
                hide_passwords: false
            }),
            Err(MANAGE_IS_EXCLUSIVE)
        );
        let open = Settings::default();
        assert_eq!(check_has_manager(open, &[RO], &[]), Err(NEEDS_A_MANAGER));
        assert_eq!(check_has_manager(open, &[RO], &[Access::MANAGE]), Ok(()));
        let admins_see_all = Settings {
            allow_admin_access_to_all_collection_items: true,
            ..Settings::default()
        };
        assert_eq!(check_has_manager(admins_see_all, &[], &[]), Ok(()));
        assert!(fits_another(1, Some(2)) && !fits_another(2, Some(2)) && fits_another(9, None));
        assert_eq!(
            max_collections_message(2),
            "You have reached the maximum number of collections (2) for this organization."
        );
    }

    fn any_access() -> impl Strategy<Value = Access> {
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(r, h, m)| Access {
            read_only: r,
            hide_passwords: h,
            manage: m,
        })
    }

    proptest! {
        /// Adding a collection to an item never takes a right away.
        #[test]
        fn more_paths_never_lower_an_items_rights(
            paths in proptest::collection::vec(any_access(), 1..6),
            extra in any_access(),
            limit in any::<bool>(),
        ) {
            let settings = Settings { limit_item_deletion: limit, ..Settings::default() };
            let before = item_access(&paths, settings).unwrap();
            let mut more = paths.clone();
            more.push(extra);
            let after = item_access(&more, settings).unwrap();
            prop_assert!(after.edit >= before.edit);
            prop_assert!(after.view_password >= before.view_password);
            prop_assert!(after.delete >= before.delete);
        }

        /// Groups combined are at least as permissive as each group alone.
        #[test]
        fn combined_groups_are_at_least_each_group(groups in proptest::collection::vec(any_access(), 1..6)) {
            let combined = effective(None, &groups).unwrap();
            for group in &groups {
                prop_assert!(!combined.read_only || group.read_only);
                prop_assert!(!combined.hide_passwords || group.hide_passwords);
                prop_assert!(combined.manage || !group.manage);
            }
        }
    }
}
