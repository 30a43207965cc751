//! Attachments of personal items (reference vault §3): the v2 reservation, the direct upload
//! (multipart, the file in the first part), the attachment with a fresh download link, the
//! anonymous download that link points to, and the delete. The use-cases are
//! `kinwarden_app::vault::attachments`.

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kinwarden_app::id_in_path;
use kinwarden_app::vault::attachments;
use kinwarden_proto::vault::attachments::{
    AttachmentRequest, AttachmentResponse, AttachmentUploadDataResponse, DeleteAttachmentResponse,
};
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/attachment/v2",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item")),
    request_body = AttachmentRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Reserved: upload the file to `url`", body = AttachmentUploadDataResponse), crate::openapi::UserErrors)
)]
pub async fn reserve(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AttachmentRequest>,
) -> Result<Json<AttachmentUploadDataResponse>, ApiError> {
    Ok(Json(
        attachments::reserve(&state, &user, id_in_path(&id)?, &request).await?,
    ))
}

/// The direct upload of a reserved attachment: a multipart body whose first part is the file.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/attachment/{attachment_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item"), ("attachment_id" = String, Path, description = "The reserved attachment")),
    request_body(content = String, content_type = "multipart/form-data", description = "One part, the encrypted file"),
    security(("bearer" = [])),
    responses((status = 200, description = "Uploaded"), crate::openapi::UserErrors)
)]
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((id, attachment)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(), ApiError> {
    let invalid = || ApiError::BadRequest("Invalid content.".to_string());
    // Whose attachment it is comes first: a stranger learns nothing from the body's checks.
    let mut upload =
        attachments::begin_upload(&state, &user, id_in_path(&id)?, id_in_path(&attachment)?)
            .await?;
    let mut multipart = multipart.map_err(|_| invalid())?;
    let mut field = multipart
        .next_field()
        .await
        .map_err(|_| invalid())?
        .filter(|field| field.file_name().is_some())
        .ok_or_else(invalid)?;
    loop {
        let written = match field.chunk().await {
            Ok(Some(chunk)) => upload.write(&chunk).await,
            Ok(None) => break,
            Err(_) => Err(kinwarden_app::AppError::BadRequest(
                "Invalid content.".into(),
            )),
        };
        if let Err(err) = written {
            attachments::abandon_upload(&state, upload).await?;
            return Err(err.into());
        }
    }
    Ok(attachments::finish_upload(&state, upload).await?)
}

#[utoipa::path(
    get,
    path = "/ciphers/{cipher_id}/attachment/{attachment_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item"), ("attachment_id" = String, Path, description = "The attachment")),
    security(("bearer" = [])),
    responses((status = 200, description = "The attachment with a download link that works for a few minutes", body = AttachmentResponse), crate::openapi::UserErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Json<AttachmentResponse>, ApiError> {
    Ok(Json(
        attachments::get(&state, &user, id_in_path(&id)?, id_in_path(&attachment)?).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/ciphers/{cipher_id}/attachment/{attachment_id}",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item"), ("attachment_id" = String, Path, description = "The attachment")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted, with the item after", body = DeleteAttachmentResponse), crate::openapi::UserErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Json<DeleteAttachmentResponse>, ApiError> {
    Ok(Json(
        attachments::delete(&state, &user, id_in_path(&id)?, id_in_path(&attachment)?).await?,
    ))
}

/// The reference's alias of `DELETE`.
#[utoipa::path(
    post,
    path = "/ciphers/{cipher_id}/attachment/{attachment_id}/delete",
    tag = "vault",
    params(("cipher_id" = String, Path, description = "The item"), ("attachment_id" = String, Path, description = "The attachment")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted, with the item after", body = DeleteAttachmentResponse), crate::openapi::UserErrors)
)]
pub async fn delete_post(
    state: State<AppState>,
    user: CurrentUser,
    ids: Path<(String, String)>,
) -> Result<Json<DeleteAttachmentResponse>, ApiError> {
    delete(state, user, ids).await
}

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    token: String,
}

/// The file a download link names; anyone holding the link may fetch it until it expires, as
/// clients send no bearer token here.
#[utoipa::path(
    get,
    path = "/ciphers/attachment/download",
    tag = "vault",
    params(("token" = String, Query, description = "The link's signed token")),
    responses((status = 200, description = "The encrypted file", content_type = "application/octet-stream", body = Vec<u8>), crate::openapi::AnonymousErrors)
)]
pub async fn download(
    State(state): State<AppState>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ApiError> {
    let path = attachments::open_download(&state, &query.token).await?;
    // A file gone from the disk is the same "not found" as any other failure here.
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ApiError::NotFound)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}
