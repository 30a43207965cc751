//! What a user reaches of the vault (reference vault §1.6, §5.1): their personal items, and the
//! organizations' items held by collections they are assigned to, directly or through a group,
//! as a confirmed member of an enabled organization. The rights on each come from
//! `core::vault::collections`; the store only reads the rows.

use std::collections::HashMap;

use kinwarden_core::ids::{CipherId, CollectionId, OrganizationId};
use kinwarden_core::vault::collections::{self, Access, Settings};
use kinwarden_core::vault::permissions::ItemAccess;

use crate::records::{OrgCipher, UserCipher, UserRecord};
use crate::{App, AppError};

/// The collections a user reaches, with their access to each, and the settings of the
/// organizations they belong to.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    collections: HashMap<CollectionId, (OrganizationId, Access)>,
    settings: HashMap<OrganizationId, Settings>,
}

impl Reach {
    /// Loads what `user` reaches now.
    pub async fn of(app: &App, user: &UserRecord) -> Result<Self, AppError> {
        let paths = app.store.collection_paths(user.id).await?;
        let mut direct: HashMap<CollectionId, Access> = HashMap::new();
        let mut groups: HashMap<CollectionId, Vec<Access>> = HashMap::new();
        let mut orgs: HashMap<CollectionId, OrganizationId> = HashMap::new();
        for path in paths {
            orgs.insert(path.collection_id, path.organization_id);
            if path.direct {
                direct.insert(path.collection_id, path.access);
            } else {
                groups
                    .entry(path.collection_id)
                    .or_default()
                    .push(path.access);
            }
        }
        let mut settings = HashMap::new();
        let mut reached = HashMap::new();
        for (collection, org) in orgs {
            let groups = groups.remove(&collection).unwrap_or_default();
            if let Some(access) = collections::effective(direct.get(&collection).copied(), &groups)
            {
                reached.insert(collection, (org, access));
            }
            if let std::collections::hash_map::Entry::Vacant(entry) = settings.entry(org) {
                entry.insert(app.store.collection_settings(org).await?);
            }
        }
        Ok(Self {
            collections: reached,
            settings,
        })
    }

    /// Every collection reached.
    pub fn collection_ids(&self) -> Vec<CollectionId> {
        let mut ids: Vec<CollectionId> = self.collections.keys().copied().collect();
        ids.sort_by_key(|id| id.to_string());
        ids
    }

    /// The user's access to a collection, if they reach it.
    pub fn access(&self, collection: CollectionId) -> Option<Access> {
        self.collections.get(&collection).map(|(_, access)| *access)
    }

    /// Whether the user may put items into (and take them out of) the collection.
    pub fn may_write(&self, collection: CollectionId) -> bool {
        self.access(collection)
            .is_some_and(|access| !access.read_only)
    }

    /// The collections of `org` the user reaches.
    pub fn in_organization(&self, org: OrganizationId) -> Vec<(CollectionId, Access)> {
        self.collections
            .iter()
            .filter(|(_, (of, _))| *of == org)
            .map(|(id, (_, access))| (*id, *access))
            .collect()
    }

    fn settings_of(&self, org: OrganizationId) -> Settings {
        self.settings.get(&org).copied().unwrap_or_default()
    }

    /// The user's rights on an organization's item, from the collections that hold it; none
    /// when none of them is the user's.
    pub fn item_access(&self, item: &OrgCipher) -> Option<ItemAccess> {
        let org = item.item.cipher.organization_id?;
        let paths: Vec<Access> = item
            .collection_ids
            .iter()
            .filter_map(|id| self.access(*id))
            .collect();
        collections::item_access(&paths, self.settings_of(org))
    }

    /// The collections holding the item that the user sees.
    pub fn visible_collections(&self, item: &OrgCipher) -> Vec<CollectionId> {
        item.collection_ids
            .iter()
            .copied()
            .filter(|id| self.collections.contains_key(id))
            .collect()
    }
}

/// An item the user reaches, with their rights on it and the collections they see it through.
#[derive(Debug, Clone)]
pub struct Reached {
    pub item: UserCipher,
    pub access: ItemAccess,
    pub collection_ids: Vec<CollectionId>,
    /// Every collection holding it (for an organization's item).
    pub all_collection_ids: Vec<CollectionId>,
}

impl Reached {
    pub fn organization(&self) -> Option<OrganizationId> {
        self.item.cipher.organization_id
    }

    /// An organization's item as an admin works on it through the admin routes.
    pub(super) fn admin(item: UserCipher) -> Self {
        Self::personal(item)
    }

    pub(super) fn personal(item: UserCipher) -> Self {
        Self {
            item,
            access: ItemAccess::OWNER,
            collection_ids: Vec::new(),
            all_collection_ids: Vec::new(),
        }
    }
}

/// The item `id` as `user` reaches it; not found (404) when it is neither theirs nor held by a
/// collection of theirs.
pub async fn item(app: &App, user: &UserRecord, id: CipherId) -> Result<Reached, AppError> {
    if let Some(item) = app.store.personal_cipher(user.id, id).await? {
        return Ok(Reached::personal(item));
    }
    let found = app
        .store
        .org_cipher(user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reach = Reach::of(app, user).await?;
    reached(&reach, found).ok_or(AppError::NotFound)
}

/// An organization's item as the user reaches it, if they do.
pub fn reached(reach: &Reach, found: OrgCipher) -> Option<Reached> {
    let access = reach.item_access(&found)?;
    Some(Reached {
        access,
        collection_ids: reach.visible_collections(&found),
        all_collection_ids: found.collection_ids,
        item: found.item,
    })
}

/// Everything the user reaches: personal items, then the organizations' items.
pub async fn everything(app: &App, user: &UserRecord) -> Result<(Reach, Vec<Reached>), AppError> {
    let mut all: Vec<Reached> = app
        .store
        .personal_ciphers(user.id)
        .await?
        .into_iter()
        .map(Reached::personal)
        .collect();
    let reach = Reach::of(app, user).await?;
    let shared = app
        .store
        .ciphers_in_collections(user.id, &reach.collection_ids())
        .await?;
    all.extend(
        shared
            .into_iter()
            .filter_map(|found| reached(&reach, found)),
    );
    Ok((reach, all))
}
