//! Organization connections (reference §1.2) and the recorded outcome of every exchange with the
//! cloud (SPEC §6).

use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::{ConnectionId, OrganizationId, OutcomeId};

use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConnectionRecord {
    #[sqlx(try_from = "String")]
    pub id: ConnectionId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
    #[sqlx(rename = "type", try_from = "i32")]
    pub connection_type: ConnectionType,
    pub enabled: bool,
    pub config: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutcomeRecord {
    #[sqlx(try_from = "String")]
    pub id: OutcomeId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
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
        organization_id: OrganizationId,
        connection_type: ConnectionType,
    ) -> Result<Vec<ConnectionRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM organization_connections WHERE organization_id = $1 AND type = $2 ORDER BY created_at"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, ConnectionRecord>(&sql)
                .bind(organization_id.to_string())
                .bind(connection_type.code())
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    pub async fn connection(
        &self,
        id: ConnectionId,
    ) -> Result<Option<ConnectionRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organization_connections WHERE id = $1");
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, ConnectionRecord>(&sql).bind(id.to_string()).fetch_optional(pool).await?
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
                .bind(record.id.to_string())
                .bind(record.organization_id.to_string())
                .bind(record.connection_type.code())
                .bind(record.enabled)
                .bind(&record.config)
                .bind(record.created_at)
                .bind(record.updated_at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn delete_connection(&self, id: ConnectionId) -> Result<bool, StoreError> {
        let deleted = on_pool!(self, pool => {
            sqlx::query("DELETE FROM organization_connections WHERE id = $1")
                .bind(id.to_string())
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
                .bind(outcome.id.to_string())
                .bind(outcome.organization_id.to_string())
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
        organization_id: OrganizationId,
        kind: &str,
        limit: i64,
    ) -> Result<Vec<OutcomeRecord>, StoreError> {
        let sql = format!(
            "SELECT {OUTCOME_COLUMNS} FROM sync_outcomes WHERE organization_id = $1 AND kind = $2 \
             ORDER BY started_at DESC, id DESC LIMIT $3"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, OutcomeRecord>(&sql)
                .bind(organization_id.to_string())
                .bind(kind)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }
}
