//! `/api/organizations` (SPEC §9 "organizations"): a cloud creates organizations on a plan, with
//! the caller as confirmed owner; a self-hosted server gets its organization from a license.
//! The use-cases are `kinwarden_app::organizations`.

use axum::Json;
use axum::extract::State;
use kinwarden_app::organizations::create;
use kinwarden_proto::organizations::{CreateOrganizationRequest, OrganizationResponse};

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::org_access::OrgMember;
use crate::http::state::AppState;

// The answer's mapping, shared with the license upload, which makes organizations too.
pub use kinwarden_app::organizations::response::response;

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
    Ok(Json(create::create(&state, &user, request).await?))
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
