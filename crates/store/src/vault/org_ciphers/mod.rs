//! An organization's items: read through the collections that hold them, written scoped to
//! their organization. Which ids a caller may touch is the use-case layer's decision (the rules
//! in `core::vault::collections`); each statement here still names the organization, so an id
//! of another organization's item changes nothing. Every write moves the revision date of the
//! organization's confirmed members, whose clients then fetch the change.

use std::collections::HashMap;

use kinwarden_core::ids::{CipherId, CollectionId, OrganizationId, UserId};

use super::ciphers::{ATTACHMENT_COLUMNS, COLUMNS, CipherRow, with_attachments, write_marks};
use super::{
    AttachmentRecord, CipherMarks, CipherRecord, UserCipher, bump_organization, bump_users,
    ids_json, in_json,
};
use crate::column::typed;
use crate::{Store, StoreError, on_pool};

/// Replaces the collections holding item `$cipher` of organization `$org` inside the caller's
/// transaction; collections of another organization are skipped by the join.
macro_rules! link_collections {
    ($executor:expr, $org:expr, $cipher:expr, $collections:expr) => {
        sqlx::query("DELETE FROM collection_ciphers WHERE cipher_id = $1")
            .bind($cipher.to_string())
            .execute(&mut *$executor)
            .await?;
        for collection in $collections {
            sqlx::query(
                "INSERT INTO collection_ciphers (collection_id, cipher_id) \
                 SELECT id, $2 FROM collections WHERE id = $1 AND organization_id = $3 \
                 ON CONFLICT (collection_id, cipher_id) DO NOTHING",
            )
            .bind(collection.to_string())
            .bind($cipher.to_string())
            .bind($org.to_string())
            .execute(&mut *$executor)
            .await?;
        }
    };
}

/// An organization's item as one user sees it, with the collections that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgCipher {
    pub item: UserCipher,
    pub collection_ids: Vec<CollectionId>,
}

pub(super) fn with_links(
    items: Vec<UserCipher>,
    links: Vec<(String, String)>,
) -> Result<Vec<OrgCipher>, StoreError> {
    let mut by_cipher: HashMap<String, Vec<CollectionId>> = HashMap::new();
    for (collection, cipher) in links {
        by_cipher
            .entry(cipher)
            .or_default()
            .push(typed(collection)?);
    }
    Ok(items
        .into_iter()
        .map(|item| OrgCipher {
            collection_ids: by_cipher
                .remove(&item.cipher.id.to_string())
                .unwrap_or_default(),
            item,
        })
        .collect())
}

impl Store {
    /// The organizations' items held by any of `collections`, with `user`'s marks, their
    /// attachments, and the links into `collections` only (the collections the user sees).
    pub async fn ciphers_in_collections(
        &self,
        user: UserId,
        collections: &[CollectionId],
    ) -> Result<Vec<OrgCipher>, StoreError> {
        // The sync's two reads (`sync_pages`), for every id at once.
        let ids = self.cipher_ids_in_collections(collections).await?;
        self.ciphers_in_collections_among(user, collections, &ids)
            .await
    }

    /// An organization's item `id` with `user`'s marks and every collection that holds it;
    /// none for a personal item or an unknown id.
    pub async fn org_cipher(
        &self,
        user: UserId,
        id: CipherId,
    ) -> Result<Option<OrgCipher>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM ciphers c \
             LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
             WHERE c.id = $2 AND c.organization_id IS NOT NULL"
        );
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.cipher_id = $1 \
             ORDER BY a.created_at, a.id"
        );
        let (row, attachments, links) = on_pool!(self, pool => {
            let row = sqlx::query_as::<_, CipherRow>(&sql)
                .bind(user.to_string())
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?;
            let (attachments, links) = match row {
                Some(_) => (
                    sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                        .bind(id.to_string())
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as::<_, (String, String)>(
                        "SELECT collection_id, cipher_id FROM collection_ciphers \
                         WHERE cipher_id = $1 ORDER BY collection_id",
                    )
                    .bind(id.to_string())
                    .fetch_all(pool)
                    .await?,
                ),
                None => (Vec::new(), Vec::new()),
            };
            (row, attachments, links)
        });
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(with_links(with_attachments(vec![row], attachments), links)?.pop())
    }

    /// Every item of the organization, the trash included, with every collection that holds
    /// each and `user`'s marks (the admin views and the export).
    pub async fn org_ciphers(
        &self,
        user: UserId,
        org: OrganizationId,
    ) -> Result<Vec<OrgCipher>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM ciphers c \
             LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
             WHERE c.organization_id = $2 ORDER BY c.created_at, c.id"
        );
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a JOIN ciphers c ON c.id = a.cipher_id \
             WHERE c.organization_id = $1 ORDER BY a.created_at, a.id"
        );
        let (rows, attachments, links) = on_pool!(self, pool => {
            let rows = sqlx::query_as::<_, CipherRow>(&sql)
                .bind(user.to_string())
                .bind(org.to_string())
                .fetch_all(pool)
                .await?;
            let attachments = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                .bind(org.to_string())
                .fetch_all(pool)
                .await?;
            let links: Vec<(String, String)> = sqlx::query_as(
                "SELECT cc.collection_id, cc.cipher_id FROM collection_ciphers cc \
                 JOIN collections k ON k.id = cc.collection_id WHERE k.organization_id = $1 \
                 ORDER BY cc.collection_id",
            )
            .bind(org.to_string())
            .fetch_all(pool)
            .await?;
            (rows, attachments, links)
        });
        with_links(with_attachments(rows, attachments), links)
    }

    /// Creates an organization's item in `collections` (those of another organization are
    /// ignored), or replaces its content when it exists in that organization (`collections`
    /// none: its collections stay). `user`'s marks are written. `false` when an item of that id
    /// exists elsewhere.
    pub async fn save_org_cipher(
        &self,
        user: UserId,
        cipher: &CipherRecord,
        marks: &CipherMarks,
        collections: Option<&[CollectionId]>,
    ) -> Result<bool, StoreError> {
        let Some(org) = cipher.organization_id else {
            return Ok(false);
        };
        let saved = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let saved = sqlx::query(
                "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
                 created_at, revision_date, deleted_at) \
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
                 reprompt = excluded.reprompt, key = excluded.key, \
                 revision_date = excluded.revision_date \
                 WHERE ciphers.organization_id = excluded.organization_id",
            )
            .bind(cipher.id.to_string())
            .bind(org.to_string())
            .bind(cipher.cipher_type)
            .bind(&cipher.data)
            .bind(cipher.reprompt)
            .bind(&cipher.key)
            .bind(cipher.created_at)
            .bind(cipher.revision_date)
            .bind(cipher.deleted_at)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if saved {
                if let Some(collections) = collections {
                    link_collections!(&mut *tx, org, cipher.id, collections);
                }
                write_marks!(&mut *tx, user, cipher.id, marks);
                bump_organization!(&mut *tx, org, cipher.revision_date);
                bump_users!(&mut *tx, &[user], cipher.revision_date);
                tx.commit().await?;
            }
            saved
        });
        Ok(saved)
    }

    /// Moves `user`'s personal item into the organization named by `cipher` (its new content,
    /// encrypted with the organization's key) and the given collections. `false` when the
    /// item is not the user's personal one.
    pub async fn share_cipher(
        &self,
        user: UserId,
        cipher: &CipherRecord,
        marks: &CipherMarks,
        collections: &[CollectionId],
    ) -> Result<bool, StoreError> {
        self.share_ciphers(user, &[(cipher.clone(), marks.clone())], collections)
            .await
    }

    /// Moves `user`'s personal items into one organization (each `CipherRecord` names it and
    /// carries the new content) and the given collections, all or none: `false`, and nothing
    /// changed, when one is not the user's personal item or names another organization.
    pub async fn share_ciphers(
        &self,
        user: UserId,
        items: &[(CipherRecord, CipherMarks)],
        collections: &[CollectionId],
    ) -> Result<bool, StoreError> {
        let Some(org) = items.first().and_then(|(cipher, _)| cipher.organization_id) else {
            return Ok(false);
        };
        if items
            .iter()
            .any(|(cipher, _)| cipher.organization_id != Some(org))
        {
            return Ok(false);
        }
        let now_ms = items
            .iter()
            .map(|(cipher, _)| cipher.revision_date)
            .max()
            .unwrap_or_default();
        let shared = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut all = true;
            for (cipher, marks) in items {
                let moved = sqlx::query(
                    "UPDATE ciphers SET user_id = NULL, organization_id = $3, data = $4, \
                     reprompt = $5, key = $6, revision_date = $7 WHERE id = $1 AND user_id = $2",
                )
                .bind(cipher.id.to_string())
                .bind(user.to_string())
                .bind(org.to_string())
                .bind(&cipher.data)
                .bind(cipher.reprompt)
                .bind(&cipher.key)
                .bind(cipher.revision_date)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if !moved {
                    all = false;
                    break;
                }
                link_collections!(&mut *tx, org, cipher.id, collections);
                write_marks!(&mut *tx, user, cipher.id, marks);
            }
            if all {
                bump_organization!(&mut *tx, org, now_ms);
                bump_users!(&mut *tx, &[user], now_ms);
                tx.commit().await?;
            }
            all
        });
        Ok(shared)
    }

    /// Replaces the collections holding the organization's item `id` (those of another
    /// organization are ignored). `false` when the organization has no such item.
    pub async fn set_cipher_collections(
        &self,
        org: OrganizationId,
        id: CipherId,
        collections: &[CollectionId],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let found = sqlx::query(
                "UPDATE ciphers SET revision_date = $3 WHERE id = $1 AND organization_id = $2",
            )
            .bind(id.to_string())
            .bind(org.to_string())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if found {
                link_collections!(&mut *tx, org, id, collections);
                bump_organization!(&mut *tx, org, now_ms);
                tx.commit().await?;
            }
            found
        });
        Ok(done)
    }

    /// Adds each of the organization's items among `ciphers` to each of its collections among
    /// `collections`, or takes them out (`remove`).
    pub async fn change_collections_of_many(
        &self,
        org: OrganizationId,
        ciphers: &[CipherId],
        collections: &[CollectionId],
        remove: bool,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let ciphers_in = in_json(self.backend(), "c.id", 2);
        let collections_in = in_json(self.backend(), "k.id", 3);
        let sql = if remove {
            format!(
                "DELETE FROM collection_ciphers WHERE cipher_id IN \
                 (SELECT c.id FROM ciphers c WHERE c.organization_id = $1 AND {ciphers_in}) \
                 AND collection_id IN (SELECT k.id FROM collections k WHERE {collections_in})"
            )
        } else {
            format!(
                "INSERT INTO collection_ciphers (collection_id, cipher_id) \
                 SELECT k.id, c.id FROM ciphers c JOIN collections k \
                 ON k.organization_id = c.organization_id \
                 WHERE c.organization_id = $1 AND {ciphers_in} AND {collections_in} \
                 ON CONFLICT (collection_id, cipher_id) DO NOTHING"
            )
        };
        let cipher_ids = ids_json(ciphers);
        let collection_ids = ids_json(collections);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            bump_organization!(&mut *tx, org, now_ms);
            sqlx::query(&sql)
                .bind(org.to_string())
                .bind(&cipher_ids)
                .bind(&collection_ids)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Moves the organization's items among `ids` to the trash (`trash`) or back out of it;
    /// items already there are left alone. Answers how many moved.
    pub async fn trash_org_ciphers(
        &self,
        org: OrganizationId,
        ids: &[CipherId],
        trash: bool,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "UPDATE ciphers SET deleted_at = $3, revision_date = $4 \
             WHERE organization_id = $1 AND {} AND (deleted_at IS NULL) = $5",
            in_json(self.backend(), "id", 2)
        );
        let ids = ids_json(ids);
        let moved = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(&sql)
                .bind(org.to_string())
                .bind(&ids)
                .bind(trash.then_some(now_ms))
                .bind(now_ms)
                .bind(trash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            bump_organization!(&mut *tx, org, now_ms);
            tx.commit().await?;
            moved
        });
        Ok(moved)
    }

    /// Deletes the organization's items among `ids` for good (all of them: `None`); answers
    /// their attachments' records, whose files the caller then removes.
    pub async fn delete_org_ciphers(
        &self,
        org: OrganizationId,
        ids: Option<&[CipherId]>,
        now_ms: i64,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let (chosen, chosen_c) = match ids {
            Some(_) => (
                format!("AND {}", in_json(self.backend(), "id", 2)),
                format!("AND {}", in_json(self.backend(), "c.id", 2)),
            ),
            None => (String::new(), String::new()),
        };
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a JOIN ciphers c ON c.id = a.cipher_id \
             WHERE c.organization_id = $1 {chosen_c}"
        );
        let delete_sql = format!("DELETE FROM ciphers WHERE organization_id = $1 {chosen}");
        let json = ids.map(ids_json);
        let attachments = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The write first, for SQLite's lock (see `set_personal_marks`).
            bump_organization!(&mut *tx, org, now_ms);
            let mut read = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                .bind(org.to_string());
            let mut delete = sqlx::query(&delete_sql).bind(org.to_string());
            if let Some(json) = &json {
                read = read.bind(json);
                delete = delete.bind(json);
            }
            let attachments = read.fetch_all(&mut *tx).await?;
            delete.execute(&mut *tx).await?;
            tx.commit().await?;
            attachments
        });
        Ok(attachments)
    }

    /// Sets what items are to `user` (folder, favourite, archive) for the given ids, which the
    /// caller has checked the user reaches; the user's revision date moves, the items' do not
    /// (except with `touch`, as archiving moves them).
    pub async fn set_marks_of(
        &self,
        user: UserId,
        marks: &[(CipherId, CipherMarks)],
        touch: bool,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            bump_users!(&mut *tx, &[user], now_ms);
            for (id, marks) in marks {
                write_marks!(&mut *tx, user, id, marks);
                if touch {
                    sqlx::query("UPDATE ciphers SET revision_date = $2 WHERE id = $1")
                        .bind(id.to_string())
                        .bind(now_ms)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
