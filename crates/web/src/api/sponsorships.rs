//! `/api/organization/sponsorship/self-hosted/…` (reference §2.1, self-hosted only) and the
//! sync status (§2.8): a member offers, revokes and sees their Families for Enterprise offer
//! (SPEC §5 step 6). The use-cases are `kinwarden_app::sponsorships::self_hosted_offers`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_app::sponsorships::sync_status::last_sync_date;
use kinwarden_app::sponsorships::{admin_initiated, offer, self_hosted_offers};
use kinwarden_app::wire_time;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::sponsorships::{
    SponsorshipCreateRequest, SponsorshipResponse, SyncStatusResponse,
};

use crate::http::auth::CurrentUser;
use crate::http::deployment::self_hosted_only;
use crate::http::error::ApiError;
use crate::http::org_access::{OrgManageUsers, OrgOwner};
use crate::http::state::AppState;

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
    let body: SponsorshipCreateRequest = crate::http::json::decode(&body)?;
    let request = offer::request_of(body)?;
    self_hosted_offers::create(&state, &user, kinwarden_app::id_in_path(&org_id)?, &request)
        .await?;
    Ok(StatusCode::OK)
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
    self_hosted_offers::revoke_own(&state, &user, kinwarden_app::id_in_path(&org_id)?).await?;
    Ok(StatusCode::OK)
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
    self_hosted_offers::revoke_by_name(&state, &access, &friendly_name).await?;
    Ok(StatusCode::OK)
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
    let sponsored =
        admin_initiated::list(&state, &user, kinwarden_app::id_in_path(&org_id)?).await?;
    Ok(Json(ListResponse::new(sponsored)))
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
    let latest = last_sync_date(&state, access.org.id).await?;
    Ok(Json(SyncStatusResponse {
        last_sync_date: latest.map(wire_time::from_millis),
        object: "syncStatus".to_string(),
    }))
}
