//! A user's folders (reference vault §2): list, read, create, rename, delete.

use kinwarden_core::ids::FolderId;
use kinwarden_core::vault::folders as rules;
use kinwarden_proto::vault::folders::{FolderRequest, FolderResponse};

use crate::records::{FolderRecord, UserRecord};
use crate::wire_time;
use crate::{App, AppError};

pub fn response(folder: &FolderRecord) -> FolderResponse {
    FolderResponse::new(
        folder.id.to_string(),
        folder.name.clone(),
        wire_time::from_millis(folder.revision_date),
    )
}

pub async fn list(app: &App, user: &UserRecord) -> Result<Vec<FolderResponse>, AppError> {
    Ok(app
        .store
        .folders_of(user.id)
        .await?
        .iter()
        .map(response)
        .collect())
}

pub async fn get(app: &App, user: &UserRecord, id: FolderId) -> Result<FolderResponse, AppError> {
    let folder = app
        .store
        .folder_of(user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(response(&folder))
}

fn checked_name(request: &FolderRequest) -> Result<String, AppError> {
    let errors = rules::validate_folder(request.name.as_deref());
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(request.name.clone().unwrap_or_default())
}

pub async fn create(
    app: &App,
    user: &UserRecord,
    request: &FolderRequest,
) -> Result<FolderResponse, AppError> {
    let name = checked_name(request)?;
    let now = app.clock.now_millis();
    let folder = FolderRecord {
        id: FolderId::new(),
        user_id: user.id,
        name,
        created_at: now,
        revision_date: now,
    };
    app.store.save_folder(&folder).await?;
    Ok(response(&folder))
}

pub async fn rename(
    app: &App,
    user: &UserRecord,
    id: FolderId,
    request: &FolderRequest,
) -> Result<FolderResponse, AppError> {
    let existing = app
        .store
        .folder_of(user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = checked_name(request)?;
    let folder = FolderRecord {
        name,
        revision_date: app.clock.now_millis(),
        ..existing
    };
    if !app.store.save_folder(&folder).await? {
        return Err(AppError::NotFound);
    }
    Ok(response(&folder))
}

/// Deletes one of the user's folders; its items fall back to no folder.
pub async fn delete(app: &App, user: &UserRecord, id: FolderId) -> Result<(), AppError> {
    let deleted = app
        .store
        .delete_folders(user.id, &[id], app.clock.now_millis())
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Deletes the user's folders among `ids` (others' ids are ignored), or all of them.
pub async fn delete_many(
    app: &App,
    user: &UserRecord,
    ids: Option<Vec<FolderId>>,
) -> Result<(), AppError> {
    let ids = match ids {
        Some(ids) => {
            rules::check_bulk_delete(ids.len(), app.config.mode == kinwarden_config::Mode::Cloud)
                .map_err(|message| AppError::BadRequest(message.to_string()))?;
            ids
        }
        None => app
            .store
            .folders_of(user.id)
            .await?
            .into_iter()
            .map(|folder| folder.id)
            .collect(),
    };
    app.store
        .delete_folders(user.id, &ids, app.clock.now_millis())
        .await?;
    Ok(())
}
