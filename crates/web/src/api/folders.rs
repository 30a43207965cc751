//! `/api/folders` (reference vault §2): a user's folders. The use-cases are
//! `kinwarden_app::vault::folders`.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_app::id_in_path;
use kinwarden_app::vault::folders;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::vault::folders::{FolderBulkDeleteRequest, FolderRequest, FolderResponse};

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/folders",
    tag = "vault",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's folders", body = ListResponse<FolderResponse>), crate::openapi::UserErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
) -> Result<Json<ListResponse<FolderResponse>>, ApiError> {
    Ok(Json(ListResponse::new(folders::list(&state, &user).await?)))
}

#[utoipa::path(
    post,
    path = "/folders",
    tag = "vault",
    request_body = FolderRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The new folder", body = FolderResponse), crate::openapi::UserErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<FolderRequest>,
) -> Result<Json<FolderResponse>, ApiError> {
    Ok(Json(folders::create(&state, &user, &request).await?))
}

#[utoipa::path(
    delete,
    path = "/folders",
    tag = "vault",
    request_body = FolderBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's folders among the ids are deleted"), crate::openapi::UserErrors)
)]
pub async fn delete_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<FolderBulkDeleteRequest>,
) -> Result<(), ApiError> {
    // Ids that are not ids name nobody's folder.
    let ids = request
        .ids
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    Ok(folders::delete_many(&state, &user, Some(ids)).await?)
}

#[utoipa::path(
    delete,
    path = "/folders/all",
    tag = "vault",
    security(("bearer" = [])),
    responses((status = 200, description = "Every folder of the caller is deleted"), crate::openapi::UserErrors)
)]
pub async fn delete_all(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
) -> Result<(), ApiError> {
    Ok(folders::delete_many(&state, &user, None).await?)
}

#[utoipa::path(
    get,
    path = "/folders/{folder_id}",
    tag = "vault",
    params(("folder_id" = String, Path, description = "The folder")),
    security(("bearer" = [])),
    responses((status = 200, description = "The folder", body = FolderResponse), crate::openapi::UserErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<FolderResponse>, ApiError> {
    Ok(Json(folders::get(&state, &user, id_in_path(&id)?).await?))
}

#[utoipa::path(
    put,
    path = "/folders/{folder_id}",
    tag = "vault",
    params(("folder_id" = String, Path, description = "The folder")),
    request_body = FolderRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The renamed folder", body = FolderResponse), crate::openapi::UserErrors)
)]
pub async fn rename(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<FolderRequest>,
) -> Result<Json<FolderResponse>, ApiError> {
    Ok(Json(
        folders::rename(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// The reference's alias of `PUT`.
#[utoipa::path(
    post,
    path = "/folders/{folder_id}",
    tag = "vault",
    params(("folder_id" = String, Path, description = "The folder")),
    request_body = FolderRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The renamed folder", body = FolderResponse), crate::openapi::UserErrors)
)]
pub async fn rename_post(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<String>,
    request: ApiJson<FolderRequest>,
) -> Result<Json<FolderResponse>, ApiError> {
    rename(state, user, id, request).await
}

#[utoipa::path(
    delete,
    path = "/folders/{folder_id}",
    tag = "vault",
    params(("folder_id" = String, Path, description = "The folder")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted; its items have no folder now"), crate::openapi::UserErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(folders::delete(&state, &user, id_in_path(&id)?).await?)
}

/// The reference's alias of `DELETE`.
#[utoipa::path(
    post,
    path = "/folders/{folder_id}/delete",
    tag = "vault",
    params(("folder_id" = String, Path, description = "The folder")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted; its items have no folder now"), crate::openapi::UserErrors)
)]
pub async fn delete_post(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<String>,
) -> Result<(), ApiError> {
    delete(state, user, id).await
}
