//! Ending a sponsorship on the cloud (reference §4.1 C6–C10, §4.9; SPEC §5 step 9): the sponsor
//! revokes their own, someone who manages the sponsoring organization's users revokes one by its
//! friendly name, or the sponsored Families organization's owner removes it. The use-cases are
//! `kinwarden_app::sponsorships::cloud_revoke`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_app::sponsorships::{admin_initiated, cloud_revoke};
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::sponsorships::SponsorshipResponse;

use crate::http::auth::CurrentUser;
use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::org_access::OrgManageUsers;
use crate::http::state::AppState;

/// C12 `GET /api/organization/sponsorship/{org_id}/sponsored`: the organization's offers made on
/// its behalf, for someone who manages its users (401 for anyone else, 404 for no organization).
#[utoipa::path(
    get,
    path = "/organization/sponsorship/{org_id}/sponsored",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The sponsoring organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<SponsorshipResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn list_sponsored(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<Json<ListResponse<SponsorshipResponse>>, ApiError> {
    cloud_only(&state)?;
    let sponsored =
        admin_initiated::list(&state, &user, kinwarden_app::id_in_path(&org_id)?).await?;
    Ok(Json(ListResponse::new(sponsored)))
}

/// C6 `DELETE /api/organization/sponsorship/{org_id}` and C7 `POST …/{org_id}/delete`: the
/// caller revokes the sponsorship they offered as a member of `org_id`.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/{org_id}",
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
    cloud_only(&state)?;
    cloud_revoke::revoke_own(&state, &user, kinwarden_app::id_in_path(&org_id)?).await?;
    Ok(StatusCode::OK)
}

/// C7: the same as C6, for clients that cannot send `DELETE`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/{org_id}/delete",
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

/// C8 `DELETE /api/organization/sponsorship/{org_id}/{friendly_name}/revoke`.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/{org_id}/{friendly_name}/revoke",
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
    cloud_only(&state)?;
    cloud_revoke::revoke_by_name(&state, &access, &friendly_name).await?;
    Ok(StatusCode::OK)
}

/// C9 `DELETE /api/organization/sponsorship/sponsored/{org_id}` and C10
/// `POST …/sponsored/{org_id}/remove`: the Families organization's owner gives up its
/// sponsorship.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/sponsored/{org_id}",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The sponsored Families organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed"), crate::openapi::OrganizationErrors)
)]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    cloud_revoke::remove(&state, &user, kinwarden_app::id_in_path(&org_id)?).await?;
    Ok(StatusCode::OK)
}

/// C10: the same as C9, for clients that cannot send `DELETE`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/sponsored/{org_id}/remove",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The sponsored Families organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed"), crate::openapi::OrganizationErrors)
)]
pub async fn remove_post(
    state: State<AppState>,
    user: CurrentUser,
    org_id: Path<String>,
) -> Result<StatusCode, ApiError> {
    remove(state, user, org_id).await
}
