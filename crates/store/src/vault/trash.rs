//! Emptying the trash (SPEC §11): the daily `trash-purge` job deletes items that have been in
//! the trash since before a cutoff, a batch per transaction, so a large trash never holds the
//! write lock for long and a failure loses at most one batch's progress.
//!
//! No revision date moves: as in the reference, the nightly purge tells nobody, and a client
//! learns of it at its next full sync (the items were already in its trash).

use super::{AttachmentRecord, ids_json, in_json};
use crate::{Store, StoreError, on_pool};

const ATTACHMENT_COLUMNS: &str = "id, cipher_id, file_name, key, size, validated, created_at";

impl Store {
    /// Deletes up to `limit` items (personal or an organization's) that went to the trash
    /// strictly before `before_ms`, oldest first, in one transaction. Their marks and attachment
    /// records go with them (the foreign keys cascade). Answers how many items went, and the
    /// attachment records whose files the caller removes once this has committed; fewer than
    /// `limit` items means the trash holds no more that are due.
    pub async fn purge_trash(
        &self,
        before_ms: i64,
        limit: u32,
    ) -> Result<(u64, Vec<AttachmentRecord>), StoreError> {
        // The batch is chosen by a write that changes nothing. A write first takes SQLite's one
        // write lock at once (a read first could not be upgraded once another connection had
        // committed meanwhile), and on PostgreSQL locks the chosen rows: an item restored in
        // the meantime is either restored first and no longer chosen (the condition is checked
        // again on the row as it now is) or waits until it is gone. Either way the attachments
        // read below are exactly those of the items deleted.
        let choose = "UPDATE ciphers SET deleted_at = deleted_at \
             WHERE deleted_at < $1 AND id IN (SELECT id FROM ciphers WHERE deleted_at < $1 \
             ORDER BY deleted_at, id LIMIT $2) RETURNING id";
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE {}",
            in_json(self.backend(), "cipher_id", 1)
        );
        let delete_sql = format!(
            "DELETE FROM ciphers WHERE {}",
            in_json(self.backend(), "id", 1)
        );
        let purged = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let chosen: Vec<String> = sqlx::query_scalar(choose)
                .bind(before_ms)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            if chosen.is_empty() {
                tx.rollback().await?;
                (0, Vec::new())
            } else {
                let ids = ids_json(&chosen);
                let attachments = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                    .bind(&ids)
                    .fetch_all(&mut *tx)
                    .await?;
                let deleted = sqlx::query(&delete_sql)
                    .bind(&ids)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                (deleted, attachments)
            }
        });
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    //! The purge's promises on every test backend: strictly older than the cutoff, batches that
    //! together take every due item and nothing else, attachment records answered with their
    //! items and gone with them, and no revision date moved.

    use kinwarden_core::ids::{AttachmentId, CipherId, UserId};
    use kinwarden_testkit::backends;

    use crate::test_db::fresh;

    use crate::vault::{CipherMarks, CipherRecord};
    use crate::{NewUser, Store, on_pool};

    fn user(id: UserId, email: &str) -> NewUser {
        NewUser {
            id,
            email: email.into(),
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

    /// A personal item of `owner`, in the trash since `deleted_at` when that is set.
    async fn item(
        store: &Store,
        owner: UserId,
        deleted_at: Option<i64>,
    ) -> anyhow::Result<CipherId> {
        let id = CipherId::new();
        let record = CipherRecord {
            id,
            user_id: Some(owner),
            organization_id: None,
            cipher_type: 2,
            data: r#"{"Name":"2.n|n|n"}"#.into(),
            reprompt: None,
            key: None,
            created_at: 1,
            revision_date: 1,
            deleted_at,
        };
        let marks = CipherMarks {
            favorite: true,
            ..CipherMarks::default()
        };
        anyhow::ensure!(store.save_personal_cipher(owner, &record, &marks).await?);
        Ok(id)
    }

    /// An attachment record, written as an upload would leave it.
    async fn attachment(store: &Store, cipher: CipherId) -> anyhow::Result<AttachmentId> {
        let id = AttachmentId::new();
        on_pool!(store, pool => {
            sqlx::query(
                "INSERT INTO attachments (id, cipher_id, file_name, key, size, validated, \
                 created_at) VALUES ($1, $2, '2.f|f|f', NULL, 3, TRUE, 1)",
            )
            .bind(id.to_string())
            .bind(cipher.to_string())
            .execute(pool)
            .await?;
        });
        Ok(id)
    }

    async fn count(store: &Store, table: &str) -> anyhow::Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(on_pool!(store, pool => {
            sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await?
        }))
    }

    #[tokio::test]
    async fn due_items_go_in_batches_with_their_attachments_and_nothing_else() -> anyhow::Result<()>
    {
        const CUTOFF: i64 = 1_000_000;
        for backend in backends() {
            let name = backend.name();
            let db = fresh(&backend).await?;
            let store = &db.store;
            let (ann, bo) = (UserId::new(), UserId::new());
            store.create_user(&user(ann, "ann@example.com")).await?;
            store.create_user(&user(bo, "bo@example.com")).await?;

            // Five due items of two users, one of them exactly at the cutoff (not due), one
            // trashed after it, and one live.
            let mut due = Vec::new();
            for (owner, at) in [(ann, 10), (bo, 20), (ann, 30), (bo, 40), (ann, CUTOFF - 1)] {
                due.push(item(store, owner, Some(at)).await?);
            }
            let at_cutoff = item(store, ann, Some(CUTOFF)).await?;
            let later = item(store, bo, Some(CUTOFF + 1)).await?;
            let live = item(store, ann, None).await?;
            let gone_files = [
                (due[0], attachment(store, due[0]).await?),
                (due[0], attachment(store, due[0]).await?),
                (due[3], attachment(store, due[3]).await?),
            ];
            let kept_file = attachment(store, at_cutoff).await?;
            let revisions = (
                store.user_by_id(ann).await?.map(|u| u.revision_date),
                store.user_by_id(bo).await?.map(|u| u.revision_date),
            );

            let mut batches = Vec::new();
            let mut files = Vec::new();
            loop {
                let (deleted, attachments) = store.purge_trash(CUTOFF, 2).await?;
                batches.push(deleted);
                files.extend(attachments.into_iter().map(|a| (a.cipher_id, a.id)));
                if deleted < 2 {
                    break;
                }
            }
            assert_eq!(
                batches,
                vec![2, 2, 1],
                "{name}: oldest first, two at a time"
            );
            files.sort();
            let mut expected = gone_files.to_vec();
            expected.sort();
            assert_eq!(files, expected, "{name}: the records of the deleted items");

            for id in &due {
                assert_eq!(store.personal_cipher(ann, *id).await?, None, "{name}");
                assert_eq!(store.personal_cipher(bo, *id).await?, None, "{name}");
            }
            let remaining: Vec<CipherId> = [
                store.personal_ciphers(ann).await?,
                store.personal_ciphers(bo).await?,
            ]
            .concat()
            .into_iter()
            .map(|c| c.cipher.id)
            .collect();
            assert_eq!(remaining.len(), 3, "{name}: {remaining:?}");
            for id in [at_cutoff, later, live] {
                assert!(remaining.contains(&id), "{name}: {id} stays");
            }
            assert_eq!(count(store, "attachments").await?, 1, "{name}");
            let kept = store.personal_cipher(ann, at_cutoff).await?;
            assert_eq!(
                kept.map(|c| c.attachments.into_iter().map(|a| a.id).collect::<Vec<_>>()),
                Some(vec![kept_file]),
                "{name}"
            );
            // Only the three remaining items keep their marks.
            assert_eq!(count(store, "cipher_marks").await?, 3, "{name}");
            assert_eq!(
                (
                    store.user_by_id(ann).await?.map(|u| u.revision_date),
                    store.user_by_id(bo).await?.map(|u| u.revision_date),
                ),
                revisions,
                "{name}: nobody's revision date moves"
            );

            // Nothing left to do: an empty batch.
            let (deleted, attachments) = store.purge_trash(CUTOFF, 2).await?;
            assert_eq!((deleted, attachments.len()), (0, 0), "{name}");
            store.close().await;
        }
        Ok(())
    }
}
