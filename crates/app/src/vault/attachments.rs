//! Attachments of personal items (reference vault §3): the v2 reservation, the direct upload to
//! this server (streamed to a temporary file beside its place, checked against the reserved
//! size, then renamed into place), a download link that authorizes itself (clients fetch it
//! without their bearer token), and the delete.

use std::io;
use std::path::PathBuf;

use chrono::Duration;
use kinwarden_core::ids::{AttachmentId, CipherId};
use kinwarden_core::tokens::{AttachmentDownloadClaims, audience};
use kinwarden_core::vault::attachments::{
    AttachmentRefusal, StorageOwner, check_max_size, check_received, check_storage, size_name,
};
use kinwarden_core::vault::stale;
use kinwarden_proto::vault::attachments::{
    AttachmentRequest, AttachmentResponse, AttachmentUploadDataResponse, DeleteAttachmentResponse,
};
use tokio::io::AsyncWriteExt;

use super::reach::Reached;
use super::{files, respond};
use crate::records::{AttachmentRecord, ItemOwner, UserRecord};
use crate::{App, AppError};

/// How long a download link works: long enough for a client to fetch what it just listed.
const DOWNLOAD_LINK_MINUTES: i64 = 5;

fn refused(refusal: AttachmentRefusal) -> AppError {
    AppError::BadRequest(refusal.message())
}

/// An item the user may change the files of: their own, or an organization's they may edit.
async fn editable_item(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<(Reached, ItemOwner), AppError> {
    let reached = super::reach::item(app, user, id).await?;
    if !reached.access.edit {
        return Err(AppError::BadRequest(
            super::ciphers::NO_EDIT_PERMISSION.to_string(),
        ));
    }
    let owner = match reached.organization() {
        Some(org) => ItemOwner::Organization(org),
        None => ItemOwner::User(user.id),
    };
    Ok((reached, owner))
}

/// Whose storage an item's files count against, and how much of it is used.
async fn storage_of(
    app: &App,
    user: &UserRecord,
    owner: ItemOwner,
) -> Result<(StorageOwner, i64), AppError> {
    Ok(match owner {
        ItemOwner::User(_) => (
            StorageOwner::User {
                premium: crate::accounts::profile::has_premium(app, user).await?,
            },
            app.store.personal_storage_used(user.id).await?,
        ),
        ItemOwner::Organization(org) => {
            let org_record = app
                .store
                .organization(org)
                .await?
                .ok_or(AppError::NotFound)?;
            (
                StorageOwner::Organization {
                    max_storage_gb: crate::organizations::terms::of(&org_record).max_storage_gb,
                },
                app.store.organization_storage_used(org).await?,
            )
        }
    })
}

/// The link that downloads an attachment for the next few minutes, without a bearer token.
pub fn download_url(app: &App, cipher: CipherId, attachment: AttachmentId) -> String {
    let now = app.clock.now();
    let claims = AttachmentDownloadClaims {
        iss: app.tokens.issuer().to_string(),
        aud: audience::ATTACHMENT_DOWNLOAD.to_string(),
        nbf: now.timestamp(),
        exp: (now + Duration::minutes(DOWNLOAD_LINK_MINUTES)).timestamp(),
        cid: cipher.to_string(),
        aid: attachment.to_string(),
    };
    // Signing with the local secret cannot fail for these claims; an empty token would only
    // make the download answer 404.
    let token = app.tokens.sign_local(&claims).unwrap_or_default();
    // A JWT is made of URL-safe characters only.
    app.urls
        .join(&format!("api/ciphers/attachment/download?token={token}"))
}

/// Reserves an attachment on the user's item: the client then uploads it to the answered path.
pub async fn reserve(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    request: &AttachmentRequest,
) -> Result<AttachmentUploadDataResponse, AppError> {
    let (item, owner) = editable_item(app, user, id).await?;
    stale::check_last_known(
        item.item.cipher.revision_date,
        request.last_known_revision_date.as_deref(),
    )
    .map_err(|stale| AppError::BadRequest(stale.message().to_string()))?;
    check_max_size(request.file_size, app.config.attachment_max_bytes).map_err(refused)?;
    let (storage, used) = storage_of(app, user, owner).await?;
    check_storage(storage, used, request.file_size).map_err(refused)?;
    let attachment = AttachmentRecord {
        id: AttachmentId::new(),
        cipher_id: id,
        file_name: request.file_name.clone().unwrap_or_default(),
        key: request.key.clone(),
        size: request.file_size,
        validated: false,
        created_at: app.clock.now_millis(),
    };
    if !app.store.add_attachment(owner, &attachment).await? {
        return Err(AppError::NotFound);
    }
    let item = super::reach::item(app, user, id).await?;
    Ok(AttachmentUploadDataResponse::direct(
        attachment.id.to_string(),
        format!("{id}/attachment/{}", attachment.id),
        Some(respond::cipher(app, &item)),
        None,
    ))
}

/// An upload in progress: a temporary file beside the attachment's place.
pub struct Upload {
    file: tokio::fs::File,
    temp: tempfile::TempPath,
    target: PathBuf,
    received: i64,
    declared: i64,
    max_bytes: i64,
    cipher: CipherId,
    attachment: AttachmentId,
    owner: ItemOwner,
}

/// Starts the upload of a reserved, not yet uploaded attachment of the user's item.
pub async fn begin_upload(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    attachment: AttachmentId,
) -> Result<Upload, AppError> {
    let (item, owner) = editable_item(app, user, id).await?;
    let reserved = item
        .item
        .attachments
        .iter()
        .find(|a| a.id == attachment && !a.validated)
        .ok_or(AppError::NotFound)?;
    let target = files::store(app).path(id, attachment);
    let dir = target
        .parent()
        .map(PathBuf::from)
        .ok_or_else(|| AppError::internal("an attachment path without a folder"))?;
    let (file, temp) = tokio::task::spawn_blocking(move || -> io::Result<_> {
        std::fs::create_dir_all(&dir)?;
        let temp = tempfile::NamedTempFile::new_in(&dir)?;
        let file = temp.reopen()?;
        Ok((file, temp.into_temp_path()))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    Ok(Upload {
        file: tokio::fs::File::from_std(file),
        temp,
        target,
        received: 0,
        declared: reserved.size,
        max_bytes: app.config.attachment_max_bytes,
        cipher: id,
        attachment,
        owner,
    })
}

impl Upload {
    /// Appends a chunk; refuses (and the upload is dropped with its temporary file) once more
    /// arrived than the reservation allows.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.received = self
            .received
            .saturating_add(i64::try_from(chunk.len()).unwrap_or(i64::MAX));
        // Only too much is known before the end; too little is checked at the end.
        if self.received > self.declared {
            check_received(self.declared, self.received, self.max_bytes).map_err(refused)?;
        }
        self.file.write_all(chunk).await.map_err(AppError::internal)
    }
}

/// Finishes an upload: the file must match its reservation (within the reference's leeway),
/// else the reservation is removed and the upload refused; otherwise the file is renamed into
/// place and the attachment validated with its real size.
pub async fn finish_upload(app: &App, upload: Upload) -> Result<(), AppError> {
    let Upload {
        mut file,
        temp,
        target,
        received,
        declared,
        cipher,
        attachment,
        owner,
        ..
    } = upload;
    if let Err(refusal) = check_received(declared, received, app.config.attachment_max_bytes) {
        drop(temp);
        app.store
            .delete_attachment(owner, cipher, attachment, app.clock.now_millis())
            .await?;
        return Err(refused(refusal));
    }
    file.flush().await.map_err(AppError::internal)?;
    file.sync_all().await.map_err(AppError::internal)?;
    drop(file);
    tokio::task::spawn_blocking(move || temp.persist(&target).map_err(|err| err.error))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    app.store
        .validate_attachment(cipher, attachment, received)
        .await?;
    Ok(())
}

/// Gives up an upload that went wrong (too much arrived, the body broke off): its temporary
/// file goes, and so does its reservation, as the reference removes a reservation whose file
/// did not match; the client reserves again.
pub async fn abandon_upload(app: &App, upload: Upload) -> Result<(), AppError> {
    let Upload {
        temp,
        cipher,
        attachment,
        owner,
        ..
    } = upload;
    drop(temp);
    app.store
        .delete_attachment(owner, cipher, attachment, app.clock.now_millis())
        .await?;
    Ok(())
}

/// The attachment with a fresh download link.
pub async fn get(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    attachment: AttachmentId,
) -> Result<AttachmentResponse, AppError> {
    // Anyone who sees the item may download its files.
    let item = super::reach::item(app, user, id).await?.item;
    let found = item
        .attachments
        .iter()
        .find(|a| a.id == attachment)
        .ok_or(AppError::NotFound)?;
    Ok(response(app, found))
}

/// An attachment as answered, with a fresh download link.
pub(super) fn response(app: &App, attachment: &AttachmentRecord) -> AttachmentResponse {
    AttachmentResponse {
        id: attachment.id.to_string(),
        url: Some(download_url(app, attachment.cipher_id, attachment.id)),
        file_name: Some(attachment.file_name.clone()),
        key: attachment.key.clone(),
        size: attachment.size.to_string(),
        size_name: size_name(attachment.size),
        object: "attachment".to_string(),
    }
}

/// Removes an attachment of the user's item, and its file after.
pub async fn delete(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    attachment: AttachmentId,
) -> Result<DeleteAttachmentResponse, AppError> {
    let (item, owner) = editable_item(app, user, id).await?;
    let record = item
        .item
        .attachments
        .iter()
        .find(|a| a.id == attachment)
        .cloned()
        .ok_or(AppError::NotFound)?;
    if !app
        .store
        .delete_attachment(owner, id, attachment, app.clock.now_millis())
        .await?
    {
        return Err(AppError::NotFound);
    }
    files::remove(app, &[record]).await;
    let item = super::reach::item(app, user, id).await?;
    Ok(DeleteAttachmentResponse {
        cipher: respond::mini(app, &item.item),
        object: "deleteAttachment".to_string(),
    })
}

/// The file a download link names: its path, once the link checks out and the attachment
/// exists and has arrived. Anything else is "not found", whatever the reason.
pub async fn open_download(app: &App, token: &str) -> Result<PathBuf, AppError> {
    let claims: AttachmentDownloadClaims = app
        .tokens
        .verify(
            token,
            audience::ATTACHMENT_DOWNLOAD,
            app.clock.now().timestamp(),
        )
        .map_err(|_| AppError::NotFound)?;
    let cipher: CipherId = claims.cid.parse().map_err(|_| AppError::NotFound)?;
    let attachment: AttachmentId = claims.aid.parse().map_err(|_| AppError::NotFound)?;
    let record = app
        .store
        .attachment(cipher, attachment)
        .await?
        .filter(|record| record.validated)
        .ok_or(AppError::NotFound)?;
    Ok(files::store(app).path(record.cipher_id, record.id))
}
