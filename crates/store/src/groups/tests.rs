//! The groups' promises on every test backend: everything stays inside its organization, a write
//! with a collection or member of another organization (or a member's own collection) changes
//! nothing, `None` leaves access and members as they are, deletion takes access and memberships
//! with it, and every write moves the revision date of the organization's confirmed members only.

use kinwarden_core::ids::{CollectionId, GroupId, OrganizationId, OrganizationUserId, UserId};
use kinwarden_core::vault::collections::Access;
use kinwarden_testkit::backends;

use super::{GroupCollectionAccess, GroupRecord, GroupSaved};
use crate::test_db::fresh;
use crate::{Store, on_pool};

const READ_ONLY: Access = Access {
    read_only: true,
    hide_passwords: false,
    manage: false,
};

/// An organization with a confirmed owner (whose user id is answered) and an invited member.
pub(crate) struct Org {
    pub(crate) id: OrganizationId,
    pub(crate) owner_user: UserId,
    pub(crate) owner: OrganizationUserId,
    invited: OrganizationUserId,
}

async fn exec(store: &Store, sql: &str, binds: &[String]) -> anyhow::Result<()> {
    on_pool!(store, pool => {
        let mut query = sqlx::query(sql);
        for bind in binds {
            query = query.bind(bind);
        }
        query.execute(pool).await?;
    });
    Ok(())
}

pub(crate) async fn organization(store: &Store, name: &str) -> anyhow::Result<Org> {
    let org = Org {
        id: OrganizationId::new(),
        owner_user: UserId::new(),
        owner: OrganizationUserId::new(),
        invited: OrganizationUserId::new(),
    };
    exec(
        store,
        "INSERT INTO users (id, email, password_hash, password_salt, password_iterations, kdf, \
         kdf_iterations, user_key, security_stamp, api_key, revision_date, created_at, updated_at) \
         VALUES ($1, $2, 'h', 's', 1, 0, 600000, '2.k|k|k', 'stamp', 'key', 1, 1, 1)",
        &[org.owner_user.to_string(), format!("owner@{name}.test")],
    )
    .await?;
    exec(
        store,
        "INSERT INTO organizations (id, name, billing_email, plan_type, revision_date, \
         created_at, updated_at) VALUES ($1, $2, 'billing@example.test', 20, 1, 1, 1)",
        &[org.id.to_string(), name.to_string()],
    )
    .await?;
    exec(
        store,
        "INSERT INTO organization_users (id, organization_id, user_id, email, status, type, \
         created_at, updated_at) VALUES ($1, $2, $3, NULL, 2, 0, 1, 1)",
        &[
            org.owner.to_string(),
            org.id.to_string(),
            org.owner_user.to_string(),
        ],
    )
    .await?;
    exec(
        store,
        "INSERT INTO organization_users (id, organization_id, user_id, email, status, type, \
         created_at, updated_at) VALUES ($1, $2, NULL, $3, 0, 2, 1, 1)",
        &[
            org.invited.to_string(),
            org.id.to_string(),
            format!("invited@{name}.test"),
        ],
    )
    .await?;
    Ok(org)
}

/// A collection of the organization: shared, or a member's own (`type` 1).
pub(crate) async fn collection(
    store: &Store,
    org: OrganizationId,
    kind: i32,
) -> anyhow::Result<CollectionId> {
    let id = CollectionId::new();
    exec(
        store,
        &format!(
            "INSERT INTO collections (id, organization_id, name, type, created_at, revision_date) \
             VALUES ($1, $2, '2.n|n|n', {kind}, 1, 1)"
        ),
        &[id.to_string(), org.to_string()],
    )
    .await?;
    Ok(id)
}

pub(crate) async fn revision_of(store: &Store, user: UserId) -> anyhow::Result<i64> {
    Ok(on_pool!(store, pool => {
        sqlx::query_scalar::<_, i64>("SELECT revision_date FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_one(pool)
            .await?
    }))
}

async fn count(store: &Store, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    Ok(on_pool!(store, pool => {
        sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await?
    }))
}

fn group(org: OrganizationId, name: &str, now: i64) -> GroupRecord {
    GroupRecord {
        id: GroupId::new(),
        organization_id: org,
        name: name.into(),
        external_id: None,
        created_at: now,
        revision_date: now,
    }
}

fn access(collection_id: CollectionId, access: Access) -> GroupCollectionAccess {
    GroupCollectionAccess {
        collection_id,
        access,
    }
}

#[tokio::test]
async fn groups_keep_to_their_organization_and_bad_writes_change_nothing() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = &db.store;
        let a = organization(store, "a").await?;
        let b = organization(store, "b").await?;
        let (shared, managed) = (
            collection(store, a.id, 0).await?,
            collection(store, a.id, 0).await?,
        );
        let own = collection(store, a.id, 1).await?;
        let elsewhere = collection(store, b.id, 0).await?;

        // Create with access and members: the organization's confirmed members resync.
        let mut team = group(a.id, "Team", 100);
        let rows = [access(shared, READ_ONLY), access(managed, Access::MANAGE)];
        let saved = store
            .groups_create(&team, Some(&rows), Some(&[a.owner, a.invited]))
            .await?;
        assert_eq!(saved, GroupSaved::Saved, "{name}");
        assert_eq!(revision_of(store, a.owner_user).await?, 100, "{name}");
        assert_eq!(revision_of(store, b.owner_user).await?, 1, "{name}");
        assert_eq!(
            store.groups_of_organization(a.id).await?,
            vec![team.clone()]
        );
        assert!(store.groups_of_organization(b.id).await?.is_empty());
        let mut expected = vec![(team.id, rows[0]), (team.id, rows[1])];
        expected.sort_by_key(|(_, row)| row.collection_id);
        assert_eq!(
            store.groups_collection_access(a.id, Some(team.id)).await?,
            expected,
            "{name}"
        );
        let mut members = vec![a.owner, a.invited];
        members.sort();
        assert_eq!(store.groups_members(a.id, team.id).await?, members);

        // Another organization's view of the group: nothing, and nothing it does lands.
        assert_eq!(store.groups_get(b.id, team.id).await?, None, "{name}");
        assert!(store.groups_members(b.id, team.id).await?.is_empty());
        assert!(store.groups_collection_access(b.id, None).await?.is_empty());
        let stolen = GroupRecord {
            organization_id: b.id,
            name: "Stolen".into(),
            ..team.clone()
        };
        assert_eq!(
            store.groups_update(&stolen, Some(&[]), Some(&[])).await?,
            GroupSaved::NotFound
        );
        assert!(!store.groups_delete(b.id, &[team.id], 200).await?);
        assert!(
            !store
                .groups_remove_member(b.id, team.id, a.owner, 200)
                .await?
        );

        // Bad writes: a foreign collection, a member's own collection, a foreign member.
        let renamed = GroupRecord {
            name: "Renamed".into(),
            revision_date: 300,
            ..team.clone()
        };
        for (collections, members, outcome) in [
            (
                vec![access(elsewhere, READ_ONLY)],
                None,
                GroupSaved::ForeignCollection,
            ),
            (
                vec![access(CollectionId::new(), READ_ONLY)],
                None,
                GroupSaved::ForeignCollection,
            ),
            (
                vec![access(own, READ_ONLY)],
                None,
                GroupSaved::DefaultCollection,
            ),
            (vec![], Some(vec![b.owner]), GroupSaved::ForeignMember),
        ] {
            let saved = store
                .groups_update(&renamed, Some(&collections), members.as_deref())
                .await?;
            assert_eq!(saved, outcome, "{name}");
        }
        assert_eq!(store.groups_get(a.id, team.id).await?, Some(team.clone()));
        assert_eq!(store.groups_collection_access(a.id, None).await?.len(), 2);
        assert_eq!(store.groups_members(a.id, team.id).await?.len(), 2);
        assert_eq!(revision_of(store, a.owner_user).await?, 100, "{name}");

        // `None` leaves access alone; an empty list empties.
        assert_eq!(
            store.groups_update(&renamed, None, Some(&[])).await?,
            GroupSaved::Saved
        );
        team = renamed;
        assert_eq!(store.groups_get(a.id, team.id).await?, Some(team.clone()));
        assert_eq!(store.groups_collection_access(a.id, None).await?.len(), 2);
        assert!(store.groups_members(a.id, team.id).await?.is_empty());
        assert_eq!(revision_of(store, a.owner_user).await?, 300, "{name}");

        // A member's groups, replaced whole; another organization's group or member is refused.
        let other = group(b.id, "Other", 400);
        store.groups_create(&other, None, None).await?;
        assert_eq!(
            store
                .groups_set_for_member(a.id, a.invited, &[team.id, team.id], 500)
                .await?,
            Some(true)
        );
        assert_eq!(
            store.groups_of_member(a.id, a.invited).await?,
            vec![team.id]
        );
        assert_eq!(
            store
                .groups_get(a.id, team.id)
                .await?
                .map(|g| g.revision_date),
            Some(500),
            "{name}: a group joined moves"
        );
        assert_eq!(
            store
                .groups_set_for_member(a.id, a.invited, &[other.id], 600)
                .await?,
            Some(false)
        );
        assert_eq!(
            store
                .groups_set_for_member(a.id, b.owner, &[team.id], 600)
                .await?,
            None
        );
        assert_eq!(
            store.groups_of_member(a.id, a.invited).await?,
            vec![team.id]
        );
        assert!(store.groups_of_member(b.id, b.owner).await?.is_empty());

        // One member out; an unknown member is refused.
        assert!(
            store
                .groups_remove_member(a.id, team.id, a.invited, 700)
                .await?
        );
        assert!(store.groups_members(a.id, team.id).await?.is_empty());
        assert!(
            !store
                .groups_remove_member(a.id, team.id, OrganizationUserId::new(), 700)
                .await?
        );

        // Deletion is all or nothing, and takes access and memberships with it.
        store
            .groups_set_for_member(a.id, a.owner, &[team.id], 800)
            .await?;
        assert!(
            !store
                .groups_delete(a.id, &[team.id, GroupId::new()], 900)
                .await?
        );
        assert!(store.groups_get(a.id, team.id).await?.is_some());
        assert!(store.groups_delete(a.id, &[team.id], 900).await?);
        assert_eq!(store.groups_get(a.id, team.id).await?, None);
        assert_eq!(count(store, "collection_groups").await?, 0, "{name}");
        assert_eq!(count(store, "group_users").await?, 0, "{name}");
        assert_eq!(revision_of(store, a.owner_user).await?, 900, "{name}");
        assert_eq!(store.groups_of_organization(b.id).await?, vec![other]);
        db.store.close().await;
    }
    Ok(())
}
