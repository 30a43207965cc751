//! A system administrator's changes to a cloud organization's terms (SPEC §9 Portal, cloud): plan,
//! seats, enabled and expiration, and a recorded payment, each written with its ledger entries.

use kinwarden_core::ids::OrganizationId;

use crate::billing::insert_period;
use crate::{Store, StoreError, SubscriptionPeriodRecord, on_pool};

/// What the organization becomes.
#[derive(Debug, Clone)]
pub struct OrganizationTerms {
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub enabled: bool,
    pub expiration_date: Option<i64>,
}

impl Store {
    /// Sets the organization's terms and writes the ledger entries that record the change, in one
    /// transaction.
    pub async fn set_organization_terms(
        &self,
        organization_id: OrganizationId,
        terms: &OrganizationTerms,
        entries: &[SubscriptionPeriodRecord],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE organizations SET plan_type = $2, seats = $3, enabled = $4, expiration_date = $5, \
                 revision_date = $6, updated_at = $6 WHERE id = $1",
            )
            .bind(organization_id.to_string())
            .bind(terms.plan_type)
            .bind(terms.seats)
            .bind(terms.enabled)
            .bind(terms.expiration_date)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                for entry in entries {
                    insert_period!(&mut *tx, entry);
                }
                tx.commit().await?;
            }
            changed == 1
        });
        Ok(changed)
    }

    /// Records a payment for a period: the ledger entry, and the organization enabled and paid
    /// until at least the period's end, in one transaction.
    pub async fn record_payment(
        &self,
        entry: &SubscriptionPeriodRecord,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE organizations SET enabled = $2, \
                 expiration_date = CASE WHEN expiration_date IS NULL OR expiration_date < $3 THEN $3 ELSE expiration_date END, \
                 revision_date = $4, updated_at = $4 WHERE id = $1",
            )
            .bind(entry.organization_id.to_string())
            .bind(true)
            .bind(entry.end_date)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                insert_period!(&mut *tx, entry);
                tx.commit().await?;
            }
            changed == 1
        });
        Ok(changed)
    }
}
