//! `/api/organizations` (SPEC §9 "organizations"): a cloud creates organizations on a plan, with
//! the caller as confirmed owner; a self-hosted server gets its organization from a license.

use axum::Json;
use axum::extract::State;
use kinwarden_config::Mode;
use kinwarden_core::ids::{OrganizationId, OrganizationUserId};
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::plans::{self, ProductTier, seats_for, tier_of};
use kinwarden_core::subscription::{EntryKind, period_end};
use kinwarden_core::{email, license};
use kinwarden_proto::organizations::{CreateOrganizationRequest, OrganizationResponse};
use kinwarden_store::{MemberRecord, OrganizationRecord, SubscriptionPeriodRecord};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::org_access::OrgMember;
use crate::state::AppState;
use kinwarden_app::wire_time;

const SELF_HOSTED_ORGANIZATIONS: &str =
    "On a self-hosted server an organization is created from its license file.";

#[utoipa::path(
    post,
    path = "/organizations",
    tag = "organizations",
    request_body = CreateOrganizationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationResponse), crate::openapi::UserErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CreateOrganizationRequest>,
) -> Result<Json<OrganizationResponse>, ApiError> {
    if state.config.mode == Mode::SelfHosted {
        return Err(ApiError::BadRequest(SELF_HOSTED_ORGANIZATIONS.into()));
    }
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(ApiError::field(
            "Name",
            "The Name field is required and may be at most 50 characters.",
        ));
    }
    let billing_email = email::normalize(&request.billing_email).ok_or_else(|| {
        ApiError::field(
            "BillingEmail",
            "The BillingEmail field is not a valid e-mail address.",
        )
    })?;
    let seats = seats_for(request.plan_type, request.additional_seats)
        .map_err(|message| ApiError::field("PlanType", message))?;
    let plan = plans::plan(request.plan_type)
        .ok_or_else(|| ApiError::field("PlanType", "Invalid plan type."))?;
    if !request.key.starts_with("4.") {
        return Err(ApiError::field(
            "Key",
            "The organization key must be wrapped for you (EncString type 4).",
        ));
    }
    let now = state.clock.now_millis();
    // The first period starts now; a cloud organization expires when its paid period ends.
    let first_period_end = period_end(plan, now);
    let license_key = license::new_license_key().map_err(ApiError::internal)?;
    let org = OrganizationRecord {
        id: OrganizationId::new().to_string(),
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
        revision_date: now,
        created_at: now,
        updated_at: now,
    };
    let owner = founding_owner(&org.id, &user.id, request.key, now);
    let first_period = SubscriptionPeriodRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org.id.clone(),
        kind: EntryKind::Initial.name().to_string(),
        start_date: now,
        end_date: first_period_end,
        plan_type: org.plan_type,
        seats: org.seats,
        recorded_by: Some(user.id.clone()),
        created_at: now,
    };
    state
        .store
        .create_organization(&org, &owner, Some(&first_period))
        .await?;
    tracing::info!(organization = %org.id, plan = org.plan_type, "organization created");
    Ok(Json(response(&state, &org)))
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
) -> Json<OrganizationResponse> {
    Json(response(&state, &access.org))
}

/// The member who creates an organization: its confirmed owner, holding the organization key
/// wrapped for them.
pub fn founding_owner(org_id: &str, user_id: &str, key: String, now: i64) -> MemberRecord {
    MemberRecord {
        id: OrganizationUserId::new().to_string(),
        organization_id: org_id.to_string(),
        user_id: Some(user_id.to_string()),
        email: None,
        key: Some(key),
        status: MemberStatus::Confirmed.code(),
        member_type: MemberType::Owner.code(),
        permissions: None,
        access_secrets_manager: false,
        created_at: now,
        updated_at: now,
    }
}

pub fn response(state: &AppState, org: &OrganizationRecord) -> OrganizationResponse {
    let tier = tier_of(org.plan_type).unwrap_or(ProductTier::Free);
    OrganizationResponse {
        id: org.id.clone(),
        name: org.name.clone(),
        billing_email: org.billing_email.clone(),
        plan_type: org.plan_type,
        product_tier_type: tier.code(),
        seats: org.seats,
        max_collections: org.max_collections,
        enabled: org.enabled,
        expiration_date: org.expiration_date.map(wire_time::from_millis),
        self_host: state.config.mode == Mode::SelfHosted || tier == ProductTier::Enterprise,
        use_sponsorships: tier == ProductTier::Enterprise,
        has_public_and_private_keys: org.public_key.is_some() && org.private_key.is_some(),
        object: "organization".to_string(),
    }
}
