//! The admin item routes (reference vault §1.8.3, §1.8.5, §5.2): owners, admins and custom
//! members allowed to work on an organization's items they are not assigned to
//! (`kinwarden_app::vault::admin`). The reference's POST aliases are served as it serves them.

use axum::Json;
use axum::extract::{Path, Query, State};
use kinwarden_app::id_in_path;
use kinwarden_app::vault::admin;
use kinwarden_core::ids::CipherId;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::vault::ciphers::{
    CipherBulkCollectionsRequest, CipherBulkDeleteRequest, CipherBulkRestoreRequest,
    CipherCollectionsRequest, CipherCreateRequest, CipherRequest,
};
use kinwarden_proto::vault::responses::{
    CipherDetailsResponse, CipherMiniDetailsResponse, CipherMiniResponse,
};

use super::shared_ciphers::OrganizationQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

/// The ids of a bulk request; a text that is no id names no item.
fn ids(raw: &[String]) -> Vec<CipherId> {
    raw.iter().filter_map(|id| id.parse().ok()).collect()
}

/// An organization's item with all its collections.
#[utoipa::path(
    get,
    path = "/ciphers/{cipher_id}/admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherMiniDetailsResponse>, ApiError> {
    Ok(Json(admin::get(&state, &user, id_in_path(&id)?).await?))
}

/// Replaces an organization's item as an admin.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniResponse), crate::openapi::UserErrors)
)]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherRequest>,
) -> Result<Json<CipherMiniResponse>, ApiError> {
    Ok(Json(
        admin::update(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// Replaces an organization's item as an admin (the POST alias).
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniResponse), crate::openapi::UserErrors)
)]
pub async fn update_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherRequest>,
) -> Result<Json<CipherMiniResponse>, ApiError> {
    Ok(Json(
        admin::update(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// Deletes an organization's item for good as an admin.
#[utoipa::path(
    delete,
    path = "/ciphers/{cipher_id}/admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(admin::delete(&state, &user, None, &[id_in_path(&id)?]).await?)
}

/// Creates an organization's item in any of its collections.
#[utoipa::path(
    post,
    path = "/ciphers/admin",
    tag = "vault",
    request_body = CipherCreateRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniResponse), crate::openapi::UserErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherCreateRequest>,
) -> Result<Json<CipherMiniResponse>, ApiError> {
    Ok(Json(
        admin::create(
            &state,
            &user,
            &request.cipher.clone().unwrap_or_default(),
            request.collection_ids.as_deref(),
        )
        .await?,
    ))
}

/// Deletes organization items for good as an admin.
#[utoipa::path(
    delete,
    path = "/ciphers/admin",
    tag = "vault",
    request_body = CipherBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn delete_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(admin::delete(
        &state,
        &user,
        Some(admin::organization_of(request.organization_id.as_deref())?),
        &ids(&request.ids),
    )
    .await?)
}

/// Replaces every collection holding an organization's item.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/collections-admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn collections(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherCollectionsRequest>,
) -> Result<Json<CipherMiniDetailsResponse>, ApiError> {
    Ok(Json(
        admin::set_collections(&state, &user, id_in_path(&id)?, &request.collection_ids).await?,
    ))
}

/// Replaces every collection holding an item (the POST alias).
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/collections-admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn collections_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherCollectionsRequest>,
) -> Result<Json<CipherMiniDetailsResponse>, ApiError> {
    Ok(Json(
        admin::set_collections(&state, &user, id_in_path(&id)?, &request.collection_ids).await?,
    ))
}

/// Adds collections to (or takes them from) several items.
#[utoipa::path(
    post,
    path = "/ciphers/bulk-collections",
    tag = "vault",
    request_body = CipherBulkCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn bulk_collections(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkCollectionsRequest>,
) -> Result<(), ApiError> {
    Ok(admin::change_collections_of_many(
        &state,
        &user,
        admin::organization_of(request.organization_id.as_deref())?,
        &ids(&request.cipher_ids),
        &request.collection_ids,
        request.remove_collections,
    )
    .await?)
}

/// Moves an organization's item to the trash as an admin.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/delete-admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn soft_delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(admin::trash(&state, &user, None, &[id_in_path(&id)?], true)
        .await
        .map(|_| ())?)
}

/// Deletes an organization's item for good (the POST alias).
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/delete-admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn delete_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(admin::delete(&state, &user, None, &[id_in_path(&id)?]).await?)
}

/// Moves organization items to the trash as an admin.
#[utoipa::path(
    put,
    path = "/ciphers/delete-admin",
    tag = "vault",
    request_body = CipherBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn soft_delete_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(admin::trash(
        &state,
        &user,
        Some(admin::organization_of(request.organization_id.as_deref())?),
        &ids(&request.ids),
        true,
    )
    .await
    .map(|_| ())?)
}

/// Deletes organization items for good (the POST alias).
#[utoipa::path(
    post,
    path = "/ciphers/delete-admin",
    tag = "vault",
    request_body = CipherBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn delete_many_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(admin::delete(
        &state,
        &user,
        Some(admin::organization_of(request.organization_id.as_deref())?),
        &ids(&request.ids),
    )
    .await?)
}

/// Brings an organization's item back from the trash as an admin.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/restore-admin",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CipherMiniResponse), crate::openapi::UserErrors)
)]
pub async fn restore(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherMiniResponse>, ApiError> {
    Ok(Json(
        admin::trash(&state, &user, None, &[id_in_path(&id)?], false)
            .await?
            .pop()
            .ok_or(ApiError::NotFound)?,
    ))
}

/// Brings organization items back from the trash as an admin.
#[utoipa::path(
    put,
    path = "/ciphers/restore-admin",
    tag = "vault",
    request_body = CipherBulkRestoreRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<CipherMiniResponse>), crate::openapi::UserErrors)
)]
pub async fn restore_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkRestoreRequest>,
) -> Result<Json<ListResponse<CipherMiniResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        admin::trash(
            &state,
            &user,
            Some(admin::organization_of(request.organization_id.as_deref())?),
            &ids(&request.ids),
            false,
        )
        .await?,
    )))
}

/// The organization's items the caller reaches (and, for admins, the unassigned ones).
#[utoipa::path(
    get,
    path = "/ciphers/organization-details/assigned",
    tag = "vault",
    params(OrganizationQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<CipherDetailsResponse>), crate::openapi::UserErrors)
)]
pub async fn assigned(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Query(query): Query<OrganizationQuery>,
) -> Result<Json<ListResponse<CipherDetailsResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        admin::assigned(
            &state,
            &user,
            id_in_path(query.organization_id.as_deref().unwrap_or_default())?,
        )
        .await?,
    )))
}
