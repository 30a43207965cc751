//! A new organization on a cloud plan (SPEC §9 "organizations"): the caller becomes its confirmed
//! owner and the ledger's first period is written in the same transaction. A self-hosted server
//! gets its organizations from license files instead (`licenses`).

use kinwarden_config::Mode;
use kinwarden_core::ids::{OrganizationId, OrganizationUserId, SubscriptionPeriodId, UserId};
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::plans::{self, seats_for};
use kinwarden_core::subscription::{EntryKind, period_end};
use kinwarden_core::{email, license};
use kinwarden_proto::organizations::{CreateOrganizationRequest, OrganizationResponse};

use crate::records::{MemberRecord, OrganizationRecord, SubscriptionPeriodRecord, UserRecord};
use crate::{App, AppError};

pub const SELF_HOSTED_ORGANIZATIONS: &str =
    "On a self-hosted server an organization is created from its license file.";

/// Creates the organization with `user` as its owner; the answer is the organization as
/// `POST /api/organizations` returns it.
pub async fn create(
    app: &App,
    user: &UserRecord,
    request: CreateOrganizationRequest,
) -> Result<OrganizationResponse, AppError> {
    if app.config.mode == Mode::SelfHosted {
        return Err(AppError::BadRequest(SELF_HOSTED_ORGANIZATIONS.into()));
    }
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::field(
            "Name",
            "The Name field is required and may be at most 50 characters.",
        ));
    }
    let billing_email = email::normalize(&request.billing_email).ok_or_else(|| {
        AppError::field(
            "BillingEmail",
            "The BillingEmail field is not a valid e-mail address.",
        )
    })?;
    let seats = seats_for(request.plan_type, request.additional_seats)
        .map_err(|message| AppError::field("PlanType", message))?;
    let plan = plans::plan(request.plan_type)
        .ok_or_else(|| AppError::field("PlanType", "Invalid plan type."))?;
    if !request.key.starts_with("4.") {
        return Err(AppError::field(
            "Key",
            "The organization key must be wrapped for you (EncString type 4).",
        ));
    }
    let now = app.clock.now_millis();
    // The first period starts now; a cloud organization expires when its paid period ends.
    let first_period_end = period_end(plan, now);
    let license_key = license::new_license_key().map_err(AppError::internal)?;
    let org = OrganizationRecord {
        id: OrganizationId::new(),
        name: name.to_string(),
        billing_email,
        plan_type: request.plan_type,
        seats: Some(seats),
        max_collections: None,
        enabled: true,
        expiration_date: first_period_end,
        public_key: request.keys.as_ref().map(|keys| keys.public_key.clone()),
        private_key: request
            .keys
            .as_ref()
            .map(|keys| keys.encrypted_private_key.clone()),
        license_key: Some(license_key),
        // A cloud organization's terms are its plan's.
        license_terms: None,
        revision_date: now,
        created_at: now,
        updated_at: now,
    };
    let owner = founding_owner(org.id, user.id, request.key, now);
    let founding = crate::vault::collections::founding_collection(
        org.id,
        request.collection_name.as_deref(),
        now,
    );
    let first_period = SubscriptionPeriodRecord {
        id: SubscriptionPeriodId::new(),
        organization_id: org.id,
        kind: EntryKind::Initial.name().to_string(),
        start_date: now,
        end_date: first_period_end,
        plan_type: org.plan_type,
        seats: org.seats,
        recorded_by: Some(user.id.to_string()),
        created_at: now,
    };
    // Organization, owner, first period and first collection in one transaction.
    app.store
        .create_organization(&org, &owner, Some(&first_period), founding.as_ref())
        .await?;
    tracing::info!(organization = %org.id, plan = org.plan_type, "organization created");
    Ok(super::response::response(app, &org))
}

/// The member who creates an organization: its confirmed owner, holding the organization key
/// wrapped for them.
pub fn founding_owner(
    org_id: OrganizationId,
    user_id: UserId,
    key: String,
    now: i64,
) -> MemberRecord {
    MemberRecord {
        id: OrganizationUserId::new(),
        organization_id: org_id,
        user_id: Some(user_id),
        email: None,
        key: Some(key),
        status: MemberStatus::Confirmed,
        member_type: MemberType::Owner,
        permissions: None,
        access_secrets_manager: false,
        created_at: now,
        updated_at: now,
    }
}
