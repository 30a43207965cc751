//! Organization membership: roles and statuses with their wire numbers (reference §1.7), and
//! the rules of who may do what to whom.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemberType {
    Owner,
    Admin,
    User,
    Custom,
}

impl MemberType {
    pub fn code(self) -> i32 {
        match self {
            Self::Owner => 0,
            Self::Admin => 1,
            Self::User => 2,
            Self::Custom => 4,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Owner),
            1 => Some(Self::Admin),
            2 => Some(Self::User),
            4 => Some(Self::Custom),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    Revoked,
    Invited,
    Accepted,
    Confirmed,
}

impl MemberStatus {
    pub fn code(self) -> i32 {
        match self {
            Self::Revoked => -1,
            Self::Invited => 0,
            Self::Accepted => 1,
            Self::Confirmed => 2,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            -1 => Some(Self::Revoked),
            0 => Some(Self::Invited),
            1 => Some(Self::Accepted),
            2 => Some(Self::Confirmed),
            _ => None,
        }
    }
}

/// The permissions of a Custom member, as the wire carries them.
pub type Permissions = kinwarden_proto::members::PermissionsModel;

/// The permissions stored with a member (JSON), or none when absent or unreadable.
pub fn parse_permissions(stored: Option<&str>) -> Permissions {
    stored
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

/// What a member may do with the organization's members.
pub fn can_manage_users(role: MemberType, permissions: &Permissions) -> bool {
    match role {
        MemberType::Owner | MemberType::Admin => true,
        MemberType::Custom => permissions.manage_users,
        MemberType::User => false,
    }
}

/// Only an owner confirms an owner (a confirmation hands over the organization key).
pub fn may_confirm(actor: MemberType, target_role: MemberType) -> bool {
    target_role != MemberType::Owner || actor == MemberType::Owner
}

/// Why a role change, an invitation or a removal is refused (reference
/// `ValidateOrganizationUserUpdatePermissions` and the removal rules), with the reference's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleRefusal {
    /// Only an owner makes, changes or removes an owner.
    OwnersOnly,
    /// A custom member who manages users touches no admin or owner.
    CustomManagesNoAdmins,
    /// A custom member grants no permission it does not hold itself.
    CustomGrantsOnlyItsOwn,
    OwnersRemoveOwners,
    CustomRemovesNoAdmins,
}

impl RoleRefusal {
    pub fn message(self) -> &'static str {
        match self {
            Self::OwnersOnly => "Only an Owner can configure another Owner's account.",
            Self::CustomManagesNoAdmins => "Custom users can not manage Admins or Owners.",
            Self::CustomGrantsOnlyItsOwn => {
                "Custom users can only grant the same custom permissions that they have."
            }
            Self::OwnersRemoveOwners => "Only owners can delete other owners.",
            Self::CustomRemovesNoAdmins => "Custom users can not remove admins.",
        }
    }
}

/// Someone who may manage users acting on a member: their role and permissions.
#[derive(Debug, Clone)]
pub struct Actor {
    pub role: MemberType,
    pub permissions: Permissions,
}

/// May `actor` make a member who is `old` (none for an invitation) into `new`, with `granted`
/// permissions when `new` is Custom? Owners may do anything; admins anything but owners; a
/// custom member neither owners nor admins, and only permissions it holds itself.
pub fn check_role_change(
    actor: &Actor,
    old: Option<MemberType>,
    new: MemberType,
    granted: &Permissions,
) -> Result<(), RoleRefusal> {
    let touches = |role: MemberType| old == Some(role) || new == role;
    match actor.role {
        MemberType::Owner => Ok(()),
        _ if touches(MemberType::Owner) => Err(RoleRefusal::OwnersOnly),
        MemberType::Admin => Ok(()),
        _ if touches(MemberType::Admin) => Err(RoleRefusal::CustomManagesNoAdmins),
        _ if new == MemberType::Custom && !holds_all(&actor.permissions, granted) => {
            Err(RoleRefusal::CustomGrantsOnlyItsOwn)
        }
        _ => Ok(()),
    }
}

/// May `actor` remove a member who is `target`?
pub fn check_removal(actor: MemberType, target: MemberType) -> Result<(), RoleRefusal> {
    match (actor, target) {
        (MemberType::Owner, _) => Ok(()),
        (_, MemberType::Owner) => Err(RoleRefusal::OwnersRemoveOwners),
        (MemberType::Custom | MemberType::User, MemberType::Admin) => {
            Err(RoleRefusal::CustomRemovesNoAdmins)
        }
        _ => Ok(()),
    }
}

/// Whether `held` includes every permission of `granted`.
fn holds_all(held: &Permissions, granted: &Permissions) -> bool {
    let flags = |p: &Permissions| {
        [
            p.access_event_logs,
            p.access_import_export,
            p.access_reports,
            p.create_new_collections,
            p.edit_any_collection,
            p.delete_any_collection,
            p.manage_groups,
            p.manage_policies,
            p.manage_sso,
            p.manage_users,
            p.manage_reset_password,
            p.manage_scim,
        ]
    };
    flags(granted)
        .iter()
        .zip(flags(held))
        .all(|(wanted, has)| !wanted || has)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_numbers_round_trip() {
        for role in [
            MemberType::Owner,
            MemberType::Admin,
            MemberType::User,
            MemberType::Custom,
        ] {
            assert_eq!(MemberType::from_code(role.code()), Some(role));
        }
        assert_eq!(MemberType::from_code(3), None);
        for status in [
            MemberStatus::Revoked,
            MemberStatus::Invited,
            MemberStatus::Accepted,
            MemberStatus::Confirmed,
        ] {
            assert_eq!(MemberStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(MemberStatus::from_code(3), None);
    }

    #[test]
    fn who_manages_users() {
        let none = Permissions::default();
        let manage = Permissions {
            manage_users: true,
            ..Permissions::default()
        };
        assert!(can_manage_users(MemberType::Owner, &none));
        assert!(can_manage_users(MemberType::Admin, &none));
        assert!(!can_manage_users(MemberType::User, &manage));
        assert!(!can_manage_users(MemberType::Custom, &none));
        assert!(can_manage_users(MemberType::Custom, &manage));
    }

    #[test]
    fn only_owners_confirm_owners() {
        assert!(may_confirm(MemberType::Owner, MemberType::Owner));
        assert!(!may_confirm(MemberType::Admin, MemberType::Owner));
        assert!(!may_confirm(MemberType::Custom, MemberType::Owner));
        assert!(may_confirm(MemberType::Custom, MemberType::Admin));
    }

    const ROLES: [MemberType; 4] = [
        MemberType::Owner,
        MemberType::Admin,
        MemberType::User,
        MemberType::Custom,
    ];

    /// Every actor who may manage users × every old role (or an invitation) × every new role.
    #[test]
    fn role_changes_for_every_pair() {
        use MemberType::{Admin, Custom, Owner};
        let manage = Permissions {
            manage_users: true,
            ..Permissions::default()
        };
        let none = Permissions::default();
        for actor in [Owner, Admin, Custom] {
            let who = Actor {
                role: actor,
                permissions: if actor == Custom {
                    manage.clone()
                } else {
                    none.clone()
                },
            };
            for old in ROLES.map(Some).into_iter().chain([None]) {
                for new in ROLES {
                    let touches = |role| old == Some(role) || new == role;
                    let expected = match actor {
                        Owner => Ok(()),
                        _ if touches(Owner) => Err(RoleRefusal::OwnersOnly),
                        Admin => Ok(()),
                        _ if touches(Admin) => Err(RoleRefusal::CustomManagesNoAdmins),
                        _ => Ok(()),
                    };
                    assert_eq!(
                        check_role_change(&who, old, new, &none),
                        expected,
                        "{actor:?} {old:?} -> {new:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_custom_member_grants_only_what_it_holds() {
        let holds = Permissions {
            manage_users: true,
            access_reports: true,
            ..Permissions::default()
        };
        let custom = Actor {
            role: MemberType::Custom,
            permissions: holds.clone(),
        };
        let more = Permissions {
            manage_policies: true,
            ..Permissions::default()
        };
        let some = Permissions {
            access_reports: true,
            ..Permissions::default()
        };
        let user = Some(MemberType::User);
        assert_eq!(
            check_role_change(&custom, user, MemberType::Custom, &more),
            Err(RoleRefusal::CustomGrantsOnlyItsOwn)
        );
        assert_eq!(
            check_role_change(&custom, user, MemberType::Custom, &some),
            Ok(())
        );
        assert_eq!(
            check_role_change(&custom, user, MemberType::Custom, &holds),
            Ok(())
        );
        // An admin grants anything.
        let admin = Actor {
            role: MemberType::Admin,
            permissions: Permissions::default(),
        };
        assert_eq!(
            check_role_change(&admin, user, MemberType::Custom, &more),
            Ok(())
        );
    }

    #[test]
    fn removals_for_every_pair() {
        use MemberType::{Admin, Custom, Owner};
        for actor in [Owner, Admin, Custom] {
            for target in ROLES {
                let expected = match (actor, target) {
                    (Owner, _) => Ok(()),
                    (_, Owner) => Err(RoleRefusal::OwnersRemoveOwners),
                    (Custom, Admin) => Err(RoleRefusal::CustomRemovesNoAdmins),
                    _ => Ok(()),
                };
                assert_eq!(
                    check_removal(actor, target),
                    expected,
                    "{actor:?} {target:?}"
                );
            }
        }
    }
}
