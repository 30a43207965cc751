//! An organization's members (SPEC §9 "members"): the list, invitations and their acceptance,
//! confirmation with the organization key, role changes, removal and leaving; a member's
//! collections and groups (`access`), and the organization's collections seen as who reaches
//! each (`collection_access`, the Collections page). Who may act is decided before these are
//! called (`organizations::access`); the rules of who may assign which role are
//! `kinwarden_core::members`.

use kinwarden_core::ids::{OrganizationId, OrganizationUserId};
pub mod accept;
pub mod access;
pub mod collection_access;
pub mod confirm;
pub mod invite;
pub mod list;
pub mod remove;
pub mod role;

use kinwarden_core::members::MemberStatus;

use crate::records::MemberDetails;
use crate::{App, AppError};

pub use list::response;

const LAST_OWNER: &str = "Organization must have at least one confirmed owner.";

/// The member row `member_id` of the organization; [`AppError::NotFound`] when it has none.
async fn member_of(
    app: &App,
    org_id: OrganizationId,
    member_id: OrganizationUserId,
) -> Result<MemberDetails, AppError> {
    app.store
        .member(org_id, member_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses to take away the organization's last confirmed owner.
async fn ensure_another_owner(
    app: &App,
    org_id: OrganizationId,
    row: &MemberDetails,
) -> Result<(), AppError> {
    let confirmed_owner = row.member.status == MemberStatus::Confirmed;
    if confirmed_owner && app.store.confirmed_owner_count(org_id).await? <= 1 {
        return Err(AppError::BadRequest(LAST_OWNER.into()));
    }
    Ok(())
}
