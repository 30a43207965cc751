//! The routes that only concern an organization's items (reference vault §1.8.7–§1.8.9, §5):
//! moving a personal item into an organization, changing an item's collections, the admin
//! view of every item, and the organization's export (`kinwarden_app::vault::shared`).

use axum::Json;
use axum::extract::{Path, Query, State};
use kinwarden_app::id_in_path;
use kinwarden_app::vault::shared;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::vault::ciphers::{
    CipherBulkShareRequest, CipherCollectionsRequest, CipherShareRequest,
};
use kinwarden_proto::vault::collections::{
    ImportOrganizationCiphersRequest, OrganizationExportResponse,
};
use kinwarden_proto::vault::responses::{
    CipherDetailsResponse, CipherMiniDetailsResponse, CipherMiniResponse, CipherResponse,
    OptionalCipherDetailsResponse,
};
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

/// Moves the caller's personal item into an organization (`bw move`).
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/share",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherShareRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item, now the organization's", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn share(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherShareRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        shared::share(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// The POST alias of the share.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/share",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherShareRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item, now the organization's", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn share_post(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<String>,
    request: ApiJson<CipherShareRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    share(state, user, id, request).await
}

/// Changes the collections holding an organization's item.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/collections",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = CipherDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn collections(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherCollectionsRequest>,
) -> Result<Json<CipherDetailsResponse>, ApiError> {
    let cipher = shared::set_collections(
        &state,
        &user,
        id_in_path(&id)?,
        &request.collection_ids,
        false,
    )
    .await?;
    // The caller took the item out of their own sight: it is, for them, gone.
    Ok(Json(cipher.ok_or(ApiError::NotFound)?))
}

/// The POST alias of the change of collections.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/collections",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = CipherDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn collections_post(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<String>,
    request: ApiJson<CipherCollectionsRequest>,
) -> Result<Json<CipherDetailsResponse>, ApiError> {
    collections(state, user, id, request).await
}

/// Changes the collections holding an organization's item (`bw edit item-collections`).
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/collections_v2",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item, or that the caller no longer sees it", body = OptionalCipherDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn collections_v2(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherCollectionsRequest>,
) -> Result<Json<OptionalCipherDetailsResponse>, ApiError> {
    Ok(Json(
        shared::set_collections_v2(&state, &user, id_in_path(&id)?, &request.collection_ids)
            .await?,
    ))
}

/// The POST alias of `collections_v2`.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/collections_v2",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherCollectionsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item, or that the caller no longer sees it", body = OptionalCipherDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn collections_v2_post(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<String>,
    request: ApiJson<CipherCollectionsRequest>,
) -> Result<Json<OptionalCipherDetailsResponse>, ApiError> {
    collections_v2(state, user, id, request).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationQuery {
    /// The organization.
    pub organization_id: Option<String>,
}

/// Every item of an organization with all its collections (owners, admins, custom members
/// allowed to read them all).
#[utoipa::path(
    get,
    path = "/ciphers/organization-details",
    tag = "vault",
    params(OrganizationQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Every item of the organization", body = ListResponse<CipherMiniDetailsResponse>), crate::openapi::UserErrors)
)]
pub async fn organization_details(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Query(query): Query<OrganizationQuery>,
) -> Result<Json<ListResponse<CipherMiniDetailsResponse>>, ApiError> {
    let org = id_in_path(query.organization_id.as_deref().unwrap_or_default())?;
    Ok(Json(ListResponse::new(
        shared::organization_details(&state, &user, org).await?,
    )))
}

/// The organization's export (`bw export --organizationid`).
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/export",
    tag = "vault",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "The organization's collections and items", body = OrganizationExportResponse), crate::openapi::OrganizationErrors)
)]
pub async fn export(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<Json<OrganizationExportResponse>, ApiError> {
    Ok(Json(
        shared::export(&state, &user, id_in_path(&org_id)?).await?,
    ))
}

/// An organization import: collections, items and their links, all or nothing.
#[utoipa::path(
    post,
    path = "/ciphers/import-organization",
    tag = "vault",
    params(OrganizationQuery),
    request_body = ImportOrganizationCiphersRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Imported"), crate::openapi::UserErrors)
)]
pub async fn import_organization(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Query(query): Query<OrganizationQuery>,
    ApiJson(request): ApiJson<ImportOrganizationCiphersRequest>,
) -> Result<(), ApiError> {
    let org = id_in_path(query.organization_id.as_deref().unwrap_or_default())?;
    Ok(kinwarden_app::vault::import_organization::import(&state, &user, org, &request).await?)
}

/// Moves several of the caller's personal items into one organization.
#[utoipa::path(
    put,
    path = "/ciphers/share",
    tag = "vault",
    request_body = CipherBulkShareRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The items, now the organization's", body = ListResponse<CipherMiniResponse>), crate::openapi::UserErrors)
)]
pub async fn share_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkShareRequest>,
) -> Result<Json<ListResponse<CipherMiniResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        shared::share_many(&state, &user, &request).await?,
    )))
}

/// The POST alias of the bulk share.
#[utoipa::path(
    post,
    path = "/ciphers/share",
    tag = "vault",
    request_body = CipherBulkShareRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The items, now the organization's", body = ListResponse<CipherMiniResponse>), crate::openapi::UserErrors)
)]
pub async fn share_many_post(
    state: State<AppState>,
    user: CurrentUser,
    request: ApiJson<CipherBulkShareRequest>,
) -> Result<Json<ListResponse<CipherMiniResponse>>, ApiError> {
    share_many(state, user, request).await
}
