//! A self-hosted organization's license (reference §5.1 L4 and L3; SPEC §9 "license
//! (self-hosted)"): create the organization from a license file, or replace its license. The
//! use-cases are `kinwarden_app::licenses::upload`.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use kinwarden_app::licenses::upload;
use kinwarden_proto::organizations::OrganizationResponse;

use crate::api::organizations::response;
use crate::http::auth::CurrentUser;
use crate::http::deployment::self_hosted_only;
use crate::http::error::ApiError;
use crate::http::org_access::OrgOwner;
use crate::http::state::AppState;

/// `POST /api/organizations/licenses/self-hosted`: the caller becomes the confirmed owner of a
/// new organization whose terms come from the license.
#[utoipa::path(
    post,
    path = "/organizations/licenses/self-hosted",
    tag = "licenses",
    request_body(content = String, content_type = "multipart/form-data", description = "Parts `license` (the file), `key`, `collectionName`, `keys[publicKey]`, `keys[encryptedPrivateKey]`"),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationResponse), crate::openapi::UserErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<OrganizationResponse>, ApiError> {
    self_hosted_only(&state)?;
    let form = crate::http::license_form::read(multipart).await?;
    let org = upload::create_organization(&state, &user, form).await?;
    Ok(Json(response(&state, &org)))
}

/// `POST /api/organizations/licenses/self-hosted/{org_id}`: replaces the license (works even
/// while the current one is invalid or expired), after checking the organization fits it.
#[utoipa::path(
    post,
    path = "/organizations/licenses/self-hosted/{org_id}",
    tag = "licenses",
    params(("org_id" = String, Path, description = "The organization")),
    request_body(content = String, content_type = "multipart/form-data", description = "Part `license`: the new license file"),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationResponse), crate::openapi::OrganizationErrors)
)]
pub async fn replace(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<OrganizationResponse>, ApiError> {
    self_hosted_only(&state)?;
    let form = crate::http::license_form::read(multipart).await?;
    let org = upload::replace(&state, &access, form).await?;
    Ok(Json(response(&state, &org)))
}
