//! What only concerns an organization's items (reference vault §1.8.7–§1.8.9, §5): moving a
//! personal item into an organization (`bw move`), changing the collections that hold an item,
//! the admin view of every item, and the organization's export.

use kinwarden_core::ids::{CipherId, CollectionId, OrganizationId};
use kinwarden_core::vault::collections::{self as rules, CollectionType, UNKNOWN_COLLECTION};
use kinwarden_core::vault::stale;
use kinwarden_proto::vault::ciphers::{CipherBulkShareRequest, CipherRequest, CipherShareRequest};
use kinwarden_proto::vault::collections::OrganizationExportResponse;
use kinwarden_proto::vault::responses::{
    CipherDetailsResponse, CipherMiniDetailsResponse, CipherMiniResponse, CipherResponse,
    OptionalCipherDetailsResponse,
};

use super::ciphers::{self, NO_EDIT_PERMISSION};
use super::reach::{self, Reach};
use super::{request, respond};
use crate::organizations::access::{OrgAccess, access_of};
use crate::records::{CipherMarks, CipherRecord, UserCipher, UserRecord};
use crate::{App, AppError};

const NEEDS_A_COLLECTION: &str = "You must select at least one collection.";
const NEEDS_AN_ORGANIZATION: &str = "Cipher OrganizationId is required.";
const ALREADY_SHARED: &str = "One or more ciphers already belong to an organization.";
const UNABLE_TO_SAVE: &str = "Unable to save.";
const NOT_IN_AN_ORGANIZATION: &str = "Cipher must belong to an organization.";
const NEEDS_A_CIPHER: &str = "You must select at least one cipher.";
const NEEDS_IDS_AND_ORGANIZATION: &str = "All Ciphers must have an Id and OrganizationId.";
const ONE_ORGANIZATION: &str = "All ciphers must be for the same organization.";
const NOT_YOURS: &str = "Trying to share ciphers that you do not own.";

/// The collections named by `raw`, each of which must be one of the organization's.
pub(super) async fn collections_of_org(
    app: &App,
    org: OrganizationId,
    raw: Option<&[String]>,
) -> Result<Vec<CollectionId>, AppError> {
    let unknown = || AppError::BadRequest(UNKNOWN_COLLECTION.to_string());
    let mut ids = Vec::new();
    for raw in raw.unwrap_or_default() {
        let id: CollectionId = raw.trim().parse().map_err(|_| unknown())?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let found = app.store.collections_by_ids(&ids).await?;
    if found.len() != ids.len() || found.iter().any(|c| c.organization_id != org) {
        return Err(unknown());
    }
    Ok(ids)
}

/// Of the organization's collections `wanted`, those the member may put items into and take
/// them out of: every one for whoever may edit every item, else those assigned without
/// read-only.
pub(super) async fn writable(
    app: &App,
    user: &UserRecord,
    access: &OrgAccess,
    wanted: &[CollectionId],
) -> Result<Vec<CollectionId>, AppError> {
    let settings = app.store.collection_settings(access.org.id).await?;
    if rules::may_edit_all_items(&access.actor(), settings) {
        return Ok(wanted.to_vec());
    }
    let reach = Reach::of(app, user).await?;
    Ok(wanted
        .iter()
        .copied()
        .filter(|id| reach.may_write(*id))
        .collect())
}

/// Moves the caller's personal item into an organization they belong to, re-encrypted with its
/// key, into collections they may write to (at least one).
pub async fn share(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    request: &CipherShareRequest,
) -> Result<CipherResponse, AppError> {
    // Only the owner of a personal item, a member of the organization, may share it; anyone
    // else learns nothing of it.
    let existing = match app.store.personal_cipher(user.id, id).await? {
        Some(item) => item,
        None if reach::item(app, user, id).await.is_ok() => {
            return Err(AppError::BadRequest(ALREADY_SHARED.to_string()));
        }
        None => return Err(AppError::NotFound),
    };
    let cipher_request = request
        .cipher
        .as_ref()
        .ok_or_else(|| AppError::field("Cipher", "The Cipher field is required."))?;
    let org = ciphers::named_organization(cipher_request.organization_id.as_deref())?
        .ok_or_else(|| AppError::field("OrganizationId", NEEDS_AN_ORGANIZATION))?;
    if request.collection_ids.as_ref().is_none_or(Vec::is_empty) {
        return Err(AppError::field("CollectionIds", NEEDS_A_COLLECTION));
    }
    let access = access_of(app, user, org).await?;
    let (cipher, marks) = shared_record(app, user, org, existing, cipher_request).await?;
    let wanted = collections_of_org(app, org, request.collection_ids.as_deref()).await?;
    let writable = writable(app, user, &access, &wanted).await?;
    if writable.is_empty() {
        return Err(AppError::BadRequest(UNABLE_TO_SAVE.to_string()));
    }
    if !app
        .store
        .share_cipher(user.id, &cipher, &marks, &writable)
        .await?
    {
        return Err(AppError::NotFound);
    }
    ciphers::get(app, user, id).await
}

/// A personal item as it becomes the organization's: the request checked as a save of it
/// (encrypted for the caller, valid, not stale), its new content, and the caller's marks.
async fn shared_record(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    existing: UserCipher,
    cipher_request: &CipherRequest,
) -> Result<(CipherRecord, CipherMarks), AppError> {
    let (cipher_type, folder_id) =
        ciphers::check_request(app, user, cipher_request, Some(existing.cipher.cipher_type))
            .await?;
    stale::check_last_known(
        existing.cipher.revision_date,
        cipher_request.last_known_revision_date.as_deref(),
    )
    .map_err(|stale| AppError::BadRequest(stale.message().to_string()))?;
    let cipher = CipherRecord {
        user_id: None,
        organization_id: Some(org),
        data: request::document(cipher_request, cipher_type),
        reprompt: cipher_request.reprompt,
        key: cipher_request.key.clone(),
        revision_date: app.clock.now_millis(),
        ..existing.cipher
    };
    let marks = CipherMarks {
        folder_id,
        favorite: cipher_request.favorite,
        ..existing.marks
    };
    Ok((cipher, marks))
}

/// `PUT /ciphers/share`: several of the caller's personal items into one organization and the
/// same collections, all or none; answers them as they now are.
pub async fn share_many(
    app: &App,
    user: &UserRecord,
    request: &CipherBulkShareRequest,
) -> Result<Vec<CipherMiniResponse>, AppError> {
    let items = request.ciphers.as_deref().unwrap_or_default();
    if items.is_empty() {
        return Err(AppError::field("Ciphers", NEEDS_A_CIPHER));
    }
    let mut ids = Vec::with_capacity(items.len());
    let mut orgs = Vec::with_capacity(items.len());
    for item in items {
        let id: Option<CipherId> = item.id.as_deref().and_then(|id| id.parse().ok());
        let org = ciphers::named_organization(item.cipher.organization_id.as_deref())
            .ok()
            .flatten();
        match (id, org) {
            (Some(id), Some(org)) => {
                ids.push(id);
                orgs.push(org);
            }
            _ => return Err(AppError::field("Ciphers", NEEDS_IDS_AND_ORGANIZATION)),
        }
    }
    let org = orgs[0];
    if orgs.iter().any(|other| *other != org) {
        return Err(AppError::field("", ONE_ORGANIZATION));
    }
    if request.collection_ids.as_ref().is_none_or(Vec::is_empty) {
        return Err(AppError::field("CollectionIds", NEEDS_A_COLLECTION));
    }
    let access = access_of(app, user, org).await?;
    let mut records = Vec::with_capacity(items.len());
    for (item, id) in items.iter().zip(&ids) {
        let existing = app
            .store
            .personal_cipher(user.id, *id)
            .await?
            .ok_or_else(|| AppError::BadRequest(NOT_YOURS.to_string()))?;
        records.push(shared_record(app, user, org, existing, &item.cipher).await?);
    }
    let wanted = collections_of_org(app, org, request.collection_ids.as_deref()).await?;
    let writable = writable(app, user, &access, &wanted).await?;
    if writable.is_empty() {
        return Err(AppError::BadRequest(UNABLE_TO_SAVE.to_string()));
    }
    if !app
        .store
        .share_ciphers(user.id, &records, &writable)
        .await?
    {
        return Err(AppError::BadRequest(NOT_YOURS.to_string()));
    }
    let mut answered = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(found) = app.store.org_cipher(user.id, id).await? {
            answered.push(respond::mini(app, &found.item));
        }
    }
    Ok(answered)
}

/// Changes the collections holding an organization's item: among the collections the caller
/// may write to, it ends up in exactly those named; the others stay as they are. Answers the
/// item as the caller now sees it, none when they no longer do.
pub async fn set_collections(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    raw: &[String],
    need_view_password: bool,
) -> Result<Option<CipherDetailsResponse>, AppError> {
    let existing = reach::item(app, user, id).await?;
    let org = existing
        .organization()
        .ok_or_else(|| AppError::BadRequest(NOT_IN_AN_ORGANIZATION.to_string()))?;
    if need_view_password && !existing.access.view_password {
        return Err(AppError::NotFound);
    }
    if !existing.access.edit {
        return Err(AppError::BadRequest(NO_EDIT_PERMISSION.to_string()));
    }
    let access = access_of(app, user, org).await?;
    // Unknown ids and those the caller may not write to are ignored, as the reference does.
    let mut named = Vec::new();
    for raw in raw {
        if let Ok(id) = raw.trim().parse::<CollectionId>() {
            named.push(id);
        }
    }
    let all = app.store.collections_of(org).await?;
    let all_ids: Vec<CollectionId> = all.iter().map(|c| c.id).collect();
    let writable = writable(app, user, &access, &all_ids).await?;
    let current = app
        .store
        .org_cipher(user.id, id)
        .await?
        .map(|found| found.collection_ids)
        .unwrap_or_default();
    let mut next: Vec<CollectionId> = current
        .into_iter()
        .filter(|id| !writable.contains(id))
        .collect();
    next.extend(named.into_iter().filter(|id| writable.contains(id)));
    next.sort_by_key(ToString::to_string);
    next.dedup();
    app.store
        .set_cipher_collections(org, id, &next, app.clock.now_millis())
        .await?;
    match reach::item(app, user, id).await {
        Ok(now) => Ok(Some(respond::cipher_details(app, &now))),
        Err(AppError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// `PUT /ciphers/{id}/collections_v2`: the item, or that the caller lost sight of it.
pub async fn set_collections_v2(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    raw: &[String],
) -> Result<OptionalCipherDetailsResponse, AppError> {
    Ok(OptionalCipherDetailsResponse::new(
        set_collections(app, user, id, raw, true).await?,
    ))
}

/// Every item of the organization with all its collections, the trash included, for those who
/// may read them all (owners, admins, custom members allowed to).
pub async fn organization_details(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
) -> Result<Vec<CipherMiniDetailsResponse>, AppError> {
    let access = access_of(app, user, org).await?;
    if !rules::may_access_all_items(&access.actor()) {
        return Err(AppError::NotFound);
    }
    Ok(app
        .store
        .org_ciphers(user.id, org)
        .await?
        .iter()
        .map(|found| respond::mini_details(app, &found.item, &found.collection_ids))
        .collect())
}

/// The organization's export: every shared collection and every item (the trash included; the
/// client leaves those out) for those who may export it, else only the collections the caller
/// manages and the items in them.
pub async fn export(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
) -> Result<OrganizationExportResponse, AppError> {
    let access = access_of(app, user, org).await?;
    let shared: Vec<_> = app
        .store
        .collections_of(org)
        .await?
        .into_iter()
        .filter(|c| CollectionType::from_code(c.collection_type) == Some(CollectionType::Shared))
        .collect();
    let items = app.store.org_ciphers(user.id, org).await?;
    let (collections, items) = if rules::may_import_export(&access.actor()) {
        (shared, items)
    } else {
        let reach = Reach::of(app, user).await?;
        let managed: Vec<_> = shared
            .into_iter()
            .filter(|c| reach.access(c.id).is_some_and(|a| a.manage))
            .collect();
        let ids: Vec<CollectionId> = managed.iter().map(|c| c.id).collect();
        let items = items
            .into_iter()
            .filter(|found| found.collection_ids.iter().any(|id| ids.contains(id)))
            .collect();
        (managed, items)
    };
    Ok(OrganizationExportResponse {
        collections: collections.iter().map(super::collections::plain).collect(),
        ciphers: items
            .iter()
            .map(|found| respond::mini_details(app, &found.item, &found.collection_ids))
            .collect(),
        object: "organizationExport".to_string(),
    })
}
