//! An organization import (reference vault §7.3, what `bw import --organizationid` sends): new
//! or reused collections, the organization's items in them, and the importer's folders, written
//! all or nothing. Who may import: whoever may import and export the organization, or a member
//! who may create the new collections and change the reused ones.

use std::collections::HashSet;

use kinwarden_config::Mode;
use kinwarden_core::ids::{CipherId, CollectionId, OrganizationId};
use kinwarden_core::vault::collections::{self as rules, CollectionType};
use kinwarden_core::vault::folders::validate_folder_at;
use kinwarden_core::vault::import::{
    NOT_ENOUGH_PRIVILEGES_MESSAGE, OrganizationImportCounts, check_organization_limits,
    collections_of_each_item, folder_of_each_item,
};
use kinwarden_core::vault::validate::ValidationErrors;
use kinwarden_proto::vault::collections::ImportOrganizationCiphersRequest;

use super::reach::Reach;
use super::{ciphers, request};
use crate::organizations::access::access_of;
use crate::records::{CipherMarks, CipherRecord, CollectionRecord, UserRecord};
use crate::{App, AppError};

fn refused() -> AppError {
    AppError::BadRequest(NOT_ENOUGH_PRIVILEGES_MESSAGE.to_string())
}

pub async fn import(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    body: &ImportOrganizationCiphersRequest,
) -> Result<(), AppError> {
    check_organization_limits(
        OrganizationImportCounts {
            ciphers: body.ciphers.len(),
            collections: body.collections.len(),
            collection_relationships: body.collection_relationships.len(),
            folders: body.folders.len(),
            folder_relationships: body.folder_relationships.len(),
        },
        app.config.mode == Mode::Cloud,
    )
    .map_err(|text| AppError::BadRequest(text.to_string()))?;
    // As the reference: whoever is not a member lacks the privileges too (a 400, not a 404).
    let access = access_of(app, user, org).await.map_err(|err| match err {
        AppError::NotFound => refused(),
        other => other,
    })?;
    let actor = access.actor();
    let settings = app.store.collection_settings(org).await?;
    let existing = app.store.collections_of(org).await?;
    let known: HashSet<CollectionId> = existing
        .iter()
        .filter(|c| CollectionType::from_code(c.collection_type) == Some(CollectionType::Shared))
        .map(|c| c.id)
        .collect();
    let named: Vec<Option<CollectionId>> = body
        .collections
        .iter()
        .map(|c| {
            c.id.as_deref()
                .and_then(|id| id.parse().ok())
                .filter(|id| known.contains(id))
        })
        .collect();
    if !rules::may_import_export(&actor) {
        let reused: Vec<CollectionId> = named.iter().flatten().copied().collect();
        let new = named.iter().filter(|id| id.is_none()).count();
        if body.collections.is_empty() || (new > 0 && !rules::may_create(&actor, settings)) {
            return Err(refused());
        }
        if !reused.is_empty() {
            let reach = Reach::of(app, user).await?;
            let lists = app.store.collection_access_lists(org).await?;
            let may_update_all = reused.iter().all(|id| {
                let unmanaged = lists.get(id).is_none_or(|list| list.unmanaged());
                rules::may_update(
                    &actor,
                    settings,
                    rules::manages(&actor, reach.access(*id), unmanaged),
                )
            });
            if !may_update_all {
                return Err(refused());
            }
        }
    }

    let mut errors = ValidationErrors::new();
    for (i, collection) in body.collections.iter().enumerate() {
        for (key, messages) in rules::validate_collection(
            collection.name.as_deref(),
            true,
            collection.external_id.as_deref(),
        ) {
            errors.insert(format!("Collections[{i}].{key}"), messages);
        }
    }
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
    let new_count = named.iter().filter(|id| id.is_none()).count();
    if let Some(max) = access.org.max_collections
        && existing.len() + new_count > usize::try_from(max).unwrap_or(0)
    {
        return Err(AppError::BadRequest(format!(
            "This organization can only have a maximum of {max} collections."
        )));
    }
    // As the reference: an import without items writes nothing.
    if body.ciphers.is_empty() {
        return Ok(());
    }

    let now = app.clock.now_millis();
    let mut new_collections = Vec::new();
    let collection_ids: Vec<CollectionId> = body
        .collections
        .iter()
        .zip(&named)
        .map(|(collection, named)| match named {
            Some(id) => *id,
            None => {
                let id = CollectionId::new();
                new_collections.push(CollectionRecord {
                    id,
                    organization_id: org,
                    name: collection.name.clone().unwrap_or_default(),
                    external_id: collection.external_id.clone(),
                    collection_type: CollectionType::Shared.code(),
                    default_user_collection_email: None,
                    created_at: now,
                    revision_date: now,
                });
                id
            }
        })
        .collect();
    let (new_folders, folder_ids) =
        super::import::folders_of_import(app, user, &body.folders, now).await?;
    let folder_of = folder_of_each_item(
        body.folder_relationships.iter().map(|l| (l.key, l.value)),
        body.ciphers.len(),
        body.folders.len(),
    );
    let collections_of = collections_of_each_item(
        body.collection_relationships
            .iter()
            .map(|l| (l.key, l.value)),
        body.ciphers.len(),
        body.collections.len(),
    );
    let items: Vec<(CipherRecord, CipherMarks, Vec<CollectionId>)> = body
        .ciphers
        .iter()
        .zip(types)
        .zip(folder_of.into_iter().zip(collections_of))
        .map(|((item, cipher_type), (folder, places))| {
            let cipher = CipherRecord {
                id: CipherId::new(),
                user_id: None,
                organization_id: Some(org),
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
            let held_by = places
                .into_iter()
                .filter_map(|place| collection_ids.get(place).copied())
                .collect();
            (cipher, marks, held_by)
        })
        .collect();
    app.store
        .import_organization(
            user.id,
            org,
            access.membership.id,
            &new_folders,
            &new_collections,
            &items,
            now,
        )
        .await?;
    Ok(())
}
