//! `server_meta`: single facts about this server, such as its id.

use crate::{Store, StoreError, on_pool};

/// The key under which a server keeps its own id, made on first start.
pub const SERVER_ID: &str = "server_id";

impl Store {
    pub async fn meta_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM server_meta WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        });
        Ok(value)
    }

    /// Sets several values at once: all are written, or none.
    pub async fn meta_set_all(
        &self,
        pairs: &[(&str, &str)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (key, value) in pairs {
                sqlx::query(
                    "INSERT INTO server_meta (key, value, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(key)
                .bind(value)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores `candidate` under `key` unless a value is already there, and answers the value that
    /// holds afterwards. Safe when several processes race on one database.
    pub async fn meta_get_or_insert(
        &self,
        key: &str,
        candidate: &str,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        let value = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO server_meta (key, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(candidate)
            .bind(now_ms)
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT value FROM server_meta WHERE key = $1")
                .bind(key)
                .fetch_one(pool)
                .await?
        });
        Ok(value)
    }
}
