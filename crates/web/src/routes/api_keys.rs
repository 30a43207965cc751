//! Organization API keys for owners (reference §4.12): `POST …/api-key` (A1), `POST
//! …/rotate-api-key` (A2), `GET …/api-key-information[/{type}]` (A3). The billing sync token
//! (type 1) is what a self-hosted server presents to sync sponsorships and licenses.
//!
//! Deviation from the reference: the secret is verified before anything is made, so a wrong
//! password creates no key.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_core::api_keys::ApiKeyType;
use kinwarden_core::plans::{ProductTier, tier_of};
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_proto::billing::{
    ApiKeyInformationResponse, ApiKeyResponse, OrganizationApiKeyRequest,
};
use kinwarden_proto::members::ListResponse;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::org_access::OrgOwner;
use crate::state::AppState;
use kinwarden_app::accounts::secret_check::verify_secret;
use kinwarden_app::org_api_keys::{self, ApiKeyError, OpenedApiKey};
use kinwarden_app::wire_time;

impl From<ApiKeyError> for ApiError {
    fn from(err: ApiKeyError) -> Self {
        Self::internal(err)
    }
}

/// The key types an owner may hold here. SCIM is not offered, so its keys are not found.
fn owner_key_type(code: i32) -> Result<ApiKeyType, ApiError> {
    match ApiKeyType::from_code(code) {
        Some(ApiKeyType::Scim) => Err(ApiError::NotFound),
        Some(key_type) => Ok(key_type),
        None => Err(ApiError::field("Type", "Invalid API key type.")),
    }
}

fn secret(request: &OrganizationApiKeyRequest) -> SecretVerificationRequest {
    SecretVerificationRequest {
        master_password_hash: request.master_password_hash.clone(),
        otp: request.otp.clone(),
    }
}

fn key_response(key: OpenedApiKey) -> Json<ApiKeyResponse> {
    Json(ApiKeyResponse {
        api_key: key.api_key,
        revision_date: wire_time::from_millis(key.revision_date),
        object: "apiKey".to_string(),
    })
}

/// A1: the key of that type, made on first use.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/api-key",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = OrganizationApiKeyRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ApiKeyResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get_or_create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    OrgOwner(access): OrgOwner,
    ApiJson(request): ApiJson<OrganizationApiKeyRequest>,
) -> Result<Json<ApiKeyResponse>, ApiError> {
    let key_type = owner_key_type(request.key_type)?;
    // Billing sync is for organizations that can self-host a business plan.
    if key_type == ApiKeyType::BillingSync
        && !matches!(
            tier_of(access.org.plan_type),
            Some(ProductTier::Enterprise | ProductTier::Teams)
        )
    {
        return Err(ApiError::NotFound);
    }
    verify_secret(&state, &user, &secret(&request)).await?;
    let key = org_api_keys::get_or_create(
        &state.store,
        &state.data_key,
        &access.org.id,
        key_type,
        state.clock.now_millis(),
    )
    .await?;
    Ok(key_response(key))
}

/// A2: a new key; the old one stops working at once.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/rotate-api-key",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = OrganizationApiKeyRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ApiKeyResponse), crate::openapi::OrganizationErrors)
)]
pub async fn rotate(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    OrgOwner(access): OrgOwner,
    ApiJson(request): ApiJson<OrganizationApiKeyRequest>,
) -> Result<Json<ApiKeyResponse>, ApiError> {
    let key_type = owner_key_type(request.key_type)?;
    verify_secret(&state, &user, &secret(&request)).await?;
    let key = org_api_keys::rotate(
        &state.store,
        &state.data_key,
        &access.org.id,
        key_type,
        state.clock.now_millis(),
    )
    .await?;
    tracing::info!(organization = %access.org.id, key_type = key_type.code(), "organization API key rotated");
    Ok(key_response(key))
}

/// A3 without a type: every key's type and revision date, never the key.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/api-key-information",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<ApiKeyInformationResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn information(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
) -> Result<Json<ListResponse<ApiKeyInformationResponse>>, ApiError> {
    information_of(&state, &access.org.id, None).await
}

/// A3 with a type.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/api-key-information/{key_type}",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization"), ("key_type" = i32, Path, description = "The API key type")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<ApiKeyInformationResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn information_of_type(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
    Path((_, key_type)): Path<(String, i32)>,
) -> Result<Json<ListResponse<ApiKeyInformationResponse>>, ApiError> {
    let key_type = owner_key_type(key_type)?;
    information_of(&state, &access.org.id, Some(key_type)).await
}

async fn information_of(
    state: &AppState,
    organization_id: &str,
    key_type: Option<ApiKeyType>,
) -> Result<Json<ListResponse<ApiKeyInformationResponse>>, ApiError> {
    let keys = state
        .store
        .organization_api_keys(organization_id, key_type.map(ApiKeyType::code))
        .await?;
    Ok(Json(ListResponse::new(
        keys.into_iter()
            .map(|key| ApiKeyInformationResponse {
                key_type: key.key_type,
                revision_date: wire_time::from_millis(key.revision_date),
                object: "keyInformation".to_string(),
            })
            .collect(),
    )))
}
