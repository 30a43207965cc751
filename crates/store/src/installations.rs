//! Installations: self-hosted servers registered with this cloud (reference §1.4, §3.5).

use kinwarden_core::ids::InstallationId;

use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstallationRecord {
    #[sqlx(try_from = "String")]
    pub id: InstallationId,
    pub email: String,
    /// SHA-256 hex of the key; the key itself is shown once, at creation.
    pub key_hash: String,
    pub enabled: bool,
    pub created_at: i64,
    pub last_activity_at: Option<i64>,
}

impl Store {
    pub async fn create_installation(&self, record: &InstallationRecord) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO installations (id, email, key_hash, enabled, created_at, last_activity_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(record.id.to_string())
            .bind(&record.email)
            .bind(&record.key_hash)
            .bind(record.enabled)
            .bind(record.created_at)
            .bind(record.last_activity_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn installation(
        &self,
        id: InstallationId,
    ) -> Result<Option<InstallationRecord>, StoreError> {
        let record = on_pool!(self, pool => {
            sqlx::query_as::<_, InstallationRecord>(
                "SELECT id, email, key_hash, enabled, created_at, last_activity_at FROM installations WHERE id = $1",
            )
            .bind(id.to_string())
            .fetch_optional(pool)
            .await?
        });
        Ok(record)
    }

    pub async fn touch_installation(
        &self,
        id: InstallationId,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE installations SET last_activity_at = $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(now_ms)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Enables or disables an installation; false when there is none with this id.
    pub async fn set_installation_enabled(
        &self,
        id: InstallationId,
        enabled: bool,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE installations SET enabled = $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(enabled)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }
}
