//! An organization's collections, who is assigned to each (members and groups, with their access
//! level), and the organization's collection-management settings. Every statement names the
//! organization, so an id of another organization's collection changes nothing.

use std::collections::HashMap;

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationId, OrganizationUserId, UserId};
use kinwarden_core::members::MemberStatus;
use kinwarden_core::vault::collections::{Access, Settings};

use super::{bump_organization, ids_json, in_json};
use crate::column::typed;
use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CollectionRecord {
    #[sqlx(try_from = "String")]
    pub id: CollectionId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
    /// Encrypted under the organization key.
    pub name: String,
    pub external_id: Option<String>,
    /// `CollectionType`'s code.
    #[sqlx(rename = "type")]
    pub collection_type: i32,
    pub default_user_collection_email: Option<String>,
    pub created_at: i64,
    pub revision_date: i64,
}

/// Who is assigned to a collection: members (by membership id) and groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessLists {
    pub users: Vec<(OrganizationUserId, Access)>,
    pub groups: Vec<(GroupId, Access)>,
}

impl AccessLists {
    /// Whether nobody manages the collection (owners and admins then may: "orphaned").
    pub fn unmanaged(&self) -> bool {
        !self
            .users
            .iter()
            .map(|(_, access)| access)
            .chain(self.groups.iter().map(|(_, access)| access))
            .any(|access| access.manage)
    }
}

/// One way a user reaches a collection: their own assignment (`direct`) or a group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectionPath {
    pub collection_id: CollectionId,
    pub organization_id: OrganizationId,
    pub direct: bool,
    pub access: Access,
}

const COLUMNS: &str = "c.id, c.organization_id, c.name, c.external_id, c.type, \
    c.default_user_collection_email, c.created_at, c.revision_date";

#[derive(sqlx::FromRow)]
struct AccessRow {
    collection_id: String,
    principal: String,
    group_row: bool,
    read_only: bool,
    hide_passwords: bool,
    manage: bool,
}

#[derive(sqlx::FromRow)]
struct PathRow {
    collection_id: String,
    organization_id: String,
    direct: bool,
    read_only: bool,
    hide_passwords: bool,
    manage: bool,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    limit_collection_creation: bool,
    limit_collection_deletion: bool,
    limit_item_deletion: bool,
    allow_admin_access_to_all_collection_items: bool,
}

/// Inserts a collection inside the caller's transaction.
macro_rules! insert_collection {
    ($executor:expr, $collection:expr) => {
        sqlx::query(
            "INSERT INTO collections (id, organization_id, name, external_id, type, \
             default_user_collection_email, created_at, revision_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($collection.id.to_string())
        .bind($collection.organization_id.to_string())
        .bind(&$collection.name)
        .bind(&$collection.external_id)
        .bind($collection.collection_type)
        .bind(&$collection.default_user_collection_email)
        .bind($collection.created_at)
        .bind($collection.revision_date)
        .execute($executor)
        .await?;
    };
}
pub(crate) use insert_collection;

/// Replaces a collection's member assignments inside the caller's transaction.
macro_rules! write_users {
    ($executor:expr, $collection:expr, $users:expr) => {
        sqlx::query("DELETE FROM collection_users WHERE collection_id = $1")
            .bind($collection.to_string())
            .execute(&mut *$executor)
            .await?;
        for (member, access) in $users {
            upsert_user!(&mut *$executor, $collection, member, access);
        }
    };
}

macro_rules! upsert_user {
    ($executor:expr, $collection:expr, $member:expr, $access:expr) => {
        // Only members of the collection's organization are assigned.
        sqlx::query(
            "INSERT INTO collection_users (collection_id, member_id, read_only, hide_passwords, manage) \
             SELECT c.id, ou.id, $3, $4, $5 FROM collections c JOIN organization_users ou \
             ON ou.organization_id = c.organization_id WHERE c.id = $1 AND ou.id = $2 \
             ON CONFLICT (collection_id, member_id) DO UPDATE SET read_only = excluded.read_only, \
             hide_passwords = excluded.hide_passwords, manage = excluded.manage",
        )
        .bind($collection.to_string())
        .bind($member.to_string())
        .bind($access.read_only)
        .bind($access.hide_passwords)
        .bind($access.manage)
        .execute($executor)
        .await?;
    };
}

pub(crate) use upsert_user as upsert_collection_user;

macro_rules! write_groups {
    ($executor:expr, $collection:expr, $groups:expr) => {
        sqlx::query("DELETE FROM collection_groups WHERE collection_id = $1")
            .bind($collection.to_string())
            .execute(&mut *$executor)
            .await?;
        for (group, access) in $groups {
            upsert_group!(&mut *$executor, $collection, group, access);
        }
    };
}

macro_rules! upsert_group {
    ($executor:expr, $collection:expr, $group:expr, $access:expr) => {
        sqlx::query(
            "INSERT INTO collection_groups (collection_id, group_id, read_only, hide_passwords, manage) \
             SELECT c.id, g.id, $3, $4, $5 FROM collections c JOIN groups g \
             ON g.organization_id = c.organization_id WHERE c.id = $1 AND g.id = $2 \
             ON CONFLICT (collection_id, group_id) DO UPDATE SET read_only = excluded.read_only, \
             hide_passwords = excluded.hide_passwords, manage = excluded.manage",
        )
        .bind($collection.to_string())
        .bind($group.to_string())
        .bind($access.read_only)
        .bind($access.hide_passwords)
        .bind($access.manage)
        .execute($executor)
        .await?;
    };
}

impl Store {
    /// The organization's collection-management settings.
    pub async fn collection_settings(&self, org: OrganizationId) -> Result<Settings, StoreError> {
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, SettingsRow>(
                "SELECT limit_collection_creation, limit_collection_deletion, limit_item_deletion, \
                 allow_admin_access_to_all_collection_items FROM organizations WHERE id = $1",
            )
            .bind(org.to_string())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(settings_of).unwrap_or_default())
    }

    /// Changes the organization's collection-management settings; every confirmed member's
    /// clients learn of it at their next sync.
    pub async fn set_collection_settings(
        &self,
        org: OrganizationId,
        settings: Settings,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE organizations SET limit_collection_creation = $2, \
                 limit_collection_deletion = $3, limit_item_deletion = $4, \
                 allow_admin_access_to_all_collection_items = $5, revision_date = $6, \
                 updated_at = $6 WHERE id = $1",
            )
            .bind(org.to_string())
            .bind(settings.limit_collection_creation)
            .bind(settings.limit_collection_deletion)
            .bind(settings.limit_item_deletion)
            .bind(settings.allow_admin_access_to_all_collection_items)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            bump_organization!(&mut *tx, org, now_ms);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every collection of the organization, by creation.
    pub async fn collections_of(
        &self,
        org: OrganizationId,
    ) -> Result<Vec<CollectionRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM collections c WHERE c.organization_id = $1 \
             ORDER BY c.created_at, c.id"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as::<_, CollectionRecord>(&sql)
                .bind(org.to_string())
                .fetch_all(pool)
                .await?
        }))
    }

    /// The collections among `ids`, of any organization.
    pub async fn collections_by_ids(
        &self,
        ids: &[CollectionId],
    ) -> Result<Vec<CollectionRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM collections c WHERE {} ORDER BY c.created_at, c.id",
            in_json(self.backend(), "c.id", 1)
        );
        let ids = ids_json(ids);
        Ok(on_pool!(self, pool => {
            sqlx::query_as::<_, CollectionRecord>(&sql)
                .bind(&ids)
                .fetch_all(pool)
                .await?
        }))
    }

    /// How many collections the organization has, its members' own included.
    pub async fn collection_count(&self, org: OrganizationId) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM collections WHERE organization_id = $1",
            )
            .bind(org.to_string())
            .fetch_one(pool)
            .await?
        }))
    }

    /// Who is assigned to each of the organization's collections.
    pub async fn collection_access_lists(
        &self,
        org: OrganizationId,
    ) -> Result<HashMap<CollectionId, AccessLists>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, AccessRow>(
                "SELECT cu.collection_id, cu.member_id AS principal, FALSE AS group_row, \
                 cu.read_only, cu.hide_passwords, cu.manage FROM collection_users cu \
                 JOIN collections c ON c.id = cu.collection_id WHERE c.organization_id = $1 \
                 UNION ALL \
                 SELECT cg.collection_id, cg.group_id AS principal, TRUE AS group_row, \
                 cg.read_only, cg.hide_passwords, cg.manage FROM collection_groups cg \
                 JOIN collections c ON c.id = cg.collection_id WHERE c.organization_id = $1",
            )
            .bind(org.to_string())
            .fetch_all(pool)
            .await?
        });
        let mut lists: HashMap<CollectionId, AccessLists> = HashMap::new();
        for row in rows {
            let access = Access {
                read_only: row.read_only,
                hide_passwords: row.hide_passwords,
                manage: row.manage,
            };
            let entry = lists.entry(typed(row.collection_id)?).or_default();
            if row.group_row {
                entry.groups.push((typed(row.principal)?, access));
            } else {
                entry.users.push((typed(row.principal)?, access));
            }
        }
        for entry in lists.values_mut() {
            entry.users.sort_by_key(|(id, _)| id.to_string());
            entry.groups.sort_by_key(|(id, _)| id.to_string());
        }
        Ok(lists)
    }

    /// Every way the user reaches a collection: their own assignments and their groups', in the
    /// organizations where they are a confirmed member and which are enabled.
    pub async fn collection_paths(&self, user: UserId) -> Result<Vec<CollectionPath>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, PathRow>(
                "SELECT cu.collection_id, ou.organization_id, TRUE AS direct, cu.read_only, \
                 cu.hide_passwords, cu.manage FROM collection_users cu \
                 JOIN organization_users ou ON ou.id = cu.member_id \
                 JOIN organizations o ON o.id = ou.organization_id \
                 WHERE ou.user_id = $1 AND ou.status = $2 AND o.enabled \
                 UNION ALL \
                 SELECT cg.collection_id, ou.organization_id, FALSE AS direct, cg.read_only, \
                 cg.hide_passwords, cg.manage FROM collection_groups cg \
                 JOIN group_users gu ON gu.group_id = cg.group_id \
                 JOIN organization_users ou ON ou.id = gu.member_id \
                 JOIN organizations o ON o.id = ou.organization_id \
                 WHERE ou.user_id = $1 AND ou.status = $2 AND o.enabled",
            )
            .bind(user.to_string())
            .bind(MemberStatus::Confirmed.code())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                Ok(CollectionPath {
                    collection_id: typed(row.collection_id)?,
                    organization_id: typed(row.organization_id)?,
                    direct: row.direct,
                    access: Access {
                        read_only: row.read_only,
                        hide_passwords: row.hide_passwords,
                        manage: row.manage,
                    },
                })
            })
            .collect()
    }

    /// Creates a collection with its assignments (those naming someone outside the organization
    /// are dropped); every confirmed member's revision date moves, as a new collection may be
    /// theirs.
    pub async fn create_collection(
        &self,
        collection: &CollectionRecord,
        users: &[(OrganizationUserId, Access)],
        groups: &[(GroupId, Access)],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            insert_collection!(&mut *tx, collection);
            for (member, access) in users {
                upsert_user!(&mut *tx, collection.id, member, access);
            }
            for (group, access) in groups {
                upsert_group!(&mut *tx, collection.id, group, access);
            }
            bump_organization!(&mut *tx, collection.organization_id, collection.revision_date);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Renames a collection of the organization and replaces the assignments given (none: left
    /// as they are). `false` when the organization has no such collection.
    pub async fn update_collection(
        &self,
        collection: &CollectionRecord,
        users: Option<&[(OrganizationUserId, Access)]>,
        groups: Option<&[(GroupId, Access)]>,
    ) -> Result<bool, StoreError> {
        let updated = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE collections SET name = $3, external_id = $4, revision_date = $5 \
                 WHERE id = $1 AND organization_id = $2",
            )
            .bind(collection.id.to_string())
            .bind(collection.organization_id.to_string())
            .bind(&collection.name)
            .bind(&collection.external_id)
            .bind(collection.revision_date)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if updated {
                if let Some(users) = users {
                    write_users!(&mut *tx, collection.id, users);
                }
                if let Some(groups) = groups {
                    write_groups!(&mut *tx, collection.id, groups);
                }
                bump_organization!(&mut *tx, collection.organization_id, collection.revision_date);
                tx.commit().await?;
            }
            updated
        });
        Ok(updated)
    }

    /// Adds or changes the given assignments on each of the organization's collections among
    /// `ids`, leaving other assignments as they are.
    pub async fn add_collection_access(
        &self,
        org: OrganizationId,
        ids: &[CollectionId],
        users: &[(OrganizationUserId, Access)],
        groups: &[(GroupId, Access)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let touch = format!(
            "UPDATE collections SET revision_date = $2 WHERE organization_id = $1 AND {}",
            in_json(self.backend(), "id", 3)
        );
        let json = ids_json(ids);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&touch)
                .bind(org.to_string())
                .bind(now_ms)
                .bind(&json)
                .execute(&mut *tx)
                .await?;
            for collection in ids {
                for (member, access) in users {
                    upsert_user!(&mut *tx, collection, member, access);
                }
                for (group, access) in groups {
                    upsert_group!(&mut *tx, collection, group, access);
                }
            }
            bump_organization!(&mut *tx, org, now_ms);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes the organization's collections among `ids`; their items stay in the
    /// organization. Answers how many went.
    pub async fn delete_collections(
        &self,
        org: OrganizationId,
        ids: &[CollectionId],
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "DELETE FROM collections WHERE organization_id = $1 AND {}",
            in_json(self.backend(), "id", 2)
        );
        let json = ids_json(ids);
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            bump_organization!(&mut *tx, org, now_ms);
            let deleted = sqlx::query(&sql)
                .bind(org.to_string())
                .bind(&json)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            deleted
        });
        Ok(deleted)
    }

    /// Replaces the collections a member is assigned to in their organization.
    pub async fn set_member_collections(
        &self,
        org: OrganizationId,
        member: OrganizationUserId,
        collections: &[(CollectionId, Access)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            bump_organization!(&mut *tx, org, now_ms);
            crate::member_access::replace_member_collections!(tx, org, member, collections);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The ids of the organization's groups.
    pub async fn organization_group_ids(
        &self,
        org: OrganizationId,
    ) -> Result<Vec<GroupId>, StoreError> {
        let rows: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM groups WHERE organization_id = $1")
                .bind(org.to_string())
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(typed).collect()
    }

    /// The collections a member is assigned to directly, with their access.
    pub async fn member_collections(
        &self,
        member: OrganizationUserId,
    ) -> Result<Vec<(CollectionId, Access)>, StoreError> {
        let rows: Vec<(String, bool, bool, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT collection_id, read_only, hide_passwords, manage FROM collection_users \
                 WHERE member_id = $1 ORDER BY collection_id",
            )
            .bind(member.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, read_only, hide_passwords, manage)| {
                Ok((
                    typed(id)?,
                    Access {
                        read_only,
                        hide_passwords,
                        manage,
                    },
                ))
            })
            .collect()
    }
}

fn settings_of(row: SettingsRow) -> Settings {
    Settings {
        limit_collection_creation: row.limit_collection_creation,
        limit_collection_deletion: row.limit_collection_deletion,
        limit_item_deletion: row.limit_item_deletion,
        allow_admin_access_to_all_collection_items: row.allow_admin_access_to_all_collection_items,
    }
}
