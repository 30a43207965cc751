//! Organization API keys for owners (reference §4.12): `POST …/api-key` (A1), `POST
//! …/rotate-api-key` (A2), `GET …/api-key-information[/{type}]` (A3). The use-cases, and the
//! deviation from the reference (the secret is verified before anything is made), are in
//! `kinwarden_app::org_api_keys`.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_app::org_api_keys::{self, OpenedApiKey};
use kinwarden_app::records::OrganizationApiKeyRecord;
use kinwarden_app::wire_time;
use kinwarden_proto::billing::{
    ApiKeyInformationResponse, ApiKeyResponse, OrganizationApiKeyRequest,
};
use kinwarden_proto::members::ListResponse;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::org_access::OrgOwner;
use crate::http::state::AppState;

fn key_response(key: OpenedApiKey) -> Json<ApiKeyResponse> {
    Json(ApiKeyResponse {
        api_key: key.api_key,
        revision_date: wire_time::from_millis(key.revision_date),
        object: "apiKey".to_string(),
    })
}

fn information_response(
    keys: Vec<OrganizationApiKeyRecord>,
) -> Json<ListResponse<ApiKeyInformationResponse>> {
    Json(ListResponse::new(
        keys.into_iter()
            .map(|key| ApiKeyInformationResponse {
                key_type: key.key_type.code(),
                revision_date: wire_time::from_millis(key.revision_date),
                object: "keyInformation".to_string(),
            })
            .collect(),
    ))
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
    let key = org_api_keys::get_or_create(&state, &user, &access, &request).await?;
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
    let key = org_api_keys::rotate(&state, &user, &access, &request).await?;
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
    let keys = org_api_keys::information(&state, access.org.id, None).await?;
    Ok(information_response(keys))
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
    let keys = org_api_keys::information(&state, access.org.id, Some(key_type)).await?;
    Ok(information_response(keys))
}
