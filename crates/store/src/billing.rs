//! The billing ledger of a cloud (SPEC §5 step 1): subscription periods and changes within
//! them, each written in the same transaction as the organization change it records.

use kinwarden_core::ids::{OrganizationId, SubscriptionPeriodId};

use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriptionPeriodRecord {
    #[sqlx(try_from = "String")]
    pub id: SubscriptionPeriodId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
    /// `kinwarden_core::subscription::EntryKind` by name.
    pub kind: String,
    pub start_date: i64,
    pub end_date: Option<i64>,
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub recorded_by: Option<String>,
    pub created_at: i64,
}

/// Inserts one ledger entry on the given executor (a transaction of either backend).
macro_rules! insert_period {
    ($executor:expr, $period:expr) => {
        sqlx::query(
            "INSERT INTO subscription_periods (id, organization_id, kind, start_date, end_date, \
             plan_type, seats, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind($period.id.to_string())
        .bind($period.organization_id.to_string())
        .bind(&$period.kind)
        .bind($period.start_date)
        .bind($period.end_date)
        .bind($period.plan_type)
        .bind($period.seats)
        .bind(&$period.recorded_by)
        .bind($period.created_at)
        .execute($executor)
        .await?
    };
}
pub(crate) use insert_period;

impl Store {
    /// The ledger of an organization, oldest first.
    pub async fn subscription_periods(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Vec<SubscriptionPeriodRecord>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, SubscriptionPeriodRecord>(
                "SELECT id, organization_id, kind, start_date, end_date, plan_type, seats, recorded_by, created_at \
                 FROM subscription_periods WHERE organization_id = $1 ORDER BY created_at, start_date, id",
            )
            .bind(organization_id.to_string())
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Seats taken: members invited, accepted or confirmed (revoked ones hold none).
    pub async fn occupied_seats(&self, organization_id: OrganizationId) -> Result<i64, StoreError> {
        let count = on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM organization_users WHERE organization_id = $1 AND status >= 0",
            )
            .bind(organization_id.to_string())
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }

    /// Sets the seats and records the change in the ledger, in one transaction. Only when the
    /// seats are still `expected_seats`: a concurrent change makes this [`StoreError::Conflict`]
    /// rather than one overwriting the other unrecorded.
    pub async fn change_seats(
        &self,
        expected_seats: Option<i32>,
        entry: &SubscriptionPeriodRecord,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE organizations SET seats = $2, revision_date = $3, updated_at = $3 \
                 WHERE id = $1 AND seats IS NOT DISTINCT FROM $4",
            )
            .bind(entry.organization_id.to_string())
            .bind(entry.seats)
            .bind(entry.created_at)
            .bind(expected_seats)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::Conflict);
            }
            insert_period!(&mut *tx, entry);
            tx.commit().await?;
        });
        Ok(())
    }
}
