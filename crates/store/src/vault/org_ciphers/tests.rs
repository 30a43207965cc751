//! An organization's items stay inside it on every test backend: writes naming another
//! organization change nothing, a personal item is shared only by its owner, collections of
//! another organization are never linked, and the organization's writes move the revision date
//! of its confirmed members only.

use kinwarden_core::ids::{CipherId, UserId};
use kinwarden_core::vault::collections::Access;
use kinwarden_testkit::backends;

use crate::groups::tests::{collection, organization, revision_of};
use crate::test_db::fresh;
use crate::{CipherMarks, CipherRecord, Store};

fn item(
    org: Option<kinwarden_core::ids::OrganizationId>,
    user: Option<UserId>,
    now: i64,
) -> CipherRecord {
    CipherRecord {
        id: CipherId::new(),
        user_id: user,
        organization_id: org,
        cipher_type: 2,
        data: r#"{"Name":"2.n|n|n"}"#.to_string(),
        reprompt: None,
        key: None,
        created_at: now,
        revision_date: now,
        deleted_at: None,
    }
}

async fn links(store: &Store, user: UserId, id: CipherId) -> anyhow::Result<Vec<String>> {
    Ok(store
        .org_cipher(user, id)
        .await?
        .map(|found| {
            found
                .collection_ids
                .iter()
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test]
async fn an_organizations_items_stay_inside_it() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = &db.store;
        let a = organization(store, "a").await?;
        let b = organization(store, "b").await?;
        let shelf = collection(store, a.id, 0).await?;
        let foreign = collection(store, b.id, 0).await?;
        store
            .set_member_collections(a.id, a.owner, &[(shelf, Access::MANAGE)], 10)
            .await?;

        // Created in its own collection; another organization's collection is not linked.
        let shared = item(Some(a.id), None, 20);
        assert!(
            store
                .save_org_cipher(
                    a.owner_user,
                    &shared,
                    &CipherMarks::default(),
                    Some(&[shelf, foreign])
                )
                .await?,
            "{name}"
        );
        assert_eq!(
            links(store, a.owner_user, shared.id).await?,
            [shelf.to_string()],
            "{name}"
        );
        assert!(revision_of(store, a.owner_user).await? >= 20, "{name}");
        assert!(
            revision_of(store, b.owner_user).await? < 20,
            "{name}: B's owner untouched"
        );

        // Writes naming organization B change nothing of A's item.
        assert_eq!(
            store
                .trash_org_ciphers(b.id, &[shared.id], true, 30)
                .await?,
            0,
            "{name}"
        );
        assert!(
            store
                .delete_org_ciphers(b.id, Some(&[shared.id]), 30)
                .await?
                .is_empty()
        );
        assert!(
            !store
                .set_cipher_collections(b.id, shared.id, &[foreign], 30)
                .await?
        );
        store
            .change_collections_of_many(b.id, &[shared.id], &[foreign], false, 30)
            .await?;
        let mut stolen = shared.clone();
        stolen.organization_id = Some(b.id);
        stolen.data = r#"{"Name":"2.x|x|x"}"#.to_string();
        assert!(
            !store
                .save_org_cipher(b.owner_user, &stolen, &CipherMarks::default(), None)
                .await?,
            "{name}"
        );
        let found = store
            .org_cipher(a.owner_user, shared.id)
            .await?
            .expect("still there");
        assert_eq!(found.item.cipher.data, shared.data, "{name}");
        assert_eq!(found.item.cipher.deleted_at, None, "{name}");
        assert_eq!(found.collection_ids, [shelf], "{name}");

        // Only its owner shares a personal item, and only into the named organization's
        // collections.
        let own = item(None, Some(a.owner_user), 40);
        store
            .save_personal_cipher(a.owner_user, &own, &CipherMarks::default())
            .await?;
        let moved = CipherRecord {
            user_id: None,
            organization_id: Some(a.id),
            ..own.clone()
        };
        assert!(
            !store
                .share_cipher(b.owner_user, &moved, &CipherMarks::default(), &[shelf])
                .await?,
            "{name}: not B's owner's item"
        );
        assert!(
            store
                .share_cipher(
                    a.owner_user,
                    &moved,
                    &CipherMarks::default(),
                    &[shelf, foreign]
                )
                .await?,
            "{name}"
        );
        assert!(store.personal_cipher(a.owner_user, own.id).await?.is_none());
        assert_eq!(
            links(store, a.owner_user, own.id).await?,
            [shelf.to_string()],
            "{name}"
        );

        // The user reaches the collection, and through it both items.
        let paths = store.collection_paths(a.owner_user).await?;
        assert_eq!(paths.len(), 1, "{name}");
        assert!(
            store.collection_paths(b.owner_user).await?.is_empty(),
            "{name}"
        );
        let reached = store.ciphers_in_collections(a.owner_user, &[shelf]).await?;
        assert_eq!(reached.len(), 2, "{name}");

        // Deleting the collection leaves the items in the organization, in no collection.
        assert_eq!(
            store.delete_collections(b.id, &[shelf], 50).await?,
            0,
            "{name}"
        );
        assert_eq!(
            store.delete_collections(a.id, &[shelf], 50).await?,
            1,
            "{name}"
        );
        assert!(
            links(store, a.owner_user, shared.id).await?.is_empty(),
            "{name}"
        );
        assert_eq!(
            store.org_ciphers(a.owner_user, a.id).await?.len(),
            2,
            "{name}"
        );
    }
    Ok(())
}
