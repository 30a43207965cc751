//! Items as a user reaches them (reference vault §1.8): create, read, update (with the
//! stale-edit check), the user's folder and favourite, the trash, permanent delete, bulk move,
//! archive, purge. A personal item is its owner's to do anything with; an organization's item
//! is reached through collections, with the rights they give (`reach`). What only concerns an
//! organization's items (sharing, collections, the admin views) is in `shared`.

use kinwarden_config::Mode;
use std::collections::BTreeMap;

use kinwarden_core::ids::{CipherId, FolderId, OrganizationId};
use kinwarden_core::vault::bulk::{self, BulkAction};
use kinwarden_core::vault::stale;
use kinwarden_core::vault::types::{CipherType, UNSUPPORTED_TYPE_MESSAGE};
use kinwarden_core::vault::validate::{ValidationErrors, required_message, validate_item_at};
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_proto::vault::ciphers::CipherRequest;
use kinwarden_proto::vault::responses::{
    CipherDetailsResponse, CipherMiniResponse, CipherResponse,
};

use super::{reach, request, respond};
use crate::organizations::access::access_of;
use crate::records::{CipherMarks, CipherRecord, UserRecord};
use crate::{App, AppError};

/// The reference's refusal of an item not encrypted for the caller.
const NOT_ENCRYPTED_FOR_YOU: &str =
    "Cipher was not encrypted for the current user. Please try again.";
/// The reference's refusal of a folder that is not the caller's (bulk move; Kinwarden checks it
/// on every save, as a folder of another user's would otherwise be stored).
const INVALID_FOLDER: &str = "Invalid folder.";
const ORGANIZATION_MISMATCH: &str =
    "Organization mismatch. Re-sync if you recently moved this item, then try again.";
pub(super) const NO_EDIT_PERMISSION: &str = "You do not have permissions to edit this.";
const NO_SOFT_DELETE_PERMISSION: &str = "You do not have permissions to soft delete this.";
const NO_DELETE_PERMISSION: &str = "You do not have permissions to delete this.";

/// Every item the user reaches: their own, the trash included, and the organizations' items
/// held by their collections.
pub async fn list(app: &App, user: &UserRecord) -> Result<Vec<CipherDetailsResponse>, AppError> {
    let (_, items) = reach::everything(app, user).await?;
    Ok(items
        .iter()
        .map(|item| respond::cipher_details(app, item))
        .collect())
}

pub async fn get(app: &App, user: &UserRecord, id: CipherId) -> Result<CipherResponse, AppError> {
    Ok(respond::cipher(app, &reach::item(app, user, id).await?))
}

pub async fn details(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<CipherDetailsResponse, AppError> {
    Ok(respond::cipher_details(
        app,
        &reach::item(app, user, id).await?,
    ))
}

/// The checks every save shares: encrypted for the caller, a served type with its part, valid
/// fields, and a folder of the caller's.
pub(super) async fn check_request(
    app: &App,
    user: &UserRecord,
    request: &CipherRequest,
    cipher_type: Option<i32>,
) -> Result<(CipherType, Option<FolderId>), AppError> {
    let mut errors = ValidationErrors::new();
    let cipher_type = check_item(user, request, cipher_type, "", &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let folder = own_folder(app, user, request.folder_id.as_deref()).await?;
    Ok((cipher_type, folder))
}

/// Checks one item as saved (alone, or as `Ciphers[i]` of an import: `prefix`): encrypted for
/// the caller and of a served type, refused at once; its fields and its type's part, with their
/// messages added to `errors` under the prefix.
pub(super) fn check_item(
    user: &UserRecord,
    request: &CipherRequest,
    cipher_type: Option<i32>,
    prefix: &str,
    errors: &mut ValidationErrors,
) -> Result<CipherType, AppError> {
    if let Some(encrypted_for) = request.encrypted_for.as_deref().filter(|id| !id.is_empty())
        && !encrypted_for.eq_ignore_ascii_case(&user.id.to_string())
    {
        return Err(AppError::BadRequest(NOT_ENCRYPTED_FOR_YOU.to_string()));
    }
    let cipher_type = CipherType::from_code(cipher_type.unwrap_or(0))
        .ok_or_else(|| AppError::BadRequest(UNSUPPORTED_TYPE_MESSAGE.to_string()))?;
    validate_item_at(&request::fields(request), prefix, errors);
    if request::whole_blob(request).is_none() {
        // The reference fails with a 500 when the type's part is missing; a clear 400 here.
        let (part, present) = match cipher_type {
            CipherType::Login => ("Login", request.login.is_some()),
            CipherType::SecureNote => ("SecureNote", request.secure_note.is_some()),
            CipherType::Card => ("Card", request.card.is_some()),
            CipherType::Identity => ("Identity", request.identity.is_some()),
            CipherType::SshKey => ("SSHKey", request.ssh_key.is_some()),
        };
        if !present {
            let key = if prefix.is_empty() {
                part.to_string()
            } else {
                format!("{prefix}.{part}")
            };
            errors.entry(key).or_default().push(required_message(part));
        }
    }
    Ok(cipher_type)
}

/// The caller's folder named by `raw` (none for no folder); another's or an unknown one is
/// refused.
async fn own_folder(
    app: &App,
    user: &UserRecord,
    raw: Option<&str>,
) -> Result<Option<FolderId>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return Ok(None);
    };
    let id: FolderId = raw
        .parse()
        .map_err(|_| AppError::BadRequest(INVALID_FOLDER.to_string()))?;
    match app.store.folder_of(user.id, id).await? {
        Some(_) => Ok(Some(id)),
        None => Err(AppError::BadRequest(INVALID_FOLDER.to_string())),
    }
}

/// The organization an item names, none for a personal one; an id that is no id names an
/// organization nobody belongs to (404).
pub(super) fn named_organization(raw: Option<&str>) -> Result<Option<OrganizationId>, AppError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| AppError::NotFound),
    }
}

/// Creates an item: a personal one, or an organization's in the collections given among those
/// the caller may write to (none writable: in no collection, seen by admins only).
pub async fn create(
    app: &App,
    user: &UserRecord,
    request: &CipherRequest,
    collection_ids: Option<&[String]>,
) -> Result<CipherResponse, AppError> {
    let (cipher_type, folder_id) = check_request(app, user, request, request.cipher_type).await?;
    let now = app.clock.now_millis();
    let org = named_organization(request.organization_id.as_deref())?;
    let cipher = CipherRecord {
        id: CipherId::new(),
        user_id: org.is_none().then_some(user.id),
        organization_id: org,
        cipher_type: cipher_type.code(),
        data: request::document(request, cipher_type),
        reprompt: request.reprompt,
        key: request.key.clone(),
        created_at: now,
        revision_date: now,
        deleted_at: None,
    };
    let marks = CipherMarks {
        folder_id,
        favorite: request.favorite,
        archived_at: None,
    };
    match org {
        None => {
            app.store
                .save_personal_cipher(user.id, &cipher, &marks)
                .await?;
        }
        Some(org) => {
            let access = access_of(app, user, org).await?;
            let wanted = super::shared::collections_of_org(app, org, collection_ids).await?;
            let writable = super::shared::writable(app, user, &access, &wanted).await?;
            app.store
                .save_org_cipher(user.id, &cipher, &marks, Some(&writable))
                .await?;
            if writable.is_empty() {
                // In no collection, the item is out of the creator's own reach from now on;
                // the answer still shows it as made, as the reference's does.
                let made = app
                    .store
                    .org_cipher(user.id, cipher.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                return Ok(respond::cipher(app, &reach::Reached::admin(made.item)));
            }
        }
    }
    get(app, user, cipher.id).await
}

/// Replaces an item's content; its type and owner stay. A client's copy older than the stored
/// item (`lastKnownRevisionDate`) is refused, so an edit never silently undoes another device's.
pub async fn update(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    request: &CipherRequest,
) -> Result<CipherResponse, AppError> {
    let existing = reach::item(app, user, id).await?;
    // This route never moves an item between owners (sharing does).
    let mismatch = || AppError::BadRequest(ORGANIZATION_MISMATCH.to_string());
    let named = named_organization(request.organization_id.as_deref()).map_err(|_| mismatch())?;
    if named != existing.organization() {
        return Err(mismatch());
    }
    let (cipher_type, folder_id) =
        check_request(app, user, request, Some(existing.item.cipher.cipher_type)).await?;
    if !existing.access.edit {
        return Err(AppError::BadRequest(NO_EDIT_PERMISSION.to_string()));
    }
    stale::check_last_known(
        existing.item.cipher.revision_date,
        request.last_known_revision_date.as_deref(),
    )
    .map_err(|stale| AppError::BadRequest(stale.message().to_string()))?;
    let cipher = CipherRecord {
        data: request::document(request, cipher_type),
        reprompt: request.reprompt,
        key: request.key.clone(),
        revision_date: app.clock.now_millis(),
        ..existing.item.cipher
    };
    let marks = CipherMarks {
        folder_id,
        favorite: request.favorite,
        ..existing.item.marks
    };
    let saved = match existing.item.cipher.organization_id {
        None => {
            app.store
                .save_personal_cipher(user.id, &cipher, &marks)
                .await?
        }
        Some(_) => {
            app.store
                .save_org_cipher(user.id, &cipher, &marks, None)
                .await?
        }
    };
    if !saved {
        return Err(AppError::NotFound);
    }
    get(app, user, id).await
}

/// Sets the caller's folder and favourite mark of an item, nothing else; reading it is enough.
pub async fn partial(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    folder: Option<&str>,
    favorite: bool,
) -> Result<CipherResponse, AppError> {
    let existing = reach::item(app, user, id).await?;
    let marks = CipherMarks {
        folder_id: own_folder(app, user, folder).await?,
        favorite,
        ..existing.item.marks
    };
    app.store
        .set_marks_of(user.id, &[(id, marks)], false, app.clock.now_millis())
        .await?;
    get(app, user, id).await
}

fn on_cloud(app: &App) -> bool {
    app.config.mode == Mode::Cloud
}

fn check_bulk(app: &App, action: BulkAction, count: usize) -> Result<(), AppError> {
    bulk::check(action, count, on_cloud(app)).map_err(|text| AppError::BadRequest(text.into()))
}

/// The caller's items among `ids` that pass `allowed`, split into personal ones and each
/// organization's; ids the caller does not reach or may not act on are left out.
async fn chosen(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
    allowed: impl Fn(&reach::Reached) -> bool,
) -> Result<(Vec<CipherId>, BTreeMap<OrganizationId, Vec<CipherId>>), AppError> {
    let (_, items) = reach::everything(app, user).await?;
    let wanted: std::collections::HashSet<CipherId> = ids.iter().copied().collect();
    let mut personal = Vec::new();
    let mut shared: BTreeMap<OrganizationId, Vec<CipherId>> = BTreeMap::new();
    for item in items
        .iter()
        .filter(|item| wanted.contains(&item.item.cipher.id) && allowed(item))
    {
        match item.organization() {
            None => personal.push(item.item.cipher.id),
            Some(org) => shared.entry(org).or_default().push(item.item.cipher.id),
        }
    }
    Ok((personal, shared))
}

/// Moves one item to the trash.
pub async fn trash(app: &App, user: &UserRecord, id: CipherId) -> Result<(), AppError> {
    let item = reach::item(app, user, id).await?;
    if !item.access.delete {
        return Err(AppError::BadRequest(NO_SOFT_DELETE_PERMISSION.to_string()));
    }
    move_to_trash(app, user, &[id], true).await
}

/// Moves the caller's items among `ids` to the trash; others' ids are ignored.
pub async fn trash_many(app: &App, user: &UserRecord, ids: &[CipherId]) -> Result<(), AppError> {
    check_bulk(app, BulkAction::SoftDelete, ids.len())?;
    move_to_trash(app, user, ids, true).await
}

async fn move_to_trash(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
    trash: bool,
) -> Result<(), AppError> {
    let now = app.clock.now_millis();
    let (personal, shared) = chosen(app, user, ids, |item| item.access.delete).await?;
    app.store
        .trash_personal_ciphers(user.id, &personal, trash, now)
        .await?;
    for (org, ids) in shared {
        app.store.trash_org_ciphers(org, &ids, trash, now).await?;
    }
    Ok(())
}

/// Brings one item back from the trash.
pub async fn restore(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<CipherResponse, AppError> {
    let item = reach::item(app, user, id).await?;
    if !item.access.restore {
        return Err(AppError::BadRequest(NO_DELETE_PERMISSION.to_string()));
    }
    move_to_trash(app, user, &[id], false).await?;
    get(app, user, id).await
}

/// Brings the caller's items among `ids` back from the trash; answers them.
pub async fn restore_many(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
) -> Result<Vec<CipherMiniResponse>, AppError> {
    check_bulk(app, BulkAction::Restore, ids.len())?;
    move_to_trash(app, user, ids, false).await?;
    let wanted: std::collections::HashSet<CipherId> = ids.iter().copied().collect();
    let (_, items) = reach::everything(app, user).await?;
    Ok(items
        .iter()
        .filter(|item| {
            wanted.contains(&item.item.cipher.id) && item.item.cipher.deleted_at.is_none()
        })
        .map(|item| respond::mini(app, &item.item))
        .collect())
}

/// Deletes one item for good, with its attachments.
pub async fn delete(app: &App, user: &UserRecord, id: CipherId) -> Result<(), AppError> {
    let item = reach::item(app, user, id).await?;
    if !item.access.delete {
        return Err(AppError::BadRequest(NO_DELETE_PERMISSION.to_string()));
    }
    delete_chosen(app, user, &[id]).await
}

/// Deletes the caller's items among `ids` for good; others' ids are ignored.
pub async fn delete_many(app: &App, user: &UserRecord, ids: &[CipherId]) -> Result<(), AppError> {
    check_bulk(app, BulkAction::Delete, ids.len())?;
    delete_chosen(app, user, ids).await
}

async fn delete_chosen(app: &App, user: &UserRecord, ids: &[CipherId]) -> Result<(), AppError> {
    let now = app.clock.now_millis();
    let (personal, shared) = chosen(app, user, ids, |item| item.access.delete).await?;
    let mut attachments = app
        .store
        .delete_personal_ciphers(user.id, &personal, now)
        .await?;
    for (org, ids) in shared {
        attachments.extend(app.store.delete_org_ciphers(org, Some(&ids), now).await?);
    }
    crate::vault::files::remove(app, &attachments).await;
    Ok(())
}

/// Moves the caller's items among `ids` into one of the caller's folders, or out of any.
pub async fn move_many(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
    folder: Option<&str>,
) -> Result<(), AppError> {
    check_bulk(app, BulkAction::Move, ids.len())?;
    let folder = own_folder(app, user, folder).await?;
    let wanted: std::collections::HashSet<CipherId> = ids.iter().copied().collect();
    let (_, items) = reach::everything(app, user).await?;
    let marks: Vec<(CipherId, CipherMarks)> = items
        .into_iter()
        .filter(|item| wanted.contains(&item.item.cipher.id))
        .map(|item| {
            (
                item.item.cipher.id,
                CipherMarks {
                    folder_id: folder,
                    ..item.item.marks
                },
            )
        })
        .collect();
    app.store
        .set_marks_of(user.id, &marks, false, app.clock.now_millis())
        .await?;
    Ok(())
}

/// Archives the caller's items among `ids` (`archive`) or takes them out of the archive;
/// answers them as they are now.
pub async fn archive_many(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
    archive: bool,
) -> Result<Vec<CipherResponse>, AppError> {
    let action = if archive {
        BulkAction::Archive
    } else {
        BulkAction::Unarchive
    };
    check_bulk(app, action, ids.len())?;
    let now = app.clock.now_millis();
    let wanted: std::collections::HashSet<CipherId> = ids.iter().copied().collect();
    let (_, items) = reach::everything(app, user).await?;
    let marks: Vec<(CipherId, CipherMarks)> = items
        .into_iter()
        .filter(|item| wanted.contains(&item.item.cipher.id))
        .map(|item| {
            (
                item.item.cipher.id,
                CipherMarks {
                    archived_at: archive.then_some(now),
                    ..item.item.marks
                },
            )
        })
        .collect();
    app.store.set_marks_of(user.id, &marks, true, now).await?;
    let (_, items) = reach::everything(app, user).await?;
    Ok(items
        .iter()
        .filter(|item| wanted.contains(&item.item.cipher.id))
        .map(|item| respond::cipher(app, item))
        .collect())
}

/// Archives one item, or takes it out of the archive.
pub async fn archive(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    archive: bool,
) -> Result<CipherResponse, AppError> {
    reach::item(app, user, id).await?;
    archive_many(app, user, &[id], archive)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Deletes every personal item and folder of the user, once the master password is proven.
pub async fn purge(
    app: &App,
    user: &UserRecord,
    secret: &SecretVerificationRequest,
) -> Result<(), AppError> {
    verify_purge_secret(app, user, secret).await?;
    let attachments = app
        .store
        .purge_personal_vault(user.id, app.clock.now_millis())
        .await?;
    crate::vault::files::remove(app, &attachments).await;
    Ok(())
}

/// The master password (or an e-mailed code) proves the caller before a purge.
pub(super) async fn verify_purge_secret(
    app: &App,
    user: &UserRecord,
    secret: &SecretVerificationRequest,
) -> Result<(), AppError> {
    crate::accounts::secret_check::verify_secret(app, user, secret)
        .await
        .map_err(|err| match err {
            AppError::Validation(_) => AppError::field("", "User verification failed."),
            other => other,
        })
}
