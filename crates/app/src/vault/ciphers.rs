//! A user's personal items (reference vault §1.8): create, read, update (with the stale-edit
//! check), the user's folder and favourite, the trash, permanent delete, bulk move, purge.
//! Organization items come with collections (SPEC §11); until then an item naming an
//! organization is refused as the reference refuses a caller who is not a member.

use kinwarden_config::Mode;
use kinwarden_core::ids::{CipherId, FolderId};
use kinwarden_core::vault::bulk::{self, BulkAction};
use kinwarden_core::vault::stale;
use kinwarden_core::vault::types::{CipherType, UNSUPPORTED_TYPE_MESSAGE};
use kinwarden_core::vault::validate::{ValidationErrors, required_message, validate_item_at};
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_proto::vault::ciphers::CipherRequest;
use kinwarden_proto::vault::responses::{
    CipherDetailsResponse, CipherMiniResponse, CipherResponse,
};

use super::{request, respond};
use crate::records::{CipherMarks, CipherRecord, UserCipher, UserRecord};
use crate::{App, AppError};

/// The reference's refusal of an item not encrypted for the caller.
const NOT_ENCRYPTED_FOR_YOU: &str =
    "Cipher was not encrypted for the current user. Please try again.";
/// The reference's refusal of a folder that is not the caller's (bulk move; Kinwarden checks it
/// on every save, as a folder of another user's would otherwise be stored).
const INVALID_FOLDER: &str = "Invalid folder.";

/// Every personal item of the user, the trash included.
pub async fn list(app: &App, user: &UserRecord) -> Result<Vec<CipherDetailsResponse>, AppError> {
    Ok(app
        .store
        .personal_ciphers(user.id)
        .await?
        .iter()
        .map(|item| respond::cipher_details(app, item))
        .collect())
}

async fn load(app: &App, user: &UserRecord, id: CipherId) -> Result<UserCipher, AppError> {
    app.store
        .personal_cipher(user.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn get(app: &App, user: &UserRecord, id: CipherId) -> Result<CipherResponse, AppError> {
    Ok(respond::personal(app, &load(app, user, id).await?))
}

pub async fn details(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<CipherDetailsResponse, AppError> {
    Ok(respond::cipher_details(app, &load(app, user, id).await?))
}

/// The checks every save shares: encrypted for the caller, a served type with its part, valid
/// fields, and a folder of the caller's.
async fn check_request(
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

fn refuse_organization(request: &CipherRequest) -> Result<(), AppError> {
    if request
        .organization_id
        .as_deref()
        .is_some_and(|org| !org.trim().is_empty())
    {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Creates a personal item.
pub async fn create(
    app: &App,
    user: &UserRecord,
    request: &CipherRequest,
) -> Result<CipherResponse, AppError> {
    refuse_organization(request)?;
    let (cipher_type, folder_id) = check_request(app, user, request, request.cipher_type).await?;
    let now = app.clock.now_millis();
    let cipher = CipherRecord {
        id: CipherId::new(),
        user_id: Some(user.id),
        organization_id: None,
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
    app.store
        .save_personal_cipher(user.id, &cipher, &marks)
        .await?;
    get(app, user, cipher.id).await
}

/// Replaces a personal item's content; its type stays. A client's copy older than the stored
/// item (`lastKnownRevisionDate`) is refused, so an edit never silently undoes another device's.
pub async fn update(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    request: &CipherRequest,
) -> Result<CipherResponse, AppError> {
    let existing = load(app, user, id).await?;
    refuse_organization(request)?;
    let (cipher_type, folder_id) =
        check_request(app, user, request, Some(existing.cipher.cipher_type)).await?;
    stale::check_last_known(
        existing.cipher.revision_date,
        request.last_known_revision_date.as_deref(),
    )
    .map_err(|stale| AppError::BadRequest(stale.message().to_string()))?;
    let cipher = CipherRecord {
        data: request::document(request, cipher_type),
        reprompt: request.reprompt,
        key: request.key.clone(),
        revision_date: app.clock.now_millis(),
        ..existing.cipher
    };
    let marks = CipherMarks {
        folder_id,
        favorite: request.favorite,
        ..existing.marks
    };
    if !app
        .store
        .save_personal_cipher(user.id, &cipher, &marks)
        .await?
    {
        return Err(AppError::NotFound);
    }
    get(app, user, id).await
}

/// Sets the caller's folder and favourite mark of an item, nothing else.
pub async fn partial(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    folder: Option<&str>,
    favorite: bool,
) -> Result<CipherResponse, AppError> {
    let existing = load(app, user, id).await?;
    let marks = CipherMarks {
        folder_id: own_folder(app, user, folder).await?,
        favorite,
        ..existing.marks
    };
    app.store
        .set_personal_marks(user.id, id, &marks, app.clock.now_millis())
        .await?;
    get(app, user, id).await
}

fn on_cloud(app: &App) -> bool {
    app.config.mode == Mode::Cloud
}

fn check_bulk(app: &App, action: BulkAction, count: usize) -> Result<(), AppError> {
    bulk::check(action, count, on_cloud(app)).map_err(|text| AppError::BadRequest(text.into()))
}

/// Moves one item to the trash.
pub async fn trash(app: &App, user: &UserRecord, id: CipherId) -> Result<(), AppError> {
    load(app, user, id).await?;
    app.store
        .trash_personal_ciphers(user.id, &[id], true, app.clock.now_millis())
        .await?;
    Ok(())
}

/// Moves the caller's items among `ids` to the trash; others' ids are ignored.
pub async fn trash_many(app: &App, user: &UserRecord, ids: &[CipherId]) -> Result<(), AppError> {
    check_bulk(app, BulkAction::SoftDelete, ids.len())?;
    app.store
        .trash_personal_ciphers(user.id, ids, true, app.clock.now_millis())
        .await?;
    Ok(())
}

/// Brings one item back from the trash.
pub async fn restore(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<CipherResponse, AppError> {
    load(app, user, id).await?;
    app.store
        .trash_personal_ciphers(user.id, &[id], false, app.clock.now_millis())
        .await?;
    get(app, user, id).await
}

/// Brings the caller's items among `ids` back from the trash; answers them.
pub async fn restore_many(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
) -> Result<Vec<CipherMiniResponse>, AppError> {
    check_bulk(app, BulkAction::Restore, ids.len())?;
    app.store
        .trash_personal_ciphers(user.id, ids, false, app.clock.now_millis())
        .await?;
    let mut restored = Vec::new();
    for id in ids {
        if let Some(item) = app.store.personal_cipher(user.id, *id).await? {
            restored.push(respond::mini(app, &item));
        }
    }
    Ok(restored)
}

/// Deletes one item for good, with its attachments.
pub async fn delete(app: &App, user: &UserRecord, id: CipherId) -> Result<(), AppError> {
    load(app, user, id).await?;
    delete_many_unchecked(app, user, &[id]).await
}

/// Deletes the caller's items among `ids` for good; others' ids are ignored.
pub async fn delete_many(app: &App, user: &UserRecord, ids: &[CipherId]) -> Result<(), AppError> {
    check_bulk(app, BulkAction::Delete, ids.len())?;
    delete_many_unchecked(app, user, ids).await
}

async fn delete_many_unchecked(
    app: &App,
    user: &UserRecord,
    ids: &[CipherId],
) -> Result<(), AppError> {
    let attachments = app
        .store
        .delete_personal_ciphers(user.id, ids, app.clock.now_millis())
        .await?;
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
    app.store
        .move_personal_ciphers(user.id, ids, folder, app.clock.now_millis())
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
    app.store
        .archive_personal_ciphers(user.id, ids, archive, app.clock.now_millis())
        .await?;
    let mut changed = Vec::new();
    for id in ids {
        if let Some(item) = app.store.personal_cipher(user.id, *id).await? {
            changed.push(respond::personal(app, &item));
        }
    }
    Ok(changed)
}

/// Archives one item, or takes it out of the archive.
pub async fn archive(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    archive: bool,
) -> Result<CipherResponse, AppError> {
    load(app, user, id).await?;
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
    crate::accounts::secret_check::verify_secret(app, user, secret)
        .await
        .map_err(|err| match err {
            AppError::Validation(_) => AppError::field("", "User verification failed."),
            other => other,
        })?;
    let attachments = app
        .store
        .purge_personal_vault(user.id, app.clock.now_millis())
        .await?;
    crate::vault::files::remove(app, &attachments).await;
    Ok(())
}
