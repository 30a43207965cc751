//! `/api/organizations/connections` (reference §2.7): a self-hosted organization's billing sync
//! connection to its cloud organization. Saving an enabled one asks the cloud at once whether it
//! accepts the token for that organization (SPEC §6 "Token checked on Save").

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_config::Mode;
use kinwarden_core::license::OrganizationLicense;
use kinwarden_core::members::MemberType;
use kinwarden_proto::connections::{
    BillingSyncConfig, BillingSyncConfigRequest, ConnectionRequest, ConnectionResponse,
};

use kinwarden_store::{ConnectionRecord, UserRecord};
use serde_json::Value;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;
use kinwarden_app::cloud_errors;

pub const BILLING_SYNC: i32 = 1;
pub const SCIM: i32 = 2;

fn type_name(connection_type: i32) -> String {
    match connection_type {
        BILLING_SYNC => "CloudBillingSync".to_string(),
        SCIM => "Scim".to_string(),
        other => other.to_string(),
    }
}

/// Owners only, for either type (reference §2.7 `HasPermission`; SCIM's ManageScim is an owner
/// or admin here too, and Kinwarden serves no SCIM).
async fn is_owner(
    state: &AppState,
    user: &UserRecord,
    organization_id: &str,
) -> Result<bool, ApiError> {
    Ok(state
        .store
        .membership(organization_id, &user.id)
        .await?
        .is_some_and(|m| m.status == 2 && m.member_type == MemberType::Owner.code()))
}

/// `GET /api/organizations/connections/enabled`: whether billing sync can run at all here.
#[utoipa::path(
    get,
    path = "/organizations/connections/enabled",
    tag = "connections",
    security(("bearer" = [])),
    responses((status = 200, description = "Whether billing sync connections can be made here", body = bool), crate::openapi::UserErrors)
)]
pub async fn enabled(State(state): State<AppState>, _user: CurrentUser) -> Json<bool> {
    Json(state.config.mode == Mode::SelfHosted && state.config.enable_cloud_communication)
}

#[utoipa::path(
    post,
    path = "/organizations/connections",
    tag = "connections",
    request_body = ConnectionRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ConnectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<ConnectionRequest>,
) -> Result<Json<ConnectionResponse>, ApiError> {
    let org_id = parse_org(&request.organization_id)?;
    let kind = type_name(request.connection_type);
    if !is_owner(&state, &user, &org_id).await? {
        return Err(ApiError::BadRequest(format!(
            "You do not have permission to create a connection of type {kind}."
        )));
    }
    if !state
        .store
        .connections_of(&org_id, request.connection_type)
        .await?
        .is_empty()
    {
        return Err(duplicate(&kind));
    }
    let now = state.clock.now_millis();
    let record = ConnectionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org_id.clone(),
        connection_type: request.connection_type,
        enabled: request.enabled,
        config: Some(checked_config(&state, &org_id, &request).await?.to_string()),
        created_at: now,
        updated_at: now,
    };
    state.store.save_connection(&record).await?;
    Ok(Json(response(&record)))
}

#[utoipa::path(
    put,
    path = "/organizations/connections/{connection_id}",
    tag = "connections",
    params(("connection_id" = String, Path, description = "The connection")),
    request_body = ConnectionRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ConnectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ConnectionRequest>,
) -> Result<Json<ConnectionResponse>, ApiError> {
    let org_id = parse_org(&request.organization_id)?;
    let existing = state
        .store
        .connection(&id)
        .await?
        .filter(|c| c.organization_id == org_id)
        .ok_or(ApiError::NotFound)?;
    if !is_owner(&state, &user, &existing.organization_id).await? {
        return Err(ApiError::BadRequest(
            "You do not have permission to update this connection.".into(),
        ));
    }
    if request.connection_type != existing.connection_type {
        return Err(ApiError::BadRequest(
            "The connection type cannot be changed.".into(),
        ));
    }
    let record = ConnectionRecord {
        enabled: request.enabled,
        config: Some(checked_config(&state, &org_id, &request).await?.to_string()),
        updated_at: state.clock.now_millis(),
        ..existing
    };
    state.store.save_connection(&record).await?;
    Ok(Json(response(&record)))
}

#[utoipa::path(
    get,
    path = "/organizations/connections/{conn_org_id}/{connection_type}",
    tag = "connections",
    params(("conn_org_id" = String, Path, description = "The organization"), ("connection_type" = String, Path, description = "The connection type (number)")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ConnectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, connection_type)): Path<(String, String)>,
) -> Result<Json<ConnectionResponse>, ApiError> {
    let org_id = parse_org(&org_id)?;
    let connection_type = match connection_type.to_ascii_lowercase().as_str() {
        "1" | "cloudbillingsync" => BILLING_SYNC,
        "2" | "scim" => SCIM,
        other => {
            return Err(ApiError::BadRequest(format!(
                "Unknown Organization connection Type: {other}"
            )));
        }
    };
    let kind = type_name(connection_type);
    if !is_owner(&state, &user, &org_id).await? {
        return Err(ApiError::BadRequest(format!(
            "You do not have permission to retrieve a connection of type {kind}."
        )));
    }
    if connection_type == BILLING_SYNC && state.config.mode == Mode::Cloud {
        return Err(ApiError::BadRequest(
            "Cannot get a CloudBillingSync connection outside of a self-hosted instance.".into(),
        ));
    }
    let found = state
        .store
        .connections_of(&org_id, connection_type)
        .await?
        .into_iter()
        .next();
    Ok(Json(found.as_ref().map(response).unwrap_or(
        ConnectionResponse {
            id: None,
            connection_type: 0,
            organization_id: uuid::Uuid::nil().to_string(),
            enabled: false,
            config: None,
        },
    )))
}

#[utoipa::path(
    delete,
    path = "/organizations/connections/{connection_id}",
    tag = "connections",
    params(("connection_id" = String, Path, description = "The connection")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted"), crate::openapi::OrganizationErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let existing = state
        .store
        .connection(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !is_owner(&state, &user, &existing.organization_id).await? {
        return Err(ApiError::BadRequest(format!(
            "You do not have permission to remove this connection of type {}.",
            type_name(existing.connection_type)
        )));
    }
    state.store.delete_connection(&id).await?;
    Ok(StatusCode::OK)
}

fn parse_org(raw: &str) -> Result<String, ApiError> {
    raw.parse::<kinwarden_core::ids::OrganizationId>()
        .map(|id| id.to_string())
        .map_err(|_| {
            ApiError::field(
                "OrganizationId",
                "The OrganizationId field is not a valid id.",
            )
        })
}

fn duplicate(kind: &str) -> ApiError {
    ApiError::BadRequest(format!(
        "The requested organization already has a connection of type {kind}. Only one of each connection type may exist per organization."
    ))
}

/// The config to store, checked per type; for billing sync, against the license and the cloud.
async fn checked_config(
    state: &AppState,
    org_id: &str,
    request: &ConnectionRequest,
) -> Result<Value, ApiError> {
    let config = request.config.clone().ok_or_else(|| {
        ApiError::BadRequest("Organization Connection configuration malformed".into())
    })?;
    match request.connection_type {
        BILLING_SYNC => {
            let parsed: BillingSyncConfigRequest =
                serde_json::from_value(config).map_err(|_| {
                    ApiError::BadRequest("Organization Connection configuration malformed".into())
                })?;
            billing_sync_config(state, org_id, parsed, request.enabled).await
        }
        SCIM => Ok(config),
        other => Err(ApiError::BadRequest(format!(
            "Unknown Organization connection Type: {other}"
        ))),
    }
}

async fn billing_sync_config(
    state: &AppState,
    org_id: &str,
    request: BillingSyncConfigRequest,
    enabled: bool,
) -> Result<Value, ApiError> {
    if state.config.mode != Mode::SelfHosted {
        return Err(ApiError::BadRequest(
            "Cannot create a CloudBillingSync connection outside of a self-hosted instance.".into(),
        ));
    }
    let key = request
        .billing_sync_key
        .map(|key| key.trim().to_string())
        .filter(|key| !key.is_empty())
        .ok_or_else(|| ApiError::BadRequest("Failed to get Billing Sync Key".into()))?;
    let license = stored_license(state, org_id)?;
    if enabled {
        ask_the_cloud(state, &license, &key).await?;
    }
    let config = BillingSyncConfig {
        billing_sync_key: key,
        cloud_organization_id: license.id.to_string(),
        last_license_sync: request.last_license_sync,
    };
    serde_json::to_value(config).map_err(ApiError::internal)
}

/// The organization's license file, verified (reference §2.7 K2: "Cannot verify license file.").
pub fn stored_license(state: &AppState, org_id: &str) -> Result<OrganizationLicense, ApiError> {
    let bytes = state
        .license_files
        .read(org_id)
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::BadRequest("Cannot verify license file.".into()))?;
    kinwarden_app::licenses::self_hosted::check(state, &bytes)
        .map(|verified| verified.into_inner())
        .map_err(|_| ApiError::BadRequest("Cannot verify license file.".into()))
}

/// Asks the cloud whether it accepts `key` for the license's organization.
async fn ask_the_cloud(
    state: &AppState,
    license: &OrganizationLicense,
    key: &str,
) -> Result<(), ApiError> {
    let link = state
        .cloud
        .as_deref()
        .ok_or_else(|| ApiError::internal("a self-hosted server without its cloud link"))?;
    link.check_billing_sync_token(key, &license.id.to_string())
        .await
        .map_err(|err| cloud_errors::explain("Saving the billing sync connection", &err).into())
}

pub fn response(record: &ConnectionRecord) -> ConnectionResponse {
    ConnectionResponse {
        id: Some(record.id.clone()),
        connection_type: record.connection_type,
        organization_id: record.organization_id.clone(),
        enabled: record.enabled,
        config: record
            .config
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok()),
    }
}
