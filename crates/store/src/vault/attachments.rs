//! Attachment records of personal items: a reservation before the upload, its validation after
//! it, and its removal. Each change moves the item's revision date and its owner's, in one
//! transaction, as the reference does: a client's next edit of the item must carry the new date.

use kinwarden_core::ids::{AttachmentId, CipherId, UserId};

use super::AttachmentRecord;
use super::bump_users;
use crate::{Store, StoreError, on_pool};

const COLUMNS: &str = "id, cipher_id, file_name, key, size, validated, created_at";

impl Store {
    /// Records a reserved attachment on the user's personal item; `false` when the item is not
    /// the user's.
    pub async fn add_personal_attachment(
        &self,
        user: UserId,
        attachment: &AttachmentRecord,
    ) -> Result<bool, StoreError> {
        let now_ms = attachment.created_at;
        let added = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let touched = sqlx::query(
                "UPDATE ciphers SET revision_date = $3 WHERE id = $1 AND user_id = $2",
            )
            .bind(attachment.cipher_id.to_string())
            .bind(user.to_string())
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
                bump_users!(&mut *tx, &[user], now_ms);
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

    /// Removes the attachment record from the user's personal item; `false` when there was
    /// none. The caller removes the file after.
    pub async fn delete_personal_attachment(
        &self,
        user: UserId,
        cipher: CipherId,
        id: AttachmentId,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query(
                "DELETE FROM attachments WHERE id = $1 AND cipher_id = $2 \
                 AND cipher_id IN (SELECT id FROM ciphers WHERE user_id = $3)",
            )
            .bind(id.to_string())
            .bind(cipher.to_string())
            .bind(user.to_string())
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
                bump_users!(&mut *tx, &[user], now_ms);
                tx.commit().await?;
            }
            deleted
        });
        Ok(deleted)
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
