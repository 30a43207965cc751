//! `/api/organization/sponsorship/self-hosted/…` (reference §2.1, self-hosted only) and the
//! sync status (§2.8): a member offers, revokes and sees their Families for Enterprise offer
//! (SPEC §5 step 6). Nothing here mails or calls the cloud: billing sync carries the rows.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_core::members::{self, MemberStatus, MemberType};
use kinwarden_core::sponsorships::{
    self, CANNOT_AUTOSCALE_SELF_HOSTED, CreateError, Offer, OfferRequest, Revoke, Sponsor,
    SponsoringOrg,
};
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::sponsorships::{
    SponsorshipCreateRequest, SponsorshipResponse, SyncStatusResponse,
};
use kinwarden_store::{SponsorshipRecord, StoreError};

use crate::auth::CurrentUser;
use crate::deployment::self_hosted_only;
use crate::error::ApiError;
use crate::org_access::{OrgManageUsers, OrgOwner};
use crate::state::AppState;
use kinwarden_app::sponsorships::rows::{to_domain, to_record};
use kinwarden_app::wire_time;

const NOT_FOUND_BY_NAME: &str = "The specified sponsored organization could not be found under the given sponsoring organization.";

/// S1 `POST …/self-hosted/{org_id}/families-for-enterprise`: the caller offers a sponsorship.
/// The body is read after the mode check, as the class-level filter runs before binding.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = SponsorshipCreateRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Offered"), crate::openapi::OrganizationErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    self_hosted_only(&state)?;
    let body: SponsorshipCreateRequest = crate::json::decode(&body)?;
    let request = validate(body)?;
    let org_id = org_id.to_ascii_lowercase();
    let (_, offer) = decide_offer(&state, &user, &org_id, &request).await?;
    if let Offer::Save { sponsorship, .. } = offer {
        match state.store.save_sponsorship(&to_record(&sponsorship)).await {
            Ok(()) => {}
            // Another offer of the same member was saved between our read and this write.
            Err(StoreError::Conflict) => return Err(create_error(CreateError::OnePerMember)),
            Err(err) => return Err(err.into()),
        }
        sync_soon(&state, &org_id);
    }
    Ok(StatusCode::OK)
}

/// CreateSponsorship (reference §2.2) for `user` in `org_id`: loads what the rules need and
/// decides. Shared by the self-hosted offer (S1) and the cloud's (C2).
pub(crate) async fn decide_offer(
    state: &AppState,
    user: &kinwarden_store::UserRecord,
    org_id: &str,
    request: &OfferRequest,
) -> Result<(kinwarden_store::OrganizationRecord, Offer), ApiError> {
    let org = state
        .store
        .organization(org_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Any status: the rules say why an unconfirmed member may not offer.
    let membership = state
        .store
        .membership(&org.id, &user.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let org_rows = state.store.sponsorships_of_organization(&org.id).await?;
    let org_sponsorships = org_rows
        .iter()
        .map(to_domain)
        .collect::<Result<Vec<_>, _>>()?;
    let members_own = state
        .store
        .sponsorship_of_member(&membership.id)
        .await?
        .map(|row| to_domain(&row))
        .transpose()?;
    let sponsoring_org = SponsoringOrg {
        id: org.id.parse().map_err(ApiError::internal)?,
        plan_type: org.plan_type,
        // Kinwarden has no admin-sponsored families yet, so admin offers stop at that rule,
        // before seats are counted.
        use_admin_sponsored_families: false,
        seats: org.seats,
        occupied_seats: 0,
        can_scale: Err(CANNOT_AUTOSCALE_SELF_HOSTED.to_string()),
    };
    let sponsor = Sponsor {
        member_id: membership.id.parse().map_err(ApiError::internal)?,
        status: MemberStatus::from_code(membership.status),
        user_email: Some(user.email.clone()),
        caller_role: MemberType::from_code(membership.member_type).unwrap_or(MemberType::User),
        caller_permissions: members::parse_permissions(membership.permissions.as_deref()),
    };
    let offer = sponsorships::create(
        &sponsoring_org,
        &sponsor,
        request,
        &org_sponsorships,
        members_own.as_ref(),
    )
    .map_err(create_error)?;
    Ok((org, offer))
}

pub(crate) fn create_error(err: CreateError) -> ApiError {
    match err {
        CreateError::NotPermitted => ApiError::Unauthorized,
        other => ApiError::BadRequest(other.to_string()),
    }
}

/// The request model's checks (reference §2.1), with its messages.
pub(crate) fn validate(body: SponsorshipCreateRequest) -> Result<OfferRequest, ApiError> {
    const EMAIL: &str = "SponsoredEmail";
    let email = body
        .sponsored_email
        .filter(|email| !email.trim().is_empty())
        .ok_or_else(|| ApiError::field(EMAIL, "The SponsoredEmail field is required."))?;
    if email.chars().count() > 256 {
        return Err(ApiError::field(
            EMAIL,
            "The field SponsoredEmail must be a string or array type with a maximum length of '256'.",
        ));
    }
    if kinwarden_core::email::normalize(&email).is_none() {
        return Err(ApiError::field(
            EMAIL,
            "The SponsoredEmail field is not a supported e-mail address format.",
        ));
    }
    if body
        .friendly_name
        .as_ref()
        .is_some_and(|name| name.chars().count() > 256)
    {
        return Err(ApiError::field(
            "FriendlyName",
            "The field FriendlyName must be a string or array type with a maximum length of '256'.",
        ));
    }
    Ok(OfferRequest {
        plan_sponsorship_type: body.plan_sponsorship_type,
        sponsored_email: email,
        friendly_name: body.friendly_name,
        is_admin_initiated: body.is_admin_initiated.unwrap_or(false),
        notes: body.notes,
    })
}

/// S2 `DELETE …/self-hosted/{org_id}` and S3 `POST …/self-hosted/{org_id}/delete`: the caller
/// revokes their own offer.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/self-hosted/{org_id}",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Revoked"), crate::openapi::OrganizationErrors)
)]
pub async fn revoke_own(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    self_hosted_only(&state)?;
    let membership = state
        .store
        .membership(&org_id.to_ascii_lowercase(), &user.id)
        .await?
        .ok_or_else(|| ApiError::BadRequest("Unknown Organization User".into()))?;
    let own = state.store.sponsorship_of_member(&membership.id).await?;
    revoke(&state, own.as_ref()).await
}

/// S3: the same as S2, for clients that cannot send `DELETE`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/self-hosted/{org_id}/delete",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Revoked"), crate::openapi::OrganizationErrors)
)]
pub async fn revoke_own_post(
    state: State<AppState>,
    user: CurrentUser,
    org_id: Path<String>,
) -> Result<StatusCode, ApiError> {
    revoke_own(state, user, org_id).await
}

/// S4 `DELETE …/self-hosted/{org_id}/{friendly_name}/revoke`: someone who manages users
/// revokes an offer by its friendly name (ignoring case).
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/self-hosted/{org_id}/{friendly_name}/revoke",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization"), ("friendly_name" = String, Path, description = "The friendly name of the offer")),
    security(("bearer" = [])),
    responses((status = 200, description = "Revoked"), crate::openapi::OrganizationErrors)
)]
pub async fn revoke_by_name(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, friendly_name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    self_hosted_only(&state)?;
    let row = find_by_friendly_name(&state, &access.org.id, &friendly_name).await?;
    revoke(&state, Some(&row)).await
}

/// The organization's sponsorship with this friendly name, ignoring case (S4 and C8).
pub async fn find_by_friendly_name(
    state: &AppState,
    org_id: &str,
    friendly_name: &str,
) -> Result<SponsorshipRecord, ApiError> {
    let wanted = friendly_name.to_lowercase();
    state
        .store
        .sponsorships_of_organization(org_id)
        .await?
        .into_iter()
        .find(|row| {
            row.friendly_name
                .as_deref()
                .is_some_and(|name| name.to_lowercase() == wanted)
        })
        .ok_or_else(|| ApiError::BadRequest(NOT_FOUND_BY_NAME.into()))
}

async fn revoke(state: &AppState, row: Option<&SponsorshipRecord>) -> Result<StatusCode, ApiError> {
    let sponsorship = row.map(to_domain).transpose()?;
    let cloud_may_know = match row.and_then(|row| row.sponsoring_organization_id.as_deref()) {
        Some(org_id) => cloud_may_know(state, org_id).await?,
        None => false,
    };
    let decision = sponsorships::self_hosted_revoke(sponsorship.as_ref(), cloud_may_know)
        .map_err(|err| ApiError::BadRequest(err.to_string()))?;
    if let Some(row) = row {
        match decision {
            Revoke::Delete => state.store.delete_sponsorship(&row.id).await?,
            Revoke::MarkToDelete => state.store.mark_sponsorship_to_delete(&row.id).await?,
        };
        if let Some(org_id) = &row.sponsoring_organization_id {
            sync_soon(state, org_id);
        }
    }
    Ok(StatusCode::OK)
}

/// Whether the cloud may hold this organization's rows though they carry no sync date here:
/// it has (or had) a billing sync connection, so a sync may have sent them (SPEC §10).
pub(crate) async fn cloud_may_know(state: &AppState, org_id: &str) -> Result<bool, ApiError> {
    Ok(!state
        .store
        .connections_of(org_id, crate::routes::connections::BILLING_SYNC)
        .await?
        .is_empty())
}

/// Tells the debounced sync this organization's offers changed (SPEC §6).
pub fn sync_soon(state: &AppState, org_id: &str) {
    if let Some(soon) = &state.sync_soon {
        soon.changed(org_id);
    }
}

/// S5 `GET …/self-hosted/{org_id}/sponsored`: the organization's admin-initiated offers.
/// The reference answers 401 to someone who may not manage users; a missing organization 404.
#[utoipa::path(
    get,
    path = "/organization/sponsorship/self-hosted/{org_id}/sponsored",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<SponsorshipResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn list_sponsored(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<Json<ListResponse<SponsorshipResponse>>, ApiError> {
    self_hosted_only(&state)?;
    let org = state
        .store
        .organization(&org_id.to_ascii_lowercase())
        .await?
        .ok_or(ApiError::NotFound)?;
    let membership = state
        .store
        .membership(&org.id, &user.id)
        .await?
        .filter(|m| m.status == MemberStatus::Confirmed.code())
        .ok_or(ApiError::Unauthorized)?;
    let role = MemberType::from_code(membership.member_type).unwrap_or(MemberType::User);
    let permissions = members::parse_permissions(membership.permissions.as_deref());
    if !members::can_manage_users(role, &permissions) {
        return Err(ApiError::Unauthorized);
    }
    let rows = state.store.sponsorships_of_organization(&org.id).await?;
    Ok(Json(ListResponse::new(
        rows.iter()
            .filter(|row| row.is_admin_initiated)
            .map(response)
            .collect(),
    )))
}

fn response(row: &SponsorshipRecord) -> SponsorshipResponse {
    SponsorshipResponse {
        sponsoring_organization_user_id: row.sponsoring_organization_user_id.clone(),
        friendly_name: row.friendly_name.clone(),
        offered_to_email: row.offered_to_email.clone(),
        plan_sponsorship_type: row.plan_sponsorship_type,
        last_sync_date: row.last_sync_date.map(wire_time::from_millis),
        valid_until: row.valid_until.map(wire_time::from_millis),
        to_delete: row.to_delete,
        is_admin_initiated: row.is_admin_initiated,
        notes: row.notes.clone(),
        cloud_sponsorship_removed: false,
        object: "organizationSponsorship".to_string(),
    }
}

/// §2.8 `GET organization/sponsorship/{org_id}/sync-status`: owners only, 404 for anyone else.
#[utoipa::path(
    get,
    path = "/organization/sponsorship/{org_id}/sync-status",
    tag = "billing sync",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = SyncStatusResponse), crate::openapi::OrganizationErrors)
)]
pub async fn sync_status(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
) -> Result<Json<SyncStatusResponse>, ApiError> {
    let latest = state.store.latest_sponsorship_sync(&access.org.id).await?;
    Ok(Json(SyncStatusResponse {
        last_sync_date: latest.map(wire_time::from_millis),
        object: "syncStatus".to_string(),
    }))
}
