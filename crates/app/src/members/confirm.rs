//! An admin hands an accepted member the organization key, wrapped for that member.

use kinwarden_core::ids::OrganizationUserId;
use kinwarden_core::members::{self, MemberStatus};
use kinwarden_proto::members::ConfirmRequest;

use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

const NOT_VALID: &str = "User not valid.";

pub async fn confirm(
    app: &App,
    access: &OrgAccess,
    member_id: OrganizationUserId,
    request: &ConfirmRequest,
) -> Result<(), AppError> {
    let row = super::member_of(app, access.org.id, member_id).await?;
    if row.member.status != MemberStatus::Accepted {
        return Err(AppError::BadRequest(NOT_VALID.into()));
    }
    if !request.key.starts_with("4.") {
        return Err(AppError::field(
            "Key",
            "The key must be the organization key wrapped for the member (EncString type 4).",
        ));
    }
    let target_role = row.member.member_type;
    if !members::may_confirm(access.role(), target_role) {
        return Err(AppError::BadRequest(
            "Only an Owner can confirm another Owner.".into(),
        ));
    }
    // Confirms only a member still accepted: a concurrent confirm or removal wins.
    if !app
        .store
        .confirm_member(member_id, &request.key, app.clock.now_millis())
        .await?
    {
        return Err(AppError::BadRequest(NOT_VALID.into()));
    }
    Ok(())
}
