//! The organization's offers made on its behalf (admin-initiated), listed for someone who
//! manages its users: S5 on a self-hosted server, C12 on a cloud (reference §4.1), the same rule
//! on both. The reference answers 401 to a member who may not manage users and, on a cloud, a
//! 500 to someone who is no member; here that is a 401 too. A missing organization is a 404.

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::members::{self, MemberStatus};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_proto::sponsorships::SponsorshipResponse;

use crate::records::{SponsorshipRecord, UserRecord};
use crate::{App, AppError, wire_time};

pub async fn list(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
) -> Result<Vec<SponsorshipResponse>, AppError> {
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let membership = app
        .store
        .membership(org.id, user.id)
        .await?
        .filter(|m| m.status == MemberStatus::Confirmed)
        .ok_or(AppError::Unauthorized)?;
    let role = membership.member_type;
    let permissions = members::parse_permissions(membership.permissions.as_deref());
    if !members::can_manage_users(role, &permissions) {
        return Err(AppError::Unauthorized);
    }
    let rows = app.store.sponsorships_of_organization(org.id).await?;
    Ok(rows
        .iter()
        .filter(|row| row.is_admin_initiated)
        .map(response)
        .collect())
}

fn response(row: &SponsorshipRecord) -> SponsorshipResponse {
    SponsorshipResponse {
        sponsoring_organization_user_id: row.sponsoring_organization_user_id.to_string(),
        friendly_name: row.friendly_name.clone(),
        offered_to_email: row.offered_to_email.clone(),
        plan_sponsorship_type: row.plan_sponsorship_type.map(PlanSponsorshipType::code),
        last_sync_date: row.last_sync_date.map(wire_time::from_millis),
        valid_until: row.valid_until.map(wire_time::from_millis),
        to_delete: row.to_delete,
        is_admin_initiated: row.is_admin_initiated,
        notes: row.notes.clone(),
        cloud_sponsorship_removed: false,
        object: "organizationSponsorship".to_string(),
    }
}
