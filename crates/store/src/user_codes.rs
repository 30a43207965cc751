//! One-time codes mailed to a user: stored as a digest with the mail that carries them, in one
//! transaction, and consumed by the first correct use.

use kinwarden_core::ids::UserId;
use kinwarden_mail::Mail;

use crate::{Store, StoreError, on_pool};

impl Store {
    /// Replaces the user's code and queues the mail that tells it, together.
    pub async fn issue_user_code(
        &self,
        user_id: UserId,
        code_hash: &str,
        expires_ms: i64,
        mail: &Mail,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO user_codes (user_id, code_hash, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at",
            )
            .bind(user_id.to_string())
            .bind(code_hash)
            .bind(expires_ms)
            .execute(&mut *tx)
            .await?;
            crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
            tx.commit().await?;
        });
        self.wake_mail_worker();
        Ok(())
    }

    /// Uses the user's code if `code_hash` is it, it has not expired and fewer than
    /// `max_attempts` wrong guesses were made against it; a used code is gone. A wrong guess is
    /// counted, and the guess that reaches `max_attempts` voids the code.
    pub async fn use_user_code(
        &self,
        user_id: UserId,
        code_hash: &str,
        max_attempts: i32,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let used = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let used = sqlx::query(
                "DELETE FROM user_codes WHERE user_id = $1 AND code_hash = $2 AND expires_at > $3 \
                 AND failed_attempts < $4",
            )
            .bind(user_id.to_string())
            .bind(code_hash)
            .bind(now_ms)
            .bind(max_attempts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used == 0 {
                sqlx::query("UPDATE user_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = $1")
                    .bind(user_id.to_string())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM user_codes WHERE user_id = $1 AND failed_attempts >= $2")
                    .bind(user_id.to_string())
                    .bind(max_attempts)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            used
        });
        Ok(used == 1)
    }
}
