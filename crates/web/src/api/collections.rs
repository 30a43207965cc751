//! `/api/collections` and `/api/organizations/{org_id}/collections…` (reference vault §4): the
//! collections a user reaches, an organization's collections with who is assigned to each, and
//! the organization's collection-management settings. The use-cases are
//! `kinwarden_app::vault::collections`; the reference's POST aliases are served as it serves
//! them.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_app::id_in_path;
use kinwarden_app::vault::collections;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::vault::collections::{
    BulkCollectionAccessRequest, CollectionBulkDeleteRequest, CollectionManagementRequest,
    CollectionRequest, CollectionResponse, SelectionReadOnly,
};

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

/// Every collection the caller reaches, in every organization, with their access.
#[utoipa::path(
    get,
    path = "/collections",
    tag = "collections",
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<CollectionResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
) -> Result<Json<ListResponse<CollectionResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        collections::mine(&state, &user).await?,
    )))
}

/// The organization's shared collections (those the caller manages, unless they may read all).
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/collections",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<CollectionResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<Json<ListResponse<CollectionResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        collections::list(&state, &user, id_in_path(&org_id)?).await?,
    )))
}

/// Creates a collection with its assignments.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/collections",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = CollectionRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CollectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    ApiJson(request): ApiJson<CollectionRequest>,
) -> Result<Json<CollectionResponse>, ApiError> {
    Ok(Json(
        collections::create(&state, &user, id_in_path(&org_id)?, &request).await?,
    ))
}

/// Deletes collections; their items stay in the organization.
#[utoipa::path(
    delete,
    path = "/organizations/{org_id}/collections",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = CollectionBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::OrganizationErrors)
)]
pub async fn delete_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    ApiJson(request): ApiJson<CollectionBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(collections::delete(&state, &user, id_in_path(&org_id)?, &request.ids).await?)
}

/// Deletes collections (the POST alias).
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/collections/delete",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = CollectionBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::OrganizationErrors)
)]
pub async fn delete_many_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    ApiJson(request): ApiJson<CollectionBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(collections::delete(&state, &user, id_in_path(&org_id)?, &request.ids).await?)
}

/// The organization's shared collections with who is assigned to each.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/collections/details",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<CollectionResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn list_details(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<Json<ListResponse<CollectionResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        collections::list_details(&state, &user, id_in_path(&org_id)?).await?,
    )))
}

/// Adds assignments to several collections, keeping the others.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/collections/bulk-access",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = BulkCollectionAccessRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::OrganizationErrors)
)]
pub async fn bulk_access(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    ApiJson(request): ApiJson<BulkCollectionAccessRequest>,
) -> Result<(), ApiError> {
    Ok(collections::bulk_access(&state, &user, id_in_path(&org_id)?, &request).await?)
}

/// One collection.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/collections/{collection_id}",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CollectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
) -> Result<Json<CollectionResponse>, ApiError> {
    Ok(Json(
        collections::get(
            &state,
            &user,
            id_in_path(&org_id)?,
            id_in_path(&collection_id)?,
        )
        .await?,
    ))
}

/// Renames a collection and replaces the assignments given.
#[utoipa::path(
    put,
    path = "/organizations/{org_id}/collections/{collection_id}",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    request_body = CollectionRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CollectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<CollectionRequest>,
) -> Result<Json<CollectionResponse>, ApiError> {
    Ok(Json(
        collections::update(
            &state,
            &user,
            id_in_path(&org_id)?,
            id_in_path(&collection_id)?,
            &request,
        )
        .await?,
    ))
}

/// Renames a collection (the POST alias).
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/collections/{collection_id}",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    request_body = CollectionRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CollectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn update_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<CollectionRequest>,
) -> Result<Json<CollectionResponse>, ApiError> {
    Ok(Json(
        collections::update(
            &state,
            &user,
            id_in_path(&org_id)?,
            id_in_path(&collection_id)?,
            &request,
        )
        .await?,
    ))
}

/// Deletes a collection; its items stay in the organization.
#[utoipa::path(
    delete,
    path = "/organizations/{org_id}/collections/{collection_id}",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::OrganizationErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
) -> Result<(), ApiError> {
    Ok(collections::delete(&state, &user, id_in_path(&org_id)?, &[collection_id]).await?)
}

/// Deletes a collection (the POST alias).
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/collections/{collection_id}/delete",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::OrganizationErrors)
)]
pub async fn delete_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
) -> Result<(), ApiError> {
    Ok(collections::delete(&state, &user, id_in_path(&org_id)?, &[collection_id]).await?)
}

/// One collection with who is assigned to it.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/collections/{collection_id}/details",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = CollectionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn details(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
) -> Result<Json<CollectionResponse>, ApiError> {
    Ok(Json(
        collections::details(
            &state,
            &user,
            id_in_path(&org_id)?,
            id_in_path(&collection_id)?,
        )
        .await?,
    ))
}

/// The members assigned to a collection (a bare array).
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/collections/{collection_id}/users",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization"), ("collection_id" = String, Path, description = "The collection")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = Vec<SelectionReadOnly>), crate::openapi::OrganizationErrors)
)]
pub async fn users(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, collection_id)): Path<(String, String)>,
) -> Result<Json<Vec<SelectionReadOnly>>, ApiError> {
    Ok(Json(
        collections::users(
            &state,
            &user,
            id_in_path(&org_id)?,
            id_in_path(&collection_id)?,
        )
        .await?,
    ))
}

/// Changes who may manage collections and items (owners).
#[utoipa::path(
    put,
    path = "/organizations/{org_id}/collection-management",
    tag = "collections",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = CollectionManagementRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::OrganizationErrors)
)]
pub async fn management(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    ApiJson(request): ApiJson<CollectionManagementRequest>,
) -> Result<(), ApiError> {
    Ok(collections::set_management(&state, &user, id_in_path(&org_id)?, &request).await?)
}
