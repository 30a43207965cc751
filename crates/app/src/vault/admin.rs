//! The admin item routes (reference vault §1.6 "admin predicates", §1.8.3, §1.8.5, §5.2): owners,
//! admins and custom members allowed to work on an organization's items they are not assigned
//! to. Unassigned items are theirs to work on; items in others' collections only with
//! `editAnyCollection` or, for owners and admins, `allowAdminAccessToAllCollectionItems`.

use kinwarden_core::ids::{CipherId, OrganizationId};
use kinwarden_core::vault::bulk::{self, BulkAction};
use kinwarden_core::vault::collections::{self as rules, Settings};
use kinwarden_core::vault::stale;
use kinwarden_core::vault::validate::COLLECTION_REQUIRED_MESSAGE;
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_proto::vault::ciphers::CipherRequest;
use kinwarden_proto::vault::responses::{CipherMiniDetailsResponse, CipherMiniResponse};

use super::reach::Reach;
use super::{ciphers, request, respond};
use crate::organizations::access::{OrgAccess, access_of};
use crate::records::{CipherMarks, CipherRecord, OrgCipher, UserRecord};
use crate::{App, AppError};

/// The caller as an admin of one organization.
struct Admin {
    access: OrgAccess,
    settings: Settings,
    reach: Reach,
}

impl Admin {
    /// The caller's admin standing in `org`; not found for anyone else.
    async fn of(app: &App, user: &UserRecord, org: OrganizationId) -> Result<Self, AppError> {
        let access = access_of(app, user, org).await?;
        if !rules::may_act_as_admin(&access.actor()) {
            return Err(AppError::NotFound);
        }
        Ok(Self {
            settings: app.store.collection_settings(org).await?,
            reach: Reach::of(app, user).await?,
            access,
        })
    }

    fn edits_all(&self) -> bool {
        rules::may_edit_all_items(&self.access.actor(), self.settings)
    }

    /// May change the item: every item with the right setting or permission, an unassigned
    /// one, or one reached with edit.
    fn may_edit(&self, found: &OrgCipher) -> bool {
        self.edits_all()
            || found.collection_ids.is_empty()
            || self.reach.item_access(found).is_some_and(|a| a.edit)
    }

    /// May delete or restore the item (unassigned ones count as managed).
    fn may_delete(&self, found: &OrgCipher) -> bool {
        self.edits_all()
            || found.collection_ids.is_empty()
            || self.reach.item_access(found).is_some_and(|a| a.delete)
    }
}

/// An organization's item and its organization; not found for a personal or unknown one.
async fn org_item(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<(OrganizationId, OrgCipher), AppError> {
    let found = app
        .store
        .org_cipher(user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = found
        .item
        .cipher
        .organization_id
        .ok_or(AppError::NotFound)?;
    Ok((org, found))
}

/// `GET /ciphers/{id}/admin`: the item with all its collections, for whoever sees every
/// collection.
pub async fn get(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<CipherMiniDetailsResponse, AppError> {
    let (org, found) = org_item(app, user, id).await?;
    let access = access_of(app, user, org).await?;
    if !rules::may_view_all(&access.actor()) {
        return Err(AppError::NotFound);
    }
    Ok(respond::mini_details(
        app,
        &found.item,
        &found.collection_ids,
    ))
}

/// `POST /ciphers/admin`: an organization's item in any of its collections (at least one), for
/// whoever may edit every item.
pub async fn create(
    app: &App,
    user: &UserRecord,
    request: &CipherRequest,
    collection_ids: Option<&[String]>,
) -> Result<CipherMiniResponse, AppError> {
    let org = ciphers::named_organization(request.organization_id.as_deref())?
        .ok_or(AppError::NotFound)?;
    let admin = Admin::of(app, user, org).await?;
    if !admin.edits_all() {
        return Err(AppError::NotFound);
    }
    let collections = super::shared::collections_of_org(app, org, collection_ids).await?;
    if collections.is_empty() {
        return Err(AppError::field(
            "CollectionIds",
            COLLECTION_REQUIRED_MESSAGE,
        ));
    }
    let (cipher_type, _) = ciphers::check_request(app, user, request, request.cipher_type).await?;
    let now = app.clock.now_millis();
    let cipher = CipherRecord {
        id: CipherId::new(),
        user_id: None,
        organization_id: Some(org),
        cipher_type: cipher_type.code(),
        data: request::document(request, cipher_type),
        reprompt: request.reprompt,
        key: request.key.clone(),
        created_at: now,
        revision_date: now,
        deleted_at: None,
    };
    app.store
        .save_org_cipher(
            user.id,
            &cipher,
            &CipherMarks::default(),
            Some(&collections),
        )
        .await?;
    let (_, found) = org_item(app, user, cipher.id).await?;
    Ok(respond::mini(app, &found.item))
}

/// `PUT /ciphers/{id}/admin`: replaces an organization's item's content as an admin.
pub async fn update(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    request: &CipherRequest,
) -> Result<CipherMiniResponse, AppError> {
    let (org, found) = org_item(app, user, id).await?;
    let admin = Admin::of(app, user, org).await?;
    if !admin.may_edit(&found) {
        return Err(AppError::NotFound);
    }
    let (cipher_type, _) =
        ciphers::check_request(app, user, request, Some(found.item.cipher.cipher_type)).await?;
    stale::check_last_known(
        found.item.cipher.revision_date,
        request.last_known_revision_date.as_deref(),
    )
    .map_err(|stale| AppError::BadRequest(stale.message().to_string()))?;
    let cipher = CipherRecord {
        data: request::document(request, cipher_type),
        reprompt: request.reprompt,
        key: request.key.clone(),
        revision_date: app.clock.now_millis(),
        ..found.item.cipher.clone()
    };
    app.store
        .save_org_cipher(user.id, &cipher, &found.item.marks, None)
        .await?;
    let (_, found) = org_item(app, user, id).await?;
    Ok(respond::mini(app, &found.item))
}

/// `PUT /ciphers/{id}/collections-admin`: replaces every collection holding the item.
pub async fn set_collections(
    app: &App,
    user: &UserRecord,
    id: CipherId,
    raw: &[String],
) -> Result<CipherMiniDetailsResponse, AppError> {
    let (org, found) = org_item(app, user, id).await?;
    let admin = Admin::of(app, user, org).await?;
    if !admin.may_edit(&found) {
        return Err(AppError::NotFound);
    }
    let collections = super::shared::collections_of_org(app, org, Some(raw)).await?;
    if !admin.edits_all() && collections.iter().any(|c| !admin.reach.may_write(*c)) {
        return Err(AppError::NotFound);
    }
    app.store
        .set_cipher_collections(org, id, &collections, app.clock.now_millis())
        .await?;
    let (_, found) = org_item(app, user, id).await?;
    Ok(respond::mini_details(
        app,
        &found.item,
        &found.collection_ids,
    ))
}

/// `POST /ciphers/bulk-collections`: adds the collections to (or takes them from) each item.
pub async fn change_collections_of_many(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    ids: &[CipherId],
    raw_collections: &[String],
    remove: bool,
) -> Result<(), AppError> {
    let admin = Admin::of(app, user, org).await?;
    for id in ids {
        let (of, found) = org_item(app, user, *id).await?;
        if of != org || !admin.may_edit(&found) {
            return Err(AppError::NotFound);
        }
    }
    let collections = super::shared::collections_of_org(app, org, Some(raw_collections)).await?;
    if !admin.edits_all() && collections.iter().any(|c| !admin.reach.may_write(*c)) {
        return Err(AppError::NotFound);
    }
    app.store
        .change_collections_of_many(org, ids, &collections, remove, app.clock.now_millis())
        .await?;
    Ok(())
}

/// Which of `ids` the admin may delete or restore in `org`; any other id refuses them all.
async fn deletable(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    ids: &[CipherId],
) -> Result<Vec<CipherId>, AppError> {
    let admin = Admin::of(app, user, org).await?;
    let mut chosen = Vec::new();
    for id in ids {
        let (of, found) = org_item(app, user, *id).await?;
        if of != org || !admin.may_delete(&found) {
            return Err(AppError::NotFound);
        }
        chosen.push(*id);
    }
    Ok(chosen)
}

fn check_bulk(app: &App, action: BulkAction, count: usize) -> Result<(), AppError> {
    bulk::check(
        action,
        count,
        app.config.mode == kinwarden_config::Mode::Cloud,
    )
    .map_err(|text| AppError::BadRequest(text.into()))
}

/// The organization of a bulk admin request: required.
pub fn organization_of(raw: Option<&str>) -> Result<OrganizationId, AppError> {
    ciphers::named_organization(raw)?.ok_or(AppError::NotFound)
}

/// The organization of one item, for the single-item admin routes.
async fn organization_of_item(
    app: &App,
    user: &UserRecord,
    id: CipherId,
) -> Result<OrganizationId, AppError> {
    Ok(org_item(app, user, id).await?.0)
}

/// Moves items of the organization to the trash (`trash`) or back, as an admin.
pub async fn trash(
    app: &App,
    user: &UserRecord,
    org: Option<OrganizationId>,
    ids: &[CipherId],
    trash: bool,
) -> Result<Vec<CipherMiniResponse>, AppError> {
    let action = if trash {
        BulkAction::SoftDelete
    } else {
        BulkAction::Restore
    };
    check_bulk(app, action, ids.len())?;
    let org = match (org, ids.first()) {
        (Some(org), _) => org,
        (None, Some(first)) => organization_of_item(app, user, *first).await?,
        (None, None) => return Ok(Vec::new()),
    };
    let chosen = deletable(app, user, org, ids).await?;
    app.store
        .trash_org_ciphers(org, &chosen, trash, app.clock.now_millis())
        .await?;
    let mut answered = Vec::new();
    for id in &chosen {
        answered.push(respond::mini(app, &org_item(app, user, *id).await?.1.item));
    }
    Ok(answered)
}

/// Deletes items of the organization for good, as an admin.
pub async fn delete(
    app: &App,
    user: &UserRecord,
    org: Option<OrganizationId>,
    ids: &[CipherId],
) -> Result<(), AppError> {
    check_bulk(app, BulkAction::Delete, ids.len())?;
    let org = match (org, ids.first()) {
        (Some(org), _) => org,
        (None, Some(first)) => organization_of_item(app, user, *first).await?,
        (None, None) => return Ok(()),
    };
    let chosen = deletable(app, user, org, ids).await?;
    let attachments = app
        .store
        .delete_org_ciphers(org, Some(&chosen), app.clock.now_millis())
        .await?;
    super::files::remove(app, &attachments).await;
    Ok(())
}

/// `GET /ciphers/organization-details/assigned`: the items the member reaches in the
/// organization, and for admins the unassigned ones too.
pub async fn assigned(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
) -> Result<Vec<kinwarden_proto::vault::responses::CipherDetailsResponse>, AppError> {
    let access = access_of(app, user, org).await?;
    let (_, items) = super::reach::everything(app, user).await?;
    let mut answered: Vec<_> = items
        .iter()
        .filter(|item| item.organization() == Some(org))
        .map(|item| respond::cipher_details(app, item))
        .collect();
    if rules::may_access_unassigned(&access.actor()) {
        let unassigned = app
            .store
            .org_ciphers(user.id, org)
            .await?
            .into_iter()
            .filter(|found| found.collection_ids.is_empty());
        // An admin works on unassigned items with every right.
        answered.extend(
            unassigned.map(|found| {
                respond::cipher_details(app, &super::reach::Reached::admin(found.item))
            }),
        );
    }
    Ok(answered)
}

/// Deletes every item of the organization once the master password is proven (whoever may
/// work on unassigned items).
pub async fn purge(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    secret: &SecretVerificationRequest,
) -> Result<(), AppError> {
    let access = access_of(app, user, org).await?;
    if !rules::may_purge(&access.actor()) {
        return Err(AppError::NotFound);
    }
    ciphers::verify_purge_secret(app, user, secret).await?;
    let attachments = app
        .store
        .delete_org_ciphers(org, None, app.clock.now_millis())
        .await?;
    super::files::remove(app, &attachments).await;
    Ok(())
}
