//! A personal import (reference vault §7.1, what `bw import` sends): folders, items and the
//! links between them by place, written all or nothing. Each item is checked as if saved alone
//! (messages keyed `Ciphers[i]…`); an organization named by an item is not read (the items are
//! the caller's), and neither is an item's `folderId` (the links say where each goes).

use std::collections::HashSet;

use kinwarden_config::Mode;
use kinwarden_core::ids::{CipherId, FolderId};
use kinwarden_core::vault::folders::validate_folder_at;
use kinwarden_core::vault::import::{ImportCounts, check_limits, folder_of_each_item};
use kinwarden_core::vault::validate::ValidationErrors;
use kinwarden_proto::vault::folders::FolderWithIdRequest;
use kinwarden_proto::vault::import::ImportCiphersRequest;

use super::{ciphers, request};
use crate::records::{CipherMarks, CipherRecord, FolderRecord, UserRecord};
use crate::{App, AppError};

pub async fn import(
    app: &App,
    user: &UserRecord,
    body: &ImportCiphersRequest,
) -> Result<(), AppError> {
    check_limits(
        ImportCounts {
            ciphers: body.ciphers.len(),
            folders: body.folders.len(),
            folder_relationships: body.folder_relationships.len(),
        },
        app.config.mode == Mode::Cloud,
    )
    .map_err(|text| AppError::BadRequest(text.to_string()))?;
    let mut errors = ValidationErrors::new();
    for (i, folder) in body.folders.iter().enumerate() {
        validate_folder_at(
            folder.name.as_deref(),
            &format!("Folders[{i}]"),
            &mut errors,
        );
    }
    let mut types = Vec::with_capacity(body.ciphers.len());
    for (i, item) in body.ciphers.iter().enumerate() {
        types.push(ciphers::check_item(
            user,
            item,
            item.cipher_type,
            &format!("Ciphers[{i}]"),
            &mut errors,
        )?);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // As the reference: an import without items writes nothing, its folders included.
    if body.ciphers.is_empty() {
        return Ok(());
    }

    let now = app.clock.now_millis();
    let (new_folders, folder_ids) = folders_of_import(app, user, &body.folders, now).await?;
    let folder_of = folder_of_each_item(
        body.folder_relationships
            .iter()
            .map(|link| (link.key, link.value)),
        body.ciphers.len(),
        body.folders.len(),
    );
    let items: Vec<(CipherRecord, CipherMarks)> = body
        .ciphers
        .iter()
        .zip(types)
        .zip(folder_of)
        .map(|((item, cipher_type), folder)| {
            let cipher = CipherRecord {
                id: CipherId::new(),
                user_id: Some(user.id),
                organization_id: None,
                cipher_type: cipher_type.code(),
                data: request::document(item, cipher_type),
                reprompt: item.reprompt,
                key: item.key.clone(),
                created_at: now,
                revision_date: now,
                deleted_at: None,
            };
            let marks = CipherMarks {
                folder_id: folder.and_then(|place| folder_ids.get(place).copied()),
                favorite: item.favorite,
                archived_at: item
                    .archived_date
                    .as_deref()
                    .and_then(kinwarden_core::vault::stale::parse_client_date)
                    .map(|date| date.timestamp_millis()),
            };
            (cipher, marks)
        })
        .collect();
    app.store
        .import_personal(user.id, &new_folders, &items, now)
        .await?;
    Ok(())
}

/// The folders of an import: one naming one of the user's own by id is that folder; every other
/// one is new. Answers the new folders and each listed folder's id, by place.
pub(super) async fn folders_of_import(
    app: &App,
    user: &UserRecord,
    folders: &[FolderWithIdRequest],
    now: i64,
) -> Result<(Vec<FolderRecord>, Vec<FolderId>), AppError> {
    let own: HashSet<FolderId> = app
        .store
        .folders_of(user.id)
        .await?
        .into_iter()
        .map(|folder| folder.id)
        .collect();
    let mut new_folders = Vec::new();
    let ids = folders
        .iter()
        .map(|folder| {
            match folder
                .id
                .as_deref()
                .and_then(|id| id.parse::<FolderId>().ok())
                .filter(|id| own.contains(id))
            {
                Some(existing) => existing,
                None => {
                    let id = FolderId::new();
                    new_folders.push(FolderRecord {
                        id,
                        user_id: user.id,
                        name: folder.name.clone().unwrap_or_default(),
                        created_at: now,
                        revision_date: now,
                    });
                    id
                }
            }
        })
        .collect();
    Ok((new_folders, ids))
}
