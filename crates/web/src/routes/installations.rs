//! `/api/installations` (cloud only, reference §3.5): anyone may register a self-hosted server
//! and receives its id and key; the key is shown this once and kept only as a digest.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_core::ids::InstallationId;
use kinwarden_core::{email, secrets};
use kinwarden_proto::installations::{InstallationRequest, InstallationResponse};
use kinwarden_store::InstallationRecord;

use crate::deployment::cloud_only;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

pub const ONLY_CLOUD: &str = "Only allowed when not self hosted.";

#[utoipa::path(
    post,
    path = "/installations",
    tag = "installations",
    request_body = InstallationRequest,
    responses((status = 200, description = "Success", body = InstallationResponse), crate::openapi::AnonymousErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<InstallationRequest>,
) -> Result<Json<InstallationResponse>, ApiError> {
    cloud_only(&state)?;
    let email = email::normalize(&request.email).ok_or_else(|| {
        ApiError::field("Email", "The Email field is not a valid e-mail address.")
    })?;
    let id = InstallationId::new().to_string();
    let key = secrets::random_alphanumeric(20).map_err(ApiError::internal)?;
    state
        .store
        .create_installation(&InstallationRecord {
            id: id.clone(),
            email,
            key_hash: secrets::sha256_hex(&key),
            enabled: true,
            created_at: state.clock.now_millis(),
            last_activity_at: None,
        })
        .await?;
    tracing::info!(installation = %id, "installation created");
    Ok(Json(InstallationResponse {
        id,
        key: Some(key),
        enabled: true,
        object: "installation".to_string(),
    }))
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
    let record = state
        .store
        .installation(&id.to_string())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(InstallationResponse {
        id: record.id,
        key: None,
        enabled: record.enabled,
        object: "installation".to_string(),
    }))
}
