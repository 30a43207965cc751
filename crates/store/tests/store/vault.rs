//! The vault's storage: a user's folders and personal items, what an item is to its user, the
//! trash, and that nothing of another user's is ever read or written.

use kinwarden_core::ids::{CipherId, FolderId, UserId};
use kinwarden_store::{CipherMarks, CipherRecord, FolderRecord, NewUser, Store};
use kinwarden_testkit::backends;

use super::{fresh, id};

fn user(name: &str) -> NewUser {
    NewUser {
        id: id(name),
        email: format!("{name}@example.com"),
        name: None,
        email_verified: true,
        password_hash: "h".into(),
        password_salt: "s".into(),
        password_iterations: 1,
        master_password_hint: None,
        kdf: 0,
        kdf_iterations: 600_000,
        kdf_memory: None,
        kdf_parallelism: None,
        user_key: "2.k|k|k".into(),
        public_key: None,
        private_key: None,
        user_key_id: None,
        security_stamp: "stamp".into(),
        api_key: "key".into(),
        culture: "en-US".into(),
        revision_date: 1,
        created_at: 1,
        updated_at: 1,
    }
}

fn cipher(name: &str, at: i64) -> CipherRecord {
    CipherRecord {
        id: id(name),
        user_id: None,
        organization_id: None,
        cipher_type: 1,
        data: format!(r#"{{"Name":"2.{name}|n|n"}}"#),
        reprompt: None,
        key: None,
        created_at: at,
        revision_date: at,
        deleted_at: None,
    }
}

async fn revision(store: &Store, user: UserId) -> anyhow::Result<i64> {
    Ok(store
        .user_by_id(user)
        .await?
        .map(|u| u.revision_date)
        .unwrap_or_default())
}

#[tokio::test]
async fn items_and_folders_belong_to_their_user() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let (ann, bo): (UserId, UserId) = (id("ann"), id("bo"));
        store.create_user(&user("ann")).await?;
        store.create_user(&user("bo")).await?;

        let work = FolderRecord {
            id: id("work"),
            user_id: ann,
            name: "2.w|w|w".into(),
            created_at: 10,
            revision_date: 10,
        };
        assert!(store.save_folder(&work).await?, "{name}");
        assert_eq!(revision(&store, ann).await?, 10, "{name}: folder bumps");
        // Bo cannot rename Ann's folder by its id.
        let hijack = FolderRecord {
            user_id: bo,
            name: "2.x|x|x".into(),
            ..work.clone()
        };
        assert!(!store.save_folder(&hijack).await?, "{name}");
        assert_eq!(store.folder_of(ann, work.id).await?, Some(work.clone()));
        assert_eq!(store.folder_of(bo, work.id).await?, None);

        let marks = CipherMarks {
            folder_id: Some(work.id),
            favorite: true,
            archived_at: None,
        };
        let login = cipher("login", 20);
        assert!(store.save_personal_cipher(ann, &login, &marks).await?);
        assert!(
            store
                .save_personal_cipher(ann, &cipher("note", 21), &CipherMarks::default())
                .await?
        );
        assert_eq!(revision(&store, ann).await?, 21, "{name}");
        // Bo cannot overwrite Ann's item, nor see it.
        let mut stolen = cipher("login", 30);
        stolen.data = "{}".into();
        assert!(
            !store
                .save_personal_cipher(bo, &stolen, &CipherMarks::default())
                .await?
        );
        assert_eq!(store.personal_cipher(bo, login.id).await?, None, "{name}");
        assert!(store.personal_ciphers(bo).await?.is_empty());

        let items = store.personal_ciphers(ann).await?;
        assert_eq!(items.len(), 2, "{name}");
        assert_eq!(items[0].cipher.user_id, Some(ann));
        assert_eq!(items[0].cipher.data, login.data, "{name}: untouched by Bo");
        assert_eq!(items[0].marks, marks);
        assert_eq!(items[1].marks, CipherMarks::default());

        // Deleting the folder leaves the item with none; the mark stays a favourite.
        assert_eq!(store.delete_folders(ann, &[work.id], 40).await?, 1);
        let item = store.personal_cipher(ann, login.id).await?.expect("item");
        assert_eq!(item.marks.folder_id, None, "{name}");
        assert!(item.marks.favorite);

        // Bulk move into a new folder, only Ann's own ids.
        let home = FolderRecord {
            id: id("home"),
            user_id: ann,
            name: "2.h|h|h".into(),
            created_at: 50,
            revision_date: 50,
        };
        store.save_folder(&home).await?;
        let ids: Vec<CipherId> = vec![id("login"), id("note"), id("other")];
        assert_eq!(
            store
                .move_personal_ciphers(ann, &ids, Some(home.id), 60)
                .await?,
            2
        );
        assert_eq!(
            store.move_personal_ciphers(bo, &ids, None, 61).await?,
            0,
            "{name}"
        );
        let folders: Vec<Option<FolderId>> = store
            .personal_ciphers(ann)
            .await?
            .iter()
            .map(|item| item.marks.folder_id)
            .collect();
        assert_eq!(folders, [Some(home.id), Some(home.id)], "{name}");

        // The trash: in, not twice, out; Bo moves nothing.
        assert_eq!(store.trash_personal_ciphers(bo, &ids, true, 70).await?, 0);
        assert_eq!(store.trash_personal_ciphers(ann, &ids, true, 70).await?, 2);
        assert_eq!(store.trash_personal_ciphers(ann, &ids, true, 71).await?, 0);
        let trashed = store.personal_cipher(ann, login.id).await?.expect("item");
        assert_eq!(
            (trashed.cipher.deleted_at, trashed.cipher.revision_date),
            (Some(70), 70),
            "{name}"
        );
        assert_eq!(
            store
                .trash_personal_ciphers(ann, &[login.id], false, 80)
                .await?,
            1
        );
        let restored = store.personal_cipher(ann, login.id).await?.expect("item");
        assert_eq!(restored.cipher.deleted_at, None, "{name}");
        assert_eq!(revision(&store, ann).await?, 80);

        // Deleting for good: Bo's attempt does nothing, Ann's removes the item.
        store.delete_personal_ciphers(bo, &ids, 90).await?;
        assert_eq!(store.personal_ciphers(ann).await?.len(), 2, "{name}");
        store.delete_personal_ciphers(ann, &[login.id], 91).await?;
        assert_eq!(store.personal_ciphers(ann).await?.len(), 1, "{name}");

        // A purge empties Ann's vault and folders, and nobody else's.
        store
            .save_personal_cipher(bo, &cipher("bos", 95), &CipherMarks::default())
            .await?;
        store.purge_personal_vault(ann, 100).await?;
        assert!(store.personal_ciphers(ann).await?.is_empty(), "{name}");
        assert!(store.folders_of(ann).await?.is_empty(), "{name}");
        assert_eq!(store.personal_ciphers(bo).await?.len(), 1, "{name}");
        store.close().await;
    }
    Ok(())
}

/// Writes of one user's vault racing each other all succeed: on SQLite each transaction writes
/// before it reads, so none finds another's commit between its read and its write.
#[tokio::test]
async fn racing_writes_all_succeed() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        store.create_user(&user("ann")).await?;
        let ann: UserId = id("ann");
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut item = cipher("x", 100 + i);
                    item.id = CipherId::new();
                    store
                        .save_personal_cipher(ann, &item, &CipherMarks::default())
                        .await?;
                    let marks = CipherMarks {
                        favorite: true,
                        ..CipherMarks::default()
                    };
                    store
                        .set_personal_marks(ann, item.id, &marks, 200 + i)
                        .await?;
                    store.delete_personal_ciphers(ann, &[], 300 + i).await?;
                    store
                        .delete_personal_ciphers(ann, &[item.id], 400 + i)
                        .await?;
                    Ok::<_, kinwarden_store::StoreError>(())
                })
            })
            .collect();
        for task in tasks {
            task.await??;
        }
        assert!(store.personal_ciphers(ann).await?.is_empty(), "{name}");
        store.close().await;
    }
    Ok(())
}
