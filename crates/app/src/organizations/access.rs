//! Who may act in an organization: the caller's confirmed membership, the same check whoever
//! asks (an API route's role extractor, a page, the Portal).

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::members::{self, MemberStatus, MemberType, Permissions};

use crate::records::{MemberRecord, OrganizationRecord, UserRecord};
use crate::{App, AppError};

/// A confirmed member of an organization, with the organization.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub org: OrganizationRecord,
    pub membership: MemberRecord,
}

impl OrgAccess {
    pub fn role(&self) -> MemberType {
        self.membership.member_type
    }

    pub fn permissions(&self) -> Permissions {
        members::parse_permissions(self.membership.permissions.as_deref())
    }

    /// The caller as the role rules see them.
    pub fn actor(&self) -> members::Actor {
        members::Actor {
            role: self.role(),
            permissions: self.permissions(),
        }
    }

    /// Owners, admins, and custom members allowed to manage users.
    pub fn may_manage_users(&self) -> bool {
        members::can_manage_users(self.role(), &self.permissions())
    }
}

/// The user's confirmed membership of the organization; [`AppError::NotFound`] for anyone who is
/// not (yet) a confirmed member, who learns nothing about the organization.
pub async fn access_of(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
) -> Result<OrgAccess, AppError> {
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let membership = app
        .store
        .membership(org_id, user.id)
        .await?
        .filter(|m| m.status == MemberStatus::Confirmed)
        .ok_or(AppError::NotFound)?;
    Ok(OrgAccess { org, membership })
}
