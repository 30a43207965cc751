//! `/api/installations` (cloud only, reference §3.5): anyone may register a self-hosted server
//! and receives its id and key; the key is shown this once and kept only as a digest
//! (`kinwarden_app::installations::register`).

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_app::installations::register;
use kinwarden_core::ids::InstallationId;
use kinwarden_proto::installations::{InstallationRequest, InstallationResponse};

use crate::http::client_ip::ClientIp;
use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::mail_limiter::MailLimited;
use crate::http::state::AppState;

#[utoipa::path(
    post,
    path = "/installations",
    tag = "installations",
    request_body = InstallationRequest,
    responses((status = 200, description = "Success", body = InstallationResponse), (status = 429, description = "Too many installations asked for this address or from this client; `Retry-After` says when to try again", body = kinwarden_proto::error::ErrorResponse), crate::openapi::AnonymousErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<InstallationRequest>,
) -> Result<Json<InstallationResponse>, ApiError> {
    cloud_only(&state)?;
    state
        .mail_limiter
        .admit(ip, &request.email)
        .map_err(MailLimited::into_error)?;
    Ok(Json(register::create(&state, &request).await?))
}

#[utoipa::path(
    get,
    path = "/installations/{id}",
    tag = "installations",
    params(("id" = String, Path, description = "The installation")),
    responses((status = 200, description = "Success", body = InstallationResponse), crate::openapi::AnonymousErrors, (status = 404, description = "No such installation", body = kinwarden_proto::error::ErrorResponse))
)]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InstallationResponse>, ApiError> {
    cloud_only(&state)?;
    let id: InstallationId = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(register::get(&state, id).await?))
}
