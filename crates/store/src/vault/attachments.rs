//! Attachment records of items: a reservation before the upload, its validation after it, and
//! its removal. Each change moves the item's revision date and its owner's (every member's, for
//! an organization's item), in one transaction, as the reference does: a client's next edit of
//! the item must carry the new date.

use kinwarden_core::ids::{AttachmentId, CipherId, UserId};

use super::{AttachmentRecord, ItemOwner, bump_owner};
use crate::{Store, StoreError, on_pool};

const COLUMNS: &str = "id, cipher_id, file_name, key, size, validated, created_at";

impl Store {
    /// Reserves an attachment on an item of `owner` (another owner's item: `false`); the item's
    /// revision date moves, and the revision date of everyone it concerns.
    pub async fn add_attachment(
        &self,
        owner: ItemOwner,
        attachment: &AttachmentRecord,
    ) -> Result<bool, StoreError> {
        let now_ms = attachment.created_at;
        let touch = format!(
            "UPDATE ciphers SET revision_date = $3 WHERE id = $1 AND {} = $2",
            owner.column()
        );
        let added = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let touched = sqlx::query(&touch)
                .bind(attachment.cipher_id.to_string())
                .bind(owner.id())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if touched {
                let sql = format!(
                    "INSERT INTO attachments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                );
                sqlx::query(&sql)
                    .bind(attachment.id.to_string())
                    .bind(attachment.cipher_id.to_string())
                    .bind(&attachment.file_name)
                    .bind(&attachment.key)
                    .bind(attachment.size)
                    .bind(attachment.validated)
                    .bind(attachment.created_at)
                    .execute(&mut *tx)
                    .await?;
                bump_owner!(&mut *tx, owner, now_ms);
                tx.commit().await?;
            }
            touched
        });
        Ok(added)
    }

    /// The attachment `id` of item `cipher`, whoever owns it: for a download whose signed link
    /// already says which file it is.
    pub async fn attachment(
        &self,
        cipher: CipherId,
        id: AttachmentId,
    ) -> Result<Option<AttachmentRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attachments WHERE id = $1 AND cipher_id = $2");
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, AttachmentRecord>(&sql)
                .bind(id.to_string())
                .bind(cipher.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    /// Records an upload that arrived whole: its real size, validated.
    pub async fn validate_attachment(
        &self,
        cipher: CipherId,
        id: AttachmentId,
        size: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE attachments SET size = $3, validated = TRUE WHERE id = $1 AND cipher_id = $2",
            )
            .bind(id.to_string())
            .bind(cipher.to_string())
            .bind(size)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Removes an attachment of an item of `owner` (none of another's: `false`); the item's
    /// revision date moves, and the revision date of everyone it concerns.
    pub async fn delete_attachment(
        &self,
        owner: ItemOwner,
        cipher: CipherId,
        id: AttachmentId,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "DELETE FROM attachments WHERE id = $1 AND cipher_id = $2 \
             AND cipher_id IN (SELECT id FROM ciphers WHERE {} = $3)",
            owner.column()
        );
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query(&sql)
                .bind(id.to_string())
                .bind(cipher.to_string())
                .bind(owner.id())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if deleted {
                sqlx::query("UPDATE ciphers SET revision_date = $2 WHERE id = $1")
                    .bind(cipher.to_string())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                bump_owner!(&mut *tx, owner, now_ms);
                tx.commit().await?;
            }
            deleted
        });
        Ok(deleted)
    }

    /// Bytes the organization's attachments take, reserved ones included: what counts against
    /// its storage.
    pub async fn organization_storage_used(
        &self,
        org: kinwarden_core::ids::OrganizationId,
    ) -> Result<i64, StoreError> {
        let used: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT CAST(SUM(a.size) AS BIGINT) FROM attachments a \
                 JOIN ciphers c ON c.id = a.cipher_id WHERE c.organization_id = $1",
            )
            .bind(org.to_string())
            .fetch_one(pool)
            .await?
        });
        Ok(used.unwrap_or(0))
    }

    /// Bytes the user's personal attachments take, reserved ones included: what counts
    /// against the user's storage.
    pub async fn personal_storage_used(&self, user: UserId) -> Result<i64, StoreError> {
        let used: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT CAST(SUM(a.size) AS BIGINT) FROM attachments a \
                 JOIN ciphers c ON c.id = a.cipher_id WHERE c.user_id = $1",
            )
            .bind(user.to_string())
            .fetch_one(pool)
            .await?
        });
        Ok(used.unwrap_or(0))
    }
}
