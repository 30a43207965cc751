//! The items of a full sync, read a page at a time: first the ids in the order the answer lists
//! them, then each page's rows by id. The server then holds one page of documents at once,
//! whatever the size of the vault (SPEC §10: memory after 5,000-item syncs). An item deleted
//! between the two reads is left out; one created after the first is in the next sync.

use kinwarden_core::ids::{CipherId, CollectionId, UserId};

use super::ciphers::{ATTACHMENT_COLUMNS, COLUMNS, CipherRow, with_attachments};
use super::org_ciphers::with_links;
use super::{
    AttachmentRecord, OrgCipher, UserCipher, from_json_array, ids_json, in_json, json_array_of,
    json_page, json_pair,
};
use crate::column::typed;
use crate::{Store, StoreError, on_pool};

impl Store {
    /// The ids of the user's personal items, the trash included, oldest first.
    pub async fn personal_cipher_ids(&self, user: UserId) -> Result<Vec<CipherId>, StoreError> {
        let sql = format!(
            "SELECT {} FROM ciphers WHERE user_id = $1",
            json_array_of(self.backend(), "id", "created_at, id")
        );
        let ids: String = on_pool!(self, pool => {
            sqlx::query_scalar(&sql).bind(user.to_string()).fetch_one(pool).await?
        });
        from_json_array::<String>(&ids)?
            .into_iter()
            .map(typed)
            .collect()
    }

    /// The user's personal items among `ids`, oldest first, with the user's marks and their
    /// attachments; an id that is not the user's is left out.
    pub async fn personal_ciphers_among(
        &self,
        user: UserId,
        ids: &[CipherId],
    ) -> Result<Vec<UserCipher>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let page = json_page(self.backend(), 2);
        let sql = format!(
            "SELECT {COLUMNS} FROM {page} CROSS JOIN ciphers c \
             LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
             WHERE c.id = page.value AND c.user_id = $1 ORDER BY page.key"
        );
        let attachments_sql = attachments_of_page(self.backend());
        let ids = ids_json(ids);
        let (rows, attachments) = on_pool!(self, pool => {
            let rows = sqlx::query_as::<_, CipherRow>(&sql)
                .bind(user.to_string())
                .bind(&ids)
                .fetch_all(pool)
                .await?;
            let attachments = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                .bind(&ids)
                .fetch_all(pool)
                .await?;
            (rows, attachments)
        });
        Ok(with_attachments(rows, attachments))
    }

    /// The ids of the organizations' items held by any of `collections`, oldest first.
    pub async fn cipher_ids_in_collections(
        &self,
        collections: &[CollectionId],
    ) -> Result<Vec<CipherId>, StoreError> {
        if collections.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        let sql = format!(
            "SELECT {} FROM ciphers c WHERE c.organization_id IS NOT NULL AND c.id IN \
             (SELECT cc.cipher_id FROM collection_ciphers cc WHERE {})",
            json_array_of(backend, "c.id", "c.created_at, c.id"),
            in_json(backend, "cc.collection_id", 1)
        );
        let collections = ids_json(collections);
        let ids: String = on_pool!(self, pool => {
            sqlx::query_scalar(&sql).bind(&collections).fetch_one(pool).await?
        });
        from_json_array::<String>(&ids)?
            .into_iter()
            .map(typed)
            .collect()
    }

    /// The organizations' items among `ids` that are held by any of `collections`, oldest
    /// first, with `user`'s marks, their attachments and their links into `collections` only
    /// (what [`Store::ciphers_in_collections`] answers, for one page).
    pub async fn ciphers_in_collections_among(
        &self,
        user: UserId,
        collections: &[CollectionId],
        ids: &[CipherId],
    ) -> Result<Vec<OrgCipher>, StoreError> {
        if collections.is_empty() || ids.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        let links_sql = format!(
            "SELECT {} FROM collection_ciphers WHERE {} AND {}",
            json_array_of(
                backend,
                &json_pair(backend, "collection_id", "cipher_id"),
                "cipher_id, collection_id"
            ),
            in_json(backend, "collection_id", 1),
            in_json(backend, "cipher_id", 2)
        );
        let page = json_page(backend, 2);
        let sql = format!(
            "SELECT {COLUMNS} FROM {page} CROSS JOIN ciphers c \
             LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
             WHERE c.id = page.value AND c.organization_id IS NOT NULL ORDER BY page.key"
        );
        let attachments_sql = attachments_of_page(backend);
        let collections = ids_json(collections);
        let ids = ids_json(ids);
        let (rows, attachments, links) = on_pool!(self, pool => {
            let links: String = sqlx::query_scalar(&links_sql)
                .bind(&collections)
                .bind(&ids)
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query_as::<_, CipherRow>(&sql)
                .bind(user.to_string())
                .bind(&ids)
                .fetch_all(pool)
                .await?;
            let attachments = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                .bind(&ids)
                .fetch_all(pool)
                .await?;
            (rows, attachments, links)
        });
        // An item no longer held by any of the collections has no link: it is left out.
        let links = from_json_array::<(String, String)>(&links)?;
        let held: Vec<OrgCipher> = with_links(with_attachments(rows, attachments), links)?;
        Ok(held
            .into_iter()
            .filter(|item| !item.collection_ids.is_empty())
            .collect())
    }
}

/// The attachments of the items whose ids are bound as `$1`, oldest first. Only those of the
/// rows a page read are kept ([`with_attachments`]), so they need no owner check here.
fn attachments_of_page(backend: crate::Backend) -> String {
    let page = json_page(backend, 1);
    format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM {page} CROSS JOIN attachments a \
         WHERE a.cipher_id = page.value ORDER BY a.created_at, a.id"
    )
}
