//! What a member reaches — their own collection assignments and their groups — written inside
//! the transaction of the membership change that gives it (an invitation, a role change), so a
//! member is never left with a new role and the old access, or invited without it.

use kinwarden_core::ids::{CollectionId, GroupId};
use kinwarden_core::vault::collections::Access;

use kinwarden_core::ids::{OrganizationId, OrganizationUserId};

use crate::vault::in_json;
use crate::{Backend, Store, StoreError, on_pool};

/// A member's access to write; `None` leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberAccessChange {
    /// Replaces the member's own assignments to the organization's collections.
    pub collections: Option<Vec<(CollectionId, Access)>>,
    /// Replaces the organization's groups the member is in (each once).
    pub groups: Option<Vec<GroupId>>,
}

impl MemberAccessChange {
    /// Whether writing it for a member who has no access yet changes nothing.
    pub fn gives_nothing(&self) -> bool {
        self.collections.as_ref().is_none_or(Vec::is_empty)
            && self.groups.as_ref().is_none_or(Vec::is_empty)
    }
}

/// The groups' revision dates move when a member joins or leaves them: `$1` the organization,
/// `$2` the member, `$3` the new groups as a JSON array, `$4` the time.
pub(crate) struct GroupTouches {
    pub(crate) left: String,
    pub(crate) joined: String,
}

impl GroupTouches {
    pub(crate) fn for_backend(backend: Backend) -> Self {
        let in_new = in_json(backend, "id", 3);
        Self {
            left: format!(
                "UPDATE groups SET revision_date = $4 WHERE organization_id = $1 AND \
                 id IN (SELECT group_id FROM group_users WHERE member_id = $2) AND NOT ({in_new})"
            ),
            joined: format!(
                "UPDATE groups SET revision_date = $4 WHERE organization_id = $1 AND {in_new} \
                 AND id NOT IN (SELECT group_id FROM group_users WHERE member_id = $2)"
            ),
        }
    }
}

/// Replaces member `$member`'s assignments to collections of organization `$org` with
/// `$collections` (`&[(CollectionId, Access)]`), inside the caller's transaction.
macro_rules! replace_member_collections {
    ($executor:expr, $org:expr, $member:expr, $collections:expr) => {
        sqlx::query(
            "DELETE FROM collection_users WHERE member_id = $1 AND collection_id IN \
             (SELECT id FROM collections WHERE organization_id = $2)",
        )
        .bind($member.to_string())
        .bind($org.to_string())
        .execute(&mut *$executor)
        .await?;
        for (collection, access) in $collections {
            $crate::vault::upsert_collection_user!(&mut *$executor, collection, $member, access);
        }
    };
}
pub(crate) use replace_member_collections;

/// Puts member `$member` in exactly the groups `$groups` (distinct `GroupId`s) of organization
/// `$org`, moving the revision dates of the groups joined and left (`$touches`), inside the
/// caller's transaction. A group that is gone fails the insert (its foreign key), and with it
/// the caller's transaction.
macro_rules! replace_member_groups {
    ($executor:expr, $touches:expr, $org:expr, $member:expr, $groups:expr, $now_ms:expr) => {
        let ids = serde_json::Value::Array(
            $groups
                .iter()
                .map(|id| serde_json::Value::String(id.to_string()))
                .collect(),
        )
        .to_string();
        for touch in [&$touches.left, &$touches.joined] {
            sqlx::query(touch)
                .bind($org.to_string())
                .bind($member.to_string())
                .bind(&ids)
                .bind($now_ms)
                .execute(&mut *$executor)
                .await?;
        }
        sqlx::query(
            "DELETE FROM group_users WHERE member_id = $1 AND group_id IN \
             (SELECT id FROM groups WHERE organization_id = $2)",
        )
        .bind($member.to_string())
        .bind($org.to_string())
        .execute(&mut *$executor)
        .await?;
        for group in $groups {
            sqlx::query("INSERT INTO group_users (group_id, member_id) VALUES ($1, $2)")
                .bind(group.to_string())
                .bind($member.to_string())
                .execute(&mut *$executor)
                .await?;
        }
    };
}
pub(crate) use replace_member_groups;

/// Writes `$access` (a [`MemberAccessChange`]) for member `$member` of organization `$org`, inside the
/// caller's transaction; the organization's confirmed members' revision dates move when it
/// changes anything (what they reach through collections and groups may have).
macro_rules! write_member_access {
    ($executor:expr, $touches:expr, $org:expr, $member:expr, $access:expr, $now_ms:expr) => {
        if let Some(collections) = &$access.collections {
            $crate::member_access::replace_member_collections!(
                $executor,
                $org,
                $member,
                collections
            );
        }
        if let Some(groups) = &$access.groups {
            $crate::member_access::replace_member_groups!(
                $executor, $touches, $org, $member, groups, $now_ms
            );
        }
        if $access.collections.is_some() || $access.groups.is_some() {
            $crate::vault::bump_organization!(&mut *$executor, $org, $now_ms);
        }
    };
}
pub(crate) use write_member_access;

impl Store {
    /// Writes `access` for organization `org`'s member `member`, all of it or nothing; false
    /// when the member is not the organization's (nothing is written).
    pub async fn set_member_access(
        &self,
        org: OrganizationId,
        member: OrganizationUserId,
        access: &MemberAccessChange,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let touches = GroupTouches::for_backend(self.backend());
        let written = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let found: Option<String> = sqlx::query_scalar(
                "SELECT id FROM organization_users WHERE id = $1 AND organization_id = $2",
            )
            .bind(member.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            if found.is_some() {
                write_member_access!(tx, touches, org, member, access, now_ms);
                tx.commit().await?;
            }
            found.is_some()
        });
        Ok(written)
    }
}
