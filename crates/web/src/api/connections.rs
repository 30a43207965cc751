//! `/api/organizations/connections` (reference §2.7): a self-hosted organization's billing sync
//! connection to its cloud organization. Saving an enabled one asks the cloud at once whether it
//! accepts the token for that organization (SPEC §6 "Token checked on Save"). The use-cases are
//! `kinwarden_app::connections`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_app::connections::{delete as deleting, get as getting, save};
use kinwarden_config::Mode;
use kinwarden_proto::connections::{ConnectionRequest, ConnectionResponse};

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

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
    Ok(Json(save::create(&state, &user, &request).await?))
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
    Ok(Json(
        save::update(&state, &user, kinwarden_app::id_in_path(&id)?, &request).await?,
    ))
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
    Ok(Json(
        getting::get(&state, &user, &org_id, &connection_type).await?,
    ))
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
    deleting::delete(&state, &user, kinwarden_app::id_in_path(&id)?).await?;
    Ok(StatusCode::OK)
}
