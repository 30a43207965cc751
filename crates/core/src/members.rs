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

/// Only an owner may create, change or remove an owner (and an admin may not make itself one).
pub fn may_assign(actor: MemberType, target_role: MemberType) -> bool {
    match target_role {
        MemberType::Owner => actor == MemberType::Owner,
        _ => true,
    }
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
    fn only_owners_make_owners() {
        assert!(may_assign(MemberType::Owner, MemberType::Owner));
        assert!(!may_assign(MemberType::Admin, MemberType::Owner));
        assert!(!may_assign(MemberType::Custom, MemberType::Owner));
        assert!(may_assign(MemberType::Admin, MemberType::User));
    }
}
