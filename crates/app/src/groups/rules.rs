//! The rules of groups, pure: who may read and change them, and what a group's name may be.
//! Plans: `kinwarden_core::plans::uses_groups`; access levels:
//! `kinwarden_core::vault::collections::check_group_access`.

use kinwarden_core::members::{Actor, MemberType};
use kinwarden_core::vault::validate::{ValidationErrors, max_length_message, required_message};

/// The reference's refusal of a group change on a plan without groups.
pub const CANNOT_USE_GROUPS: &str = "This organization cannot use groups.";
/// A collection of the request is not the organization's (or not a collection id at all).
pub const FOREIGN_COLLECTIONS: &str = "One or more collections do not belong to this organization.";
/// A member of the request is not the organization's (or not an id at all).
pub const FOREIGN_USERS: &str = "One or more users do not belong to this organization.";

/// The longest name (`GroupRequestModel.Name`, `[StringLength(100)]`).
pub const MAX_NAME_LENGTH: usize = 100;
/// The longest external id (`[StringLength(300)]`).
pub const MAX_EXTERNAL_ID_LENGTH: usize = 300;

fn owner_or_admin(actor: &Actor) -> bool {
    matches!(actor.role, MemberType::Owner | MemberType::Admin)
}

/// Owners, admins, and custom members who manage groups or users.
pub fn may_read(actor: &Actor) -> bool {
    owner_or_admin(actor)
        || (actor.role == MemberType::Custom
            && (actor.permissions.manage_groups || actor.permissions.manage_users))
}

/// Owners, admins, and custom members who manage groups.
pub fn may_manage(actor: &Actor) -> bool {
    owner_or_admin(actor) || (actor.role == MemberType::Custom && actor.permissions.manage_groups)
}

/// Whoever manages groups, and custom members who manage users: the reference lets those set a
/// member's groups (`PUT …/users/{id}/groups`), which gives them nothing a group manager could
/// not do through the group.
pub fn may_set_member_groups(actor: &Actor) -> bool {
    may_manage(actor) || (actor.role == MemberType::Custom && actor.permissions.manage_users)
}

/// Length as .NET's `StringLength` counts it: UTF-16 code units.
fn dotnet_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The messages for a group's name and external id, by property; empty when both pass. A blank
/// name counts as missing, as the reference's `[Required]` has it.
pub fn validate(name: Option<&str>, external_id: Option<&str>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    match name {
        Some(name) if !name.trim().is_empty() => {
            if dotnet_length(name) > MAX_NAME_LENGTH {
                errors.insert(
                    "Name".into(),
                    vec![max_length_message("Name", MAX_NAME_LENGTH)],
                );
            }
        }
        _ => {
            errors.insert("Name".into(), vec![required_message("Name")]);
        }
    }
    if external_id.is_some_and(|id| dotnet_length(id) > MAX_EXTERNAL_ID_LENGTH) {
        errors.insert(
            "ExternalId".into(),
            vec![max_length_message("ExternalId", MAX_EXTERNAL_ID_LENGTH)],
        );
    }
    errors
}

#[cfg(test)]
mod tests {
    use kinwarden_core::members::Permissions;

    use super::*;

    fn actor(role: MemberType, set: impl Fn(&mut Permissions)) -> Actor {
        let mut permissions = Permissions::default();
        set(&mut permissions);
        Actor { role, permissions }
    }

    #[test]
    fn roles_decide_who_reads_and_who_changes_groups() {
        let none = |_: &mut Permissions| {};
        let cases = [
            // (actor, reads, manages, sets a member's groups)
            (actor(MemberType::Owner, none), true, true, true),
            (actor(MemberType::Admin, none), true, true, true),
            (actor(MemberType::User, none), false, false, false),
            (actor(MemberType::Custom, none), false, false, false),
            (
                actor(MemberType::Custom, |p| p.manage_groups = true),
                true,
                true,
                true,
            ),
            (
                actor(MemberType::Custom, |p| p.manage_users = true),
                true,
                false,
                true,
            ),
            (
                actor(MemberType::Custom, |p| p.edit_any_collection = true),
                false,
                false,
                false,
            ),
            // A user's stored permissions mean nothing outside the Custom role.
            (
                actor(MemberType::User, |p| p.manage_groups = true),
                false,
                false,
                false,
            ),
        ];
        for (actor, reads, manages, sets) in cases {
            assert_eq!(may_read(&actor), reads, "{actor:?}");
            assert_eq!(may_manage(&actor), manages, "{actor:?}");
            assert_eq!(may_set_member_groups(&actor), sets, "{actor:?}");
        }
    }

    #[test]
    fn a_name_is_required_plain_text_of_at_most_100_units() {
        let required = || vec![required_message("Name")];
        assert_eq!(validate(None, None).get("Name"), Some(&required()));
        assert_eq!(validate(Some(""), None).get("Name"), Some(&required()));
        assert_eq!(validate(Some("  \t"), None).get("Name"), Some(&required()));
        assert!(validate(Some("Team"), None).is_empty());
        assert!(validate(Some(&"x".repeat(100)), None).is_empty());
        assert_eq!(
            validate(Some(&"x".repeat(101)), None).get("Name"),
            Some(&vec![
                "The field Name must be a string with a maximum length of 100.".to_string()
            ])
        );
        // 50 characters outside the Basic Multilingual Plane are 100 UTF-16 units; 51 are not.
        assert!(validate(Some(&"😀".repeat(50)), None).is_empty());
        assert!(!validate(Some(&"😀".repeat(51)), None).is_empty());
        assert!(validate(Some("Team"), Some(&"e".repeat(300))).is_empty());
        assert_eq!(
            validate(Some("Team"), Some(&"e".repeat(301)))
                .keys()
                .collect::<Vec<_>>(),
            vec!["ExternalId"]
        );
    }
}
