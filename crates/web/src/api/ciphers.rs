//! `/api/ciphers` (reference vault §1.8): the items a user reaches. The use-cases are
//! `kinwarden_app::vault::ciphers` (organization-only routes: `shared_ciphers`); the reference's POST aliases of PUT and DELETE are served
//! as it serves them, since older clients use them.

use axum::Json;
use axum::extract::{Path, Query, State};
use kinwarden_app::id_in_path;
use kinwarden_app::vault::ciphers;
use kinwarden_core::ids::CipherId;
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::vault::ciphers::{
    CipherBulkArchiveRequest, CipherBulkDeleteRequest, CipherBulkMoveRequest,
    CipherBulkRestoreRequest, CipherCreateRequest, CipherPartialRequest, CipherRequest,
};
use kinwarden_proto::vault::import::ImportCiphersRequest;
use kinwarden_proto::vault::responses::{
    CipherDetailsResponse, CipherMiniResponse, CipherResponse,
};

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

/// The ids of a bulk request; a text that is no id names nobody's item.
fn ids(raw: &[String]) -> Vec<CipherId> {
    raw.iter().filter_map(|id| id.parse().ok()).collect()
}

#[utoipa::path(
    get,
    path = "/ciphers",
    tag = "vault",
    security(("bearer" = [])),
    responses((status = 200, description = "Every item the caller reaches (their own and their collections'), the trash included", body = ListResponse<CipherDetailsResponse>), crate::openapi::UserErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
) -> Result<Json<ListResponse<CipherDetailsResponse>>, ApiError> {
    Ok(Json(ListResponse::new(ciphers::list(&state, &user).await?)))
}

#[utoipa::path(
    post,
    path = "/ciphers",
    tag = "vault",
    request_body = CipherRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The new item", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(ciphers::create(&state, &user, &request, None).await?))
}

/// The create of `bw create item`: the item and, for an organization's, its collections.
#[utoipa::path(
    post,
    path = "/ciphers/create",
    tag = "vault",
    request_body = CipherCreateRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The new item", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn create_with_collections(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherCreateRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    let cipher = request.cipher.unwrap_or_default();
    Ok(Json(
        ciphers::create(
            &state,
            &user,
            &cipher,
            Some(request.collection_ids.as_deref().unwrap_or_default()),
        )
        .await?,
    ))
}

/// Deletes the caller's items among the ids for good.
#[utoipa::path(
    delete,
    path = "/ciphers",
    tag = "vault",
    request_body = CipherBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted"), crate::openapi::UserErrors)
)]
pub async fn delete_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(ciphers::delete_many(&state, &user, &ids(&request.ids)).await?)
}

#[utoipa::path(
    get,
    path = "/ciphers/{cipher_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(ciphers::get(&state, &user, id_in_path(&id)?).await?))
}

#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item as saved", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::update(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// The reference's alias of `PUT`.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item as saved", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn update_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::update(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// Deletes the item for good, with its attachments.
#[utoipa::path(
    delete,
    path = "/ciphers/{cipher_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted"), crate::openapi::UserErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(ciphers::delete(&state, &user, id_in_path(&id)?).await?)
}

#[utoipa::path(
    get,
    path = "/ciphers/{cipher_id}/details",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "The item with its collections", body = CipherDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn details(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherDetailsResponse>, ApiError> {
    Ok(Json(
        ciphers::details(&state, &user, id_in_path(&id)?).await?,
    ))
}

/// The reference's alias of `…/details`.
#[utoipa::path(
    get,
    path = "/ciphers/{cipher_id}/full-details",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "The item with its collections", body = CipherDetailsResponse), crate::openapi::UserErrors)
)]
pub async fn full_details(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherDetailsResponse>, ApiError> {
    Ok(Json(
        ciphers::details(&state, &user, id_in_path(&id)?).await?,
    ))
}

/// The caller's folder and favourite mark of the item, nothing else.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/partial",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherPartialRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn partial(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherPartialRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::partial(
            &state,
            &user,
            id_in_path(&id)?,
            request.folder_id.as_deref(),
            request.favorite,
        )
        .await?,
    ))
}

/// The reference's alias of `PUT`.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/partial",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = CipherPartialRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn partial_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CipherPartialRequest>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::partial(
            &state,
            &user,
            id_in_path(&id)?,
            request.folder_id.as_deref(),
            request.favorite,
        )
        .await?,
    ))
}

/// Moves the item to the trash.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/delete",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "In the trash"), crate::openapi::UserErrors)
)]
pub async fn soft_delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(ciphers::trash(&state, &user, id_in_path(&id)?).await?)
}

/// The reference's alias of `DELETE`: deletes the item for good.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/delete",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted"), crate::openapi::UserErrors)
)]
pub async fn delete_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<(), ApiError> {
    Ok(ciphers::delete(&state, &user, id_in_path(&id)?).await?)
}

/// Brings the item back from the trash.
#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/restore",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn restore(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::restore(&state, &user, id_in_path(&id)?).await?,
    ))
}

/// Moves the caller's items among the ids to the trash.
#[utoipa::path(
    put,
    path = "/ciphers/delete",
    tag = "vault",
    request_body = CipherBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "In the trash"), crate::openapi::UserErrors)
)]
pub async fn soft_delete_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(ciphers::trash_many(&state, &user, &ids(&request.ids)).await?)
}

/// The reference's alias of `DELETE /ciphers`.
#[utoipa::path(
    post,
    path = "/ciphers/delete",
    tag = "vault",
    request_body = CipherBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted"), crate::openapi::UserErrors)
)]
pub async fn delete_many_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkDeleteRequest>,
) -> Result<(), ApiError> {
    Ok(ciphers::delete_many(&state, &user, &ids(&request.ids)).await?)
}

/// Brings the caller's items among the ids back from the trash.
#[utoipa::path(
    put,
    path = "/ciphers/restore",
    tag = "vault",
    request_body = CipherBulkRestoreRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The restored items", body = ListResponse<CipherMiniResponse>), crate::openapi::UserErrors)
)]
pub async fn restore_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkRestoreRequest>,
) -> Result<Json<ListResponse<CipherMiniResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        ciphers::restore_many(&state, &user, &ids(&request.ids)).await?,
    )))
}

/// Moves the caller's items among the ids into one of the caller's folders, or out of any.
#[utoipa::path(
    put,
    path = "/ciphers/move",
    tag = "vault",
    request_body = CipherBulkMoveRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Moved"), crate::openapi::UserErrors)
)]
pub async fn move_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkMoveRequest>,
) -> Result<(), ApiError> {
    Ok(ciphers::move_many(
        &state,
        &user,
        &ids(&request.ids),
        request.folder_id.as_deref(),
    )
    .await?)
}

/// The reference's alias of `PUT`.
#[utoipa::path(
    post,
    path = "/ciphers/move",
    tag = "vault",
    request_body = CipherBulkMoveRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Moved"), crate::openapi::UserErrors)
)]
pub async fn move_many_post(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkMoveRequest>,
) -> Result<(), ApiError> {
    Ok(ciphers::move_many(
        &state,
        &user,
        &ids(&request.ids),
        request.folder_id.as_deref(),
    )
    .await?)
}

/// Deletes every personal item and folder of the caller, or every item of the organization
/// named in the query (whoever may work on its unassigned items), once the master password is
/// proven.
#[utoipa::path(
    post,
    path = "/ciphers/purge",
    tag = "vault",
    params(crate::api::shared_ciphers::OrganizationQuery),
    request_body = SecretVerificationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Purged"), crate::openapi::UserErrors)
)]
pub async fn purge(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Query(query): Query<crate::api::shared_ciphers::OrganizationQuery>,
    ApiJson(request): ApiJson<SecretVerificationRequest>,
) -> Result<(), ApiError> {
    match query.organization_id.as_deref() {
        Some(org) => {
            Ok(
                kinwarden_app::vault::admin::purge(&state, &user, id_in_path(org)?, &request)
                    .await?,
            )
        }
        None => Ok(ciphers::purge(&state, &user, &request).await?),
    }
}

/// The largest import body (the reference's request limit, 30,000,000 bytes): 7,000 items of
/// a few kilobytes each fit.
pub const IMPORT_BODY_LIMIT: usize = crate::http::json::MAX_BODY_BYTES;

/// A personal import: folders, items and their links, all or nothing.
#[utoipa::path(
    post,
    path = "/ciphers/import",
    tag = "vault",
    request_body = ImportCiphersRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Imported"), crate::openapi::UserErrors)
)]
pub async fn import(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<ImportCiphersRequest>,
) -> Result<(), ApiError> {
    Ok(kinwarden_app::vault::import::import(&state, &user, &request).await?)
}

#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/archive",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "The item, archived", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn archive(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::archive(&state, &user, id_in_path(&id)?, true).await?,
    ))
}

#[utoipa::path(
    put,
    path = "/ciphers/{cipher_id}/unarchive",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    security(("bearer" = [])),
    responses((status = 200, description = "The item, out of the archive", body = CipherResponse), crate::openapi::UserErrors)
)]
pub async fn unarchive(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CipherResponse>, ApiError> {
    Ok(Json(
        ciphers::archive(&state, &user, id_in_path(&id)?, false).await?,
    ))
}

/// Archives the caller's items among the ids.
#[utoipa::path(
    put,
    path = "/ciphers/archive",
    tag = "vault",
    request_body = CipherBulkArchiveRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The items, archived", body = ListResponse<CipherResponse>), crate::openapi::UserErrors)
)]
pub async fn archive_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkArchiveRequest>,
) -> Result<Json<ListResponse<CipherResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        ciphers::archive_many(&state, &user, &ids(&request.ids), true).await?,
    )))
}

/// Takes the caller's items among the ids out of the archive.
#[utoipa::path(
    put,
    path = "/ciphers/unarchive",
    tag = "vault",
    request_body = CipherBulkArchiveRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The items, out of the archive", body = ListResponse<CipherResponse>), crate::openapi::UserErrors)
)]
pub async fn unarchive_many(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    ApiJson(request): ApiJson<CipherBulkArchiveRequest>,
) -> Result<Json<ListResponse<CipherResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        ciphers::archive_many(&state, &user, &ids(&request.ids), false).await?,
    )))
}
