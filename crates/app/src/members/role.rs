//! A member's role (and a custom member's permissions) changed by someone who may manage users,
//! with their collections and groups where the request has them (`PUT …/users/{id}`).

use kinwarden_core::ids::OrganizationUserId;
use kinwarden_core::members::{self, MemberType};
use kinwarden_proto::members::UpdateMemberRequest;

use super::access::{self, AccessChange};
use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

pub async fn update(
    app: &App,
    access: &OrgAccess,
    member_id: OrganizationUserId,
    request: UpdateMemberRequest,
) -> Result<(), AppError> {
    let new_role = MemberType::from_code(request.member_type)
        .ok_or_else(|| AppError::field("Type", "Invalid member type."))?;
    let row = super::member_of(app, access.org.id, member_id).await?;
    let old_role = row.member.member_type;
    let granted = request.permissions.clone().unwrap_or_default();
    members::check_role_change(&access.actor(), Some(old_role), new_role, &granted)
        .map_err(|refusal| AppError::BadRequest(refusal.message().into()))?;
    if old_role == MemberType::Owner && new_role != MemberType::Owner {
        super::ensure_another_owner(app, access.org.id, &row).await?;
    }
    // Checked before anything is written, so a bad collection or group changes nothing.
    let change = AccessChange {
        collections: request.collections.as_deref(),
        groups: request.groups.as_deref(),
    };
    let checked = access::check(app, access, Some(&row.member), change).await?;
    let permissions = match new_role {
        MemberType::Custom => Some(serde_json::to_string(&granted).map_err(AppError::internal)?),
        _ => None,
    };
    app.store
        .update_member_role(
            access.org.id,
            member_id,
            new_role,
            permissions.as_deref(),
            &checked,
            app.clock.now_millis(),
        )
        .await?;
    Ok(())
}
