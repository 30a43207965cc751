//! Organization connections (reference §1.2) and the recorded outcome of every exchange with the
//! cloud (SPEC §6).

use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConnectionRecord {
    pub id: String,
    pub organization_id: String,
    #[sqlx(rename = "type")]
    pub connection_type: i32,
    pub enabled: bool,
    pub config: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutcomeRecord {
    pub id: String,
    pub organization_id: String,
    /// `license-sync`, `sponsorship-sync`, …
    pub kind: String,
    /// Who or what started it: `owner:<user id>`, `portal`, `job`, `cli`.
    pub started_by: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub succeeded: bool,
    pub code: Option<String>,
    pub message: Option<String>,
    /// A JSON object of counts.
    pub counts: Option<String>,
}

const COLUMNS: &str = "id, organization_id, type, enabled, config, created_at, updated_at";
const OUTCOME_COLUMNS: &str = "id, organization_id, kind, started_by, started_at, finished_at, succeeded, code, message, counts";

impl Store {
    pub async fn connections_of(
        &self,
        organization_id: &str,
        connection_type: i32,
    ) -> Result<Vec<ConnectionRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM organization_connections WHERE organization_id = $1 AND type = $2 ORDER BY created_at"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, ConnectionRecord>(&sql)
                .bind(organization_id)
                .bind(connection_type)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    pub async fn connection(&self, id: &str) -> Result<Option<ConnectionRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organization_connections WHERE id = $1");
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, ConnectionRecord>(&sql).bind(id).fetch_optional(pool).await?
        });
        Ok(row)
    }

    /// Creates or replaces the whole row.
    pub async fn save_connection(&self, record: &ConnectionRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO organization_connections ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, config = excluded.config, \
             updated_at = excluded.updated_at"
        );
        on_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(&record.id)
                .bind(&record.organization_id)
                .bind(record.connection_type)
                .bind(record.enabled)
                .bind(&record.config)
                .bind(record.created_at)
                .bind(record.updated_at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn delete_connection(&self, id: &str) -> Result<bool, StoreError> {
        let deleted = on_pool!(self, pool => {
            sqlx::query("DELETE FROM organization_connections WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    pub async fn record_outcome(&self, outcome: &OutcomeRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO sync_outcomes ({OUTCOME_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        on_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(&outcome.id)
                .bind(&outcome.organization_id)
                .bind(&outcome.kind)
                .bind(&outcome.started_by)
                .bind(outcome.started_at)
                .bind(outcome.finished_at)
                .bind(outcome.succeeded)
                .bind(&outcome.code)
                .bind(&outcome.message)
                .bind(&outcome.counts)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The newest outcomes of one kind for an organization, newest first.
    pub async fn recent_outcomes(
        &self,
        organization_id: &str,
        kind: &str,
        limit: i64,
    ) -> Result<Vec<OutcomeRecord>, StoreError> {
        let sql = format!(
            "SELECT {OUTCOME_COLUMNS} FROM sync_outcomes WHERE organization_id = $1 AND kind = $2 \
             ORDER BY started_at DESC, id DESC LIMIT $3"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, OutcomeRecord>(&sql)
                .bind(organization_id)
                .bind(kind)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }
}
