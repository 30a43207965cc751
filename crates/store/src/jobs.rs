//! `job_runs`: which scheduled slots ran, by whom, and how it went.

use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRunRecord {
    pub job: String,
    pub slot: i64,
    pub started_by: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub succeeded: Option<bool>,
    pub message: Option<String>,
}

impl Store {
    /// Claims a slot of a job; `false` when another process already has it.
    pub async fn claim_job_slot(
        &self,
        job: &str,
        slot_ms: i64,
        started_by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let inserted = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO job_runs (job, slot, started_by, started_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (job, slot) DO NOTHING",
            )
            .bind(job)
            .bind(slot_ms)
            .bind(started_by)
            .bind(now_ms)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn finish_job_run(
        &self,
        job: &str,
        slot_ms: i64,
        succeeded: bool,
        message: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE job_runs SET finished_at = $3, succeeded = $4, message = $5 WHERE job = $1 AND slot = $2",
            )
            .bind(job)
            .bind(slot_ms)
            .bind(now_ms)
            .bind(succeeded)
            .bind(message)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The latest run of a job, manual or scheduled.
    pub async fn last_job_run(&self, job: &str) -> Result<Option<JobRunRecord>, StoreError> {
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, JobRunRecord>(
                "SELECT job, slot, started_by, started_at, finished_at, succeeded, message FROM job_runs \
                 WHERE job = $1 ORDER BY started_at DESC, slot DESC LIMIT 1",
            )
            .bind(job)
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }

    /// The slot of the latest scheduled (not manual) run of a job.
    pub async fn last_scheduled_slot(&self, job: &str) -> Result<Option<i64>, StoreError> {
        let slot = on_pool!(self, pool => {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT MAX(slot) FROM job_runs WHERE job = $1 AND started_by = 'scheduler'",
            )
            .bind(job)
            .fetch_one(pool)
            .await?
        });
        Ok(slot)
    }
}
