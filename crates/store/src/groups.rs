//! An organization's groups (SPEC §11): their names, the collections each reaches with an access
//! level, and their members. Every statement is scoped to the organization in its SQL, so a group
//! id of another organization changes nothing. Every write moves the account revision date of the
//! organization's confirmed members in the same transaction, so their clients resync.

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationId, OrganizationUserId};
use kinwarden_core::vault::collections::{Access, CollectionType};

use crate::member_access::{GroupTouches, replace_member_groups};
use crate::vault::in_json;
use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupRecord {
    #[sqlx(try_from = "String")]
    pub id: GroupId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
    /// Plain text, as the reference keeps it.
    pub name: String,
    pub external_id: Option<String>,
    pub created_at: i64,
    pub revision_date: i64,
}

/// A group's access to one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCollectionAccess {
    pub collection_id: CollectionId,
    pub access: Access,
}

/// What a group write came to; anything but `Saved` left the database as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSaved {
    Saved,
    /// No such group in the organization (an update).
    NotFound,
    /// A collection is not one of the organization's.
    ForeignCollection,
    /// A collection is a member's own ("My Items"), which no group may reach.
    DefaultCollection,
    /// A member id is not a member of the organization.
    ForeignMember,
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    #[sqlx(try_from = "String")]
    group_id: GroupId,
    #[sqlx(try_from = "String")]
    collection_id: CollectionId,
    read_only: bool,
    hide_passwords: bool,
    manage: bool,
}

const COLUMNS: &str = "id, organization_id, name, external_id, created_at, revision_date";

/// How many of the ids bound as `$2` (a JSON array) `$sql` finds among `$org`'s rows.
macro_rules! count_of_org {
    ($executor:expr, $sql:expr, $org:expr, $ids:expr) => {
        sqlx::query_scalar::<_, i64>($sql)
            .bind($org.to_string())
            .bind($ids)
            .fetch_one($executor)
            .await?
    };
}

/// The statements of one group write, made once for the backend.
struct SaveSql {
    collections_found: String,
    default_collections: String,
    members_found: String,
}

impl SaveSql {
    fn new(backend: crate::Backend) -> Self {
        Self {
            collections_found: format!(
                "SELECT COUNT(*) FROM collections WHERE organization_id = $1 AND {}",
                in_json(backend, "id", 2)
            ),
            default_collections: format!(
                "SELECT COUNT(*) FROM collections WHERE organization_id = $1 AND type <> {} AND {}",
                CollectionType::Shared.code(),
                in_json(backend, "id", 2)
            ),
            members_found: format!(
                "SELECT COUNT(*) FROM organization_users WHERE organization_id = $1 AND {}",
                in_json(backend, "id", 2)
            ),
        }
    }
}

/// A count to compare with what SQL counts.
fn len<T>(items: &[T]) -> i64 {
    i64::try_from(items.len()).unwrap_or(i64::MAX)
}

fn json_of<T: ToString>(ids: impl IntoIterator<Item = T>) -> String {
    serde_json::Value::Array(
        ids.into_iter()
            .map(|id| serde_json::Value::String(id.to_string()))
            .collect(),
    )
    .to_string()
}

impl Store {
    /// The organization's groups, by name.
    pub async fn groups_of_organization(
        &self,
        org: OrganizationId,
    ) -> Result<Vec<GroupRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM groups WHERE organization_id = $1 ORDER BY name, id");
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, GroupRecord>(&sql)
                .bind(org.to_string())
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// The organization's group `id`; another organization's is none.
    pub async fn groups_get(
        &self,
        org: OrganizationId,
        id: GroupId,
    ) -> Result<Option<GroupRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM groups WHERE id = $1 AND organization_id = $2");
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, GroupRecord>(&sql)
                .bind(id.to_string())
                .bind(org.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    /// The collection access of the organization's groups (of `group` only, when given), in one
    /// query: each group's rows in collection order.
    pub async fn groups_collection_access(
        &self,
        org: OrganizationId,
        group: Option<GroupId>,
    ) -> Result<Vec<(GroupId, GroupCollectionAccess)>, StoreError> {
        let mut sql = "SELECT cg.group_id, cg.collection_id, cg.read_only, cg.hide_passwords, \
             cg.manage FROM collection_groups cg JOIN groups g ON g.id = cg.group_id \
             WHERE g.organization_id = $1"
            .to_string();
        if group.is_some() {
            sql.push_str(" AND g.id = $2");
        }
        sql.push_str(" ORDER BY cg.group_id, cg.collection_id");
        let rows = on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, AccessRow>(&sql).bind(org.to_string());
            if let Some(group) = group {
                query = query.bind(group.to_string());
            }
            query.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|row| {
                (
                    row.group_id,
                    GroupCollectionAccess {
                        collection_id: row.collection_id,
                        access: Access {
                            read_only: row.read_only,
                            hide_passwords: row.hide_passwords,
                            manage: row.manage,
                        },
                    },
                )
            })
            .collect())
    }

    /// The members of the organization's group `id` (none for another organization's group).
    pub async fn groups_members(
        &self,
        org: OrganizationId,
        id: GroupId,
    ) -> Result<Vec<OrganizationUserId>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_scalar::<_, String>(
                "SELECT gu.member_id FROM group_users gu JOIN groups g ON g.id = gu.group_id \
                 WHERE g.id = $1 AND g.organization_id = $2 ORDER BY gu.member_id",
            )
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(crate::column::typed).collect()
    }

    /// The organization's groups that `member` is in.
    pub async fn groups_of_member(
        &self,
        org: OrganizationId,
        member: OrganizationUserId,
    ) -> Result<Vec<GroupId>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_scalar::<_, String>(
                "SELECT gu.group_id FROM group_users gu JOIN groups g ON g.id = gu.group_id \
                 WHERE gu.member_id = $1 AND g.organization_id = $2 ORDER BY gu.group_id",
            )
            .bind(member.to_string())
            .bind(org.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(crate::column::typed).collect()
    }

    /// Creates the group with its collection access and members (none given: none), in one
    /// transaction that checks every collection and member is the organization's. Each
    /// collection and member is named once.
    pub async fn groups_create(
        &self,
        group: &GroupRecord,
        collections: Option<&[GroupCollectionAccess]>,
        members: Option<&[OrganizationUserId]>,
    ) -> Result<GroupSaved, StoreError> {
        self.groups_save(group, collections, members, true).await
    }

    /// Renames the organization's group `group.id` and moves its revision date; replaces its
    /// collection access and its members where given (none: left as they are).
    pub async fn groups_update(
        &self,
        group: &GroupRecord,
        collections: Option<&[GroupCollectionAccess]>,
        members: Option<&[OrganizationUserId]>,
    ) -> Result<GroupSaved, StoreError> {
        self.groups_save(group, collections, members, false).await
    }

    async fn groups_save(
        &self,
        group: &GroupRecord,
        collections: Option<&[GroupCollectionAccess]>,
        members: Option<&[OrganizationUserId]>,
        create: bool,
    ) -> Result<GroupSaved, StoreError> {
        let sql = SaveSql::new(self.backend());
        let org = group.organization_id;
        let now = group.revision_date;
        let collection_ids = collections.map(|c| json_of(c.iter().map(|a| a.collection_id)));
        let member_ids = members.map(json_of);
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The write first, for SQLite's lock (see `set_personal_marks`).
            crate::vault::bump_organization!(&mut *tx, org, now);
            let written = if create {
                sqlx::query(&format!(
                    "INSERT INTO groups ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(group.id.to_string())
                .bind(org.to_string())
                .bind(&group.name)
                .bind(&group.external_id)
                .bind(group.created_at)
                .bind(now)
                .execute(&mut *tx)
                .await?
            } else {
                sqlx::query(
                    "UPDATE groups SET name = $3, external_id = $4, revision_date = $5 \
                     WHERE id = $1 AND organization_id = $2",
                )
                .bind(group.id.to_string())
                .bind(org.to_string())
                .bind(&group.name)
                .bind(&group.external_id)
                .bind(now)
                .execute(&mut *tx)
                .await?
            };
            let mut outcome = if written.rows_affected() == 1 {
                GroupSaved::Saved
            } else {
                GroupSaved::NotFound
            };
            if let (GroupSaved::Saved, Some(access), Some(ids)) =
                (outcome, collections, collection_ids.as_ref())
            {
                if count_of_org!(&mut *tx, &sql.collections_found, org, ids) != len(access) {
                    outcome = GroupSaved::ForeignCollection;
                } else if count_of_org!(&mut *tx, &sql.default_collections, org, ids) > 0 {
                    outcome = GroupSaved::DefaultCollection;
                } else {
                    sqlx::query("DELETE FROM collection_groups WHERE group_id = $1")
                        .bind(group.id.to_string())
                        .execute(&mut *tx)
                        .await?;
                    for row in access {
                        sqlx::query(
                            "INSERT INTO collection_groups (collection_id, group_id, read_only, \
                             hide_passwords, manage) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(row.collection_id.to_string())
                        .bind(group.id.to_string())
                        .bind(row.access.read_only)
                        .bind(row.access.hide_passwords)
                        .bind(row.access.manage)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            if let (GroupSaved::Saved, Some(members), Some(ids)) =
                (outcome, members, member_ids.as_ref())
            {
                if count_of_org!(&mut *tx, &sql.members_found, org, ids) != len(members) {
                    outcome = GroupSaved::ForeignMember;
                } else {
                    sqlx::query("DELETE FROM group_users WHERE group_id = $1")
                        .bind(group.id.to_string())
                        .execute(&mut *tx)
                        .await?;
                    for member in members {
                        sqlx::query("INSERT INTO group_users (group_id, member_id) VALUES ($1, $2)")
                            .bind(group.id.to_string())
                            .bind(member.to_string())
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
            if outcome == GroupSaved::Saved {
                tx.commit().await?;
            }
            outcome
        });
        Ok(outcome)
    }

    /// Deletes the organization's groups `ids` with their collection access and memberships:
    /// all of them, or none when one is not the organization's (`false`).
    pub async fn groups_delete(
        &self,
        org: OrganizationId,
        ids: &[GroupId],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut distinct = ids.to_vec();
        distinct.sort();
        distinct.dedup();
        let ids = json_of(distinct.iter());
        let sql = format!(
            "DELETE FROM groups WHERE organization_id = $1 AND {}",
            in_json(self.backend(), "id", 2)
        );
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            crate::vault::bump_organization!(&mut *tx, org, now_ms);
            // Collection access and memberships go with the rows (ON DELETE CASCADE).
            let deleted = sqlx::query(&sql)
                .bind(org.to_string())
                .bind(&ids)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let all = i64::try_from(deleted).ok() == Some(len(&distinct));
            if all {
                tx.commit().await?;
            }
            all
        });
        Ok(deleted)
    }

    /// Takes `member` out of the organization's group `id`. `false` when the organization has no
    /// such group or no such member (nothing changes); a member not in the group is no change
    /// but `true`.
    pub async fn groups_remove_member(
        &self,
        org: OrganizationId,
        id: GroupId,
        member: OrganizationUserId,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            crate::vault::bump_organization!(&mut *tx, org, now_ms);
            let group = sqlx::query(
                "UPDATE groups SET revision_date = $3 WHERE id = $1 AND organization_id = $2",
            )
            .bind(id.to_string())
            .bind(org.to_string())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let member_found: Option<String> = sqlx::query_scalar(
                "SELECT id FROM organization_users WHERE id = $1 AND organization_id = $2",
            )
            .bind(member.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            let found = group == 1 && member_found.is_some();
            if found {
                sqlx::query("DELETE FROM group_users WHERE group_id = $1 AND member_id = $2")
                    .bind(id.to_string())
                    .bind(member.to_string())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            found
        });
        Ok(done)
    }

    /// Puts the organization's `member` in exactly the organization's `groups`. `None` when the
    /// member is not the organization's; `Some(false)` when a group is not (nothing changes).
    /// The groups joined or left move their revision date.
    pub async fn groups_set_for_member(
        &self,
        org: OrganizationId,
        member: OrganizationUserId,
        groups: &[GroupId],
        now_ms: i64,
    ) -> Result<Option<bool>, StoreError> {
        let mut distinct = groups.to_vec();
        distinct.sort();
        distinct.dedup();
        let ids = json_of(distinct.iter());
        let backend = self.backend();
        let touches = GroupTouches::for_backend(backend);
        let groups_found = format!(
            "SELECT COUNT(*) FROM groups WHERE organization_id = $1 AND {}",
            in_json(backend, "id", 2)
        );
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            crate::vault::bump_organization!(&mut *tx, org, now_ms);
            let member_found: Option<String> = sqlx::query_scalar(
                "SELECT id FROM organization_users WHERE id = $1 AND organization_id = $2",
            )
            .bind(member.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            if member_found.is_none() {
                None
            } else if count_of_org!(&mut *tx, &groups_found, org, &ids) != len(&distinct) {
                Some(false)
            } else {
                replace_member_groups!(tx, touches, org, member, &distinct, now_ms);
                tx.commit().await?;
                Some(true)
            }
        });
        Ok(outcome)
    }
}

#[cfg(test)]
pub(crate) mod tests;
