//! An organization's collections (reference vault §4): list, read, create, change, delete, give
//! access in bulk, and the organization's collection-management settings. Who may do what is
//! `core::vault::collections`; a caller who may not is told the collection does not exist.

use std::collections::HashMap;

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationId, OrganizationUserId};
use kinwarden_core::vault::collections::{
    self as rules, Access, CollectionType, DEFAULT_USER_ACCESS, DEFAULT_USER_DELETE,
    DEFAULT_USER_DELETE_MANY, DEFAULT_USER_EDIT, Settings,
};
use kinwarden_proto::vault::collections::{
    BulkCollectionAccessRequest, COLLECTION_ACCESS_DETAILS_OBJECT, COLLECTION_DETAILS_OBJECT,
    COLLECTION_OBJECT, CollectionAccess, CollectionFlags, CollectionManagementRequest,
    CollectionRequest, CollectionResponse, SelectionReadOnly,
};

use super::reach::Reach;
use crate::organizations::access::{OrgAccess, access_of};
use crate::records::{AccessLists, CollectionRecord, UserRecord};
use crate::{App, AppError};

const SAME_ORGANIZATION: &str = "Requested collections must belong to the same organization.";
const NO_COLLECTIONS: &str = "No collections were provided.";
const UNKNOWN_USERS: &str =
    "One or more users do not belong to the same organization as the collection being assigned.";
const UNKNOWN_GROUPS: &str =
    "One or more groups do not belong to the same organization as the collection being assigned.";

/// A collection without anyone's access (`collection`).
pub fn plain(collection: &CollectionRecord) -> CollectionResponse {
    CollectionResponse {
        id: collection.id.to_string(),
        organization_id: collection.organization_id.to_string(),
        name: collection.name.clone(),
        external_id: collection.external_id.clone(),
        collection_type: collection.collection_type,
        default_user_collection_email: collection.default_user_collection_email.clone(),
        details: None,
        access: None,
        object: COLLECTION_OBJECT.to_string(),
    }
}

fn flags(access: Option<Access>) -> CollectionFlags {
    let access = access.unwrap_or_default();
    CollectionFlags {
        read_only: access.read_only,
        hide_passwords: access.hide_passwords,
        manage: access.manage,
    }
}

/// A collection with the caller's own access (`collectionDetails`: "assigned to me").
fn with_flags(collection: &CollectionRecord, access: Access) -> CollectionResponse {
    CollectionResponse {
        details: Some(flags(Some(access))),
        object: COLLECTION_DETAILS_OBJECT.to_string(),
        ..plain(collection)
    }
}

fn selections<T: ToString>(entries: &[(T, Access)]) -> Vec<SelectionReadOnly> {
    entries
        .iter()
        .map(|(id, access)| SelectionReadOnly {
            id: id.to_string(),
            read_only: access.read_only,
            hide_passwords: access.hide_passwords,
            manage: access.manage,
        })
        .collect()
}

/// A collection with who is assigned to it (`collectionAccessDetails`).
fn with_access(
    collection: &CollectionRecord,
    mine: Option<Access>,
    lists: &AccessLists,
) -> CollectionResponse {
    CollectionResponse {
        details: Some(flags(mine)),
        access: Some(CollectionAccess {
            groups: selections(&lists.groups),
            users: selections(&lists.users),
            assigned: mine.is_some(),
            unmanaged: lists.unmanaged(),
        }),
        object: COLLECTION_ACCESS_DETAILS_OBJECT.to_string(),
        ..plain(collection)
    }
}

fn is_shared(collection: &CollectionRecord) -> bool {
    CollectionType::from_code(collection.collection_type) == Some(CollectionType::Shared)
}

/// Every collection the user reaches in every organization, with their access.
pub async fn mine(app: &App, user: &UserRecord) -> Result<Vec<CollectionResponse>, AppError> {
    reached(app, &Reach::of(app, user).await?).await
}

/// The collections of `reach`, with the user's access (the sync passes the reach it loaded
/// for the items too).
pub async fn reached(app: &App, reach: &Reach) -> Result<Vec<CollectionResponse>, AppError> {
    let ids = reach.collection_ids();
    Ok(app
        .store
        .collections_by_ids(&ids)
        .await?
        .iter()
        .filter_map(|c| reach.access(c.id).map(|access| with_flags(c, access)))
        .collect())
}

/// What one request about an organization's collections needs: the caller's membership, the
/// organization's settings, what the caller reaches, the collections and who is on each.
struct Scene {
    access: OrgAccess,
    settings: Settings,
    reach: Reach,
    collections: Vec<CollectionRecord>,
    lists: HashMap<CollectionId, AccessLists>,
}

impl Scene {
    async fn load(app: &App, user: &UserRecord, org: OrganizationId) -> Result<Self, AppError> {
        let access = access_of(app, user, org).await?;
        Ok(Self {
            settings: app.store.collection_settings(org).await?,
            reach: Reach::of(app, user).await?,
            collections: app.store.collections_of(org).await?,
            lists: app.store.collection_access_lists(org).await?,
            access,
        })
    }

    fn lists(&self, id: CollectionId) -> AccessLists {
        self.lists.get(&id).cloned().unwrap_or_default()
    }

    fn manages(&self, id: CollectionId) -> bool {
        rules::manages(
            &self.access.actor(),
            self.reach.access(id),
            self.lists(id).unmanaged(),
        )
    }

    fn find(&self, id: CollectionId) -> Option<&CollectionRecord> {
        self.collections.iter().find(|c| c.id == id)
    }

    fn response(&self, collection: &CollectionRecord) -> CollectionResponse {
        with_access(
            collection,
            self.reach.access(collection.id),
            &self.lists(collection.id),
        )
    }

    /// The collection as a create or update answers it: with its access lists when the caller
    /// may read them (the official CLI maps over both), else bare.
    fn answer(&self, collection: &CollectionRecord) -> CollectionResponse {
        if rules::may_view_all(&self.access.actor()) || self.manages(collection.id) {
            self.response(collection)
        } else {
            CollectionResponse {
                access: Some(CollectionAccess::default()),
                ..self.response(collection)
            }
        }
    }
}

/// `GET /organizations/{id}/collections`: every shared collection for those who may read them
/// all, else the ones the caller manages.
pub async fn list(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
) -> Result<Vec<CollectionResponse>, AppError> {
    let scene = Scene::load(app, user, org).await?;
    let all = rules::may_read_all(&scene.access.actor());
    Ok(scene
        .collections
        .iter()
        .filter(|c| is_shared(c) && (all || scene.reach.access(c.id).is_some_and(|a| a.manage)))
        .map(plain)
        .collect())
}

/// `GET /organizations/{id}/collections/details`: with access lists and the caller's flags.
pub async fn list_details(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
) -> Result<Vec<CollectionResponse>, AppError> {
    let scene = Scene::load(app, user, org).await?;
    let all = rules::may_read_all_with_access(&scene.access.actor());
    Ok(scene
        .collections
        .iter()
        .filter(|c| is_shared(c) && (all || scene.reach.access(c.id).is_some_and(|a| a.manage)))
        .map(|c| scene.response(c))
        .collect())
}

/// One collection, for those who may see it (all of them, or one they manage).
async fn readable(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    id: CollectionId,
) -> Result<(Scene, CollectionRecord), AppError> {
    let scene = Scene::load(app, user, org).await?;
    let collection = scene.find(id).cloned().ok_or(AppError::NotFound)?;
    if !(rules::may_view_all(&scene.access.actor()) || scene.manages(id)) {
        return Err(AppError::NotFound);
    }
    Ok((scene, collection))
}

pub async fn get(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    id: CollectionId,
) -> Result<CollectionResponse, AppError> {
    let (_, collection) = readable(app, user, org, id).await?;
    Ok(plain(&collection))
}

pub async fn details(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    id: CollectionId,
) -> Result<CollectionResponse, AppError> {
    let (scene, collection) = readable(app, user, org, id).await?;
    Ok(scene.response(&collection))
}

/// `GET …/collections/{id}/users`: the members assigned.
pub async fn users(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    id: CollectionId,
) -> Result<Vec<SelectionReadOnly>, AppError> {
    let (scene, _) = readable(app, user, org, id).await?;
    Ok(selections(&scene.lists(id).users))
}

/// The assignments of a request, each naming a member (or group) of the organization.
async fn assignments(
    app: &App,
    org: OrganizationId,
    users: Option<&[SelectionReadOnly]>,
    groups: Option<&[SelectionReadOnly]>,
) -> Result<
    (
        Option<Vec<(OrganizationUserId, Access)>>,
        Option<Vec<(GroupId, Access)>>,
    ),
    AppError,
> {
    let users = match users {
        None => None,
        Some(selections) => {
            let members = app.store.members(org).await?;
            let mut chosen = Vec::new();
            for selection in selections {
                let id: OrganizationUserId = selection
                    .id
                    .parse()
                    .map_err(|_| AppError::BadRequest(UNKNOWN_USERS.to_string()))?;
                if !members.iter().any(|m| m.member.id == id) {
                    return Err(AppError::BadRequest(UNKNOWN_USERS.to_string()));
                }
                chosen.push((id, access_of_selection(selection)));
            }
            Some(chosen)
        }
    };
    let groups = match groups {
        None => None,
        Some(selections) => {
            let known = app.store.organization_group_ids(org).await?;
            let mut chosen = Vec::new();
            for selection in selections {
                let id: GroupId = selection
                    .id
                    .parse()
                    .map_err(|_| AppError::BadRequest(UNKNOWN_GROUPS.to_string()))?;
                if !known.contains(&id) {
                    return Err(AppError::BadRequest(UNKNOWN_GROUPS.to_string()));
                }
                let access = access_of_selection(selection);
                rules::check_group_access(access)
                    .map_err(|text| AppError::BadRequest(text.to_string()))?;
                chosen.push((id, access));
            }
            Some(chosen)
        }
    };
    Ok((users, groups))
}

fn access_of_selection(selection: &SelectionReadOnly) -> Access {
    Access {
        read_only: selection.read_only,
        hide_passwords: selection.hide_passwords,
        manage: selection.manage,
    }
}

fn accesses<T>(entries: &[(T, Access)]) -> Vec<Access> {
    entries.iter().map(|(_, access)| *access).collect()
}

fn check_fields(request: &CollectionRequest, name_required: bool) -> Result<(), AppError> {
    let errors = rules::validate_collection(
        request.name.as_deref(),
        name_required,
        request.external_id.as_deref(),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Creates a collection with its assignments. Groups on an organization without groups are
/// dropped, as the reference drops them.
pub async fn create(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    request: &CollectionRequest,
) -> Result<CollectionResponse, AppError> {
    let scene = Scene::load(app, user, org).await?;
    if !rules::may_create(&scene.access.actor(), scene.settings) {
        return Err(AppError::NotFound);
    }
    check_fields(request, true)?;
    let (users, groups) = assignments(
        app,
        org,
        request.users.as_deref(),
        request.groups.as_deref(),
    )
    .await?;
    let users = users.unwrap_or_default();
    let groups = if uses_groups(&scene.access) {
        groups.unwrap_or_default()
    } else {
        Vec::new()
    };
    rules::check_has_manager(scene.settings, &accesses(&users), &accesses(&groups))
        .map_err(|text| AppError::BadRequest(text.to_string()))?;
    let existing = app.store.collection_count(org).await?;
    if !rules::fits_another(existing, scene.access.org.max_collections) {
        let max = scene.access.org.max_collections.unwrap_or_default();
        return Err(AppError::BadRequest(rules::max_collections_message(max)));
    }
    let now = app.clock.now_millis();
    let collection = CollectionRecord {
        id: CollectionId::new(),
        organization_id: org,
        name: request.name.clone().unwrap_or_default(),
        external_id: request.external_id.clone(),
        collection_type: CollectionType::Shared.code(),
        default_user_collection_email: None,
        created_at: now,
        revision_date: now,
    };
    app.store
        .create_collection(&collection, &users, &groups)
        .await?;
    let scene = Scene::load(app, user, org).await?;
    Ok(scene.answer(&collection))
}

/// Whether the organization's plan or license has groups.
fn uses_groups(access: &OrgAccess) -> bool {
    crate::organizations::terms::of(&access.org).use_groups
}

/// The collection named `collectionName` that a new organization starts with, managed by its
/// founding owner; none for a blank name.
pub fn founding_collection(
    org: OrganizationId,
    name: Option<&str>,
    now: i64,
) -> Option<CollectionRecord> {
    let name = name.map(str::trim).filter(|name| !name.is_empty())?;
    Some(CollectionRecord {
        id: CollectionId::new(),
        organization_id: org,
        name: name.to_string(),
        external_id: None,
        collection_type: CollectionType::Shared.code(),
        default_user_collection_email: None,
        created_at: now,
        revision_date: now,
    })
}

/// Renames a collection and replaces the assignments the request carries.
pub async fn update(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    id: CollectionId,
    request: &CollectionRequest,
) -> Result<CollectionResponse, AppError> {
    let scene = Scene::load(app, user, org).await?;
    let existing = scene.find(id).cloned().ok_or(AppError::NotFound)?;
    if !rules::may_update(&scene.access.actor(), scene.settings, scene.manages(id)) {
        return Err(AppError::NotFound);
    }
    if !is_shared(&existing) {
        return Err(AppError::BadRequest(DEFAULT_USER_EDIT.to_string()));
    }
    check_fields(request, false)?;
    let (users, groups) = assignments(
        app,
        org,
        request.users.as_deref(),
        request.groups.as_deref(),
    )
    .await?;
    let groups = groups.filter(|_| uses_groups(&scene.access));
    // Missing lists keep what is stored, and count as such for the manager rule.
    let current = scene.lists(id);
    let effective_users = users.clone().unwrap_or(current.users);
    let effective_groups = groups.clone().unwrap_or(current.groups);
    rules::check_has_manager(
        scene.settings,
        &accesses(&effective_users),
        &accesses(&effective_groups),
    )
    .map_err(|text| AppError::BadRequest(text.to_string()))?;
    let name = request
        .name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or(existing.name.clone());
    let collection = CollectionRecord {
        name,
        external_id: request.external_id.clone(),
        revision_date: app.clock.now_millis(),
        ..existing
    };
    if !app
        .store
        .update_collection(&collection, users.as_deref(), groups.as_deref())
        .await?
    {
        return Err(AppError::NotFound);
    }
    let scene = Scene::load(app, user, org).await?;
    Ok(scene.answer(&collection))
}

/// Adds the request's assignments to each of the collections, keeping the others.
pub async fn bulk_access(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    request: &BulkCollectionAccessRequest,
) -> Result<(), AppError> {
    let scene = Scene::load(app, user, org).await?;
    if request.collection_ids.is_empty() {
        return Err(AppError::BadRequest(NO_COLLECTIONS.to_string()));
    }
    let mut ids = Vec::new();
    for raw in &request.collection_ids {
        let id: CollectionId = raw.parse().map_err(|_| AppError::NotFound)?;
        let collection = scene.find(id).ok_or(AppError::NotFound)?;
        if !rules::may_update(&scene.access.actor(), scene.settings, scene.manages(id)) {
            return Err(AppError::NotFound);
        }
        if !is_shared(collection) {
            return Err(AppError::BadRequest(DEFAULT_USER_ACCESS.to_string()));
        }
        ids.push(id);
    }
    let (users, groups) =
        assignments(app, org, Some(&request.users), Some(&request.groups)).await?;
    let groups = groups
        .filter(|_| uses_groups(&scene.access))
        .unwrap_or_default();
    app.store
        .add_collection_access(
            org,
            &ids,
            &users.unwrap_or_default(),
            &groups,
            app.clock.now_millis(),
        )
        .await?;
    Ok(())
}

/// Deletes collections; their items stay in the organization.
pub async fn delete(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    raw_ids: &[String],
) -> Result<(), AppError> {
    let scene = Scene::load(app, user, org).await?;
    if raw_ids.is_empty() {
        return Err(AppError::BadRequest(NO_COLLECTIONS.to_string()));
    }
    let mut ids = Vec::new();
    for raw in raw_ids {
        let id: CollectionId = raw.parse().map_err(|_| AppError::NotFound)?;
        let collection = match scene.find(id) {
            Some(collection) => collection,
            // A collection of another organization: the reference refuses the mix.
            None if !app.store.collections_by_ids(&[id]).await?.is_empty() => {
                return Err(AppError::BadRequest(SAME_ORGANIZATION.to_string()));
            }
            None => return Err(AppError::NotFound),
        };
        if !rules::may_delete(&scene.access.actor(), scene.settings, scene.manages(id)) {
            return Err(AppError::NotFound);
        }
        if !is_shared(collection) {
            let text = if raw_ids.len() == 1 {
                DEFAULT_USER_DELETE
            } else {
                DEFAULT_USER_DELETE_MANY
            };
            return Err(AppError::BadRequest(text.to_string()));
        }
        ids.push(id);
    }
    app.store
        .delete_collections(org, &ids, app.clock.now_millis())
        .await?;
    Ok(())
}

/// Changes the organization's collection-management settings (owners only).
pub async fn set_management(
    app: &App,
    user: &UserRecord,
    org: OrganizationId,
    request: &CollectionManagementRequest,
) -> Result<(), AppError> {
    let access = access_of(app, user, org).await?;
    if access.role() != kinwarden_core::members::MemberType::Owner {
        return Err(AppError::NotFound);
    }
    let settings = Settings {
        limit_collection_creation: request.limit_collection_creation,
        limit_collection_deletion: request.limit_collection_deletion,
        limit_item_deletion: request.limit_item_deletion,
        allow_admin_access_to_all_collection_items: request
            .allow_admin_access_to_all_collection_items,
    };
    app.store
        .set_collection_settings(org, settings, app.clock.now_millis())
        .await?;
    Ok(())
}
