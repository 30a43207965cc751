//! Licenses on the cloud (reference §5.1 L5, SPEC §9 "license"): the public key and certificate
//! a self-hosted server trusts, and an owner's download of the organization's license for an installation
//! (the use-case `kinwarden_app::licenses::download`).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use kinwarden_app::licenses::download;
use kinwarden_core::license::Casing;
use serde::Deserialize;
use serde_json::Value;

use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::org_access::OrgOwner;
use crate::http::state::AppState;

/// `GET /api/licenses/public-key`: anonymous, PEM. Our own route, so 404 on a self-hosted server.
#[utoipa::path(
    get,
    path = "/licenses/public-key",
    tag = "licenses",
    responses((status = 200, description = "The PEM public key licenses are signed with", content_type = "text/plain", body = String), crate::openapi::AnonymousErrors)
)]
pub async fn public_key(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let keys = state.licensing.as_ref().ok_or(ApiError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        keys.public_pem.clone(),
    ))
}

/// `GET /api/licenses/certificate`: anonymous, PEM. The self-signed certificate of the key
/// licenses are signed with: a self-hosted server lists it in `kinwarden__licenseCertificates`.
/// Our own route, so 404 on a self-hosted server.
#[utoipa::path(
    get,
    path = "/licenses/certificate",
    tag = "licenses",
    responses((status = 200, description = "The PEM certificate of the key licenses are signed with", content_type = "text/plain", body = String), crate::openapi::AnonymousErrors)
)]
pub async fn certificate(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let keys = state.licensing.as_ref().ok_or(ApiError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        keys.certificate_pem.clone(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseQuery {
    installation_id: Option<String>,
}

/// `GET /api/organizations/{org_id}/license?installationId=…`: the license JSON, camelCase,
/// and the organization↔installation link recorded.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/license",
    tag = "licenses",
    params(("org_id" = String, Path, description = "The organization"), ("installationId" = String, Query, description = "The self-hosted installation the license is for")),
    security(("bearer" = [])),
    responses((status = 200, description = "The signed license file (camelCase JSON)", body = Object), crate::openapi::OrganizationErrors)
)]
pub async fn organization_license(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
    Query(query): Query<LicenseQuery>,
) -> Result<Json<Value>, ApiError> {
    cloud_only(&state)?;
    let license =
        download::organization_license(&state, &access, query.installation_id.as_deref()).await?;
    Ok(Json(license.to_value(Casing::Camel)))
}
