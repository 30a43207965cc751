//! The expiry e-mails owners got for a license (SPEC §12 "Grace and expiry"): recorded in the
//! transaction that queues them, so each goes out once, whatever crashes or re-runs.

use kinwarden_core::ids::OrganizationId;
use kinwarden_mail::Mail;

use crate::{Store, StoreError, on_pool};

impl Store {
    /// The notices (days before `expires`) already sent for this organization and `Expires`.
    pub async fn expiry_notices_sent(
        &self,
        org_id: OrganizationId,
        expires_ms: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let days = on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST(days_before AS BIGINT) FROM license_expiry_notices \
                 WHERE organization_id = $1 AND expires = $2 ORDER BY days_before DESC",
            )
            .bind(org_id.to_string())
            .bind(expires_ms)
            .fetch_all(pool)
            .await?
        });
        Ok(days)
    }

    /// Records the notice and queues its mails, in one transaction; `false` (and nothing queued)
    /// when it was already recorded, by an earlier run or another process on the database.
    pub async fn send_expiry_notice(
        &self,
        org_id: OrganizationId,
        expires_ms: i64,
        days_before: i64,
        mails: &[Mail],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let recipients = i64::try_from(mails.len()).unwrap_or(i64::MAX);
        let sent = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO license_expiry_notices (organization_id, expires, days_before, sent_at, recipients) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(org_id.to_string())
            .bind(expires_ms)
            .bind(days_before)
            .bind(now_ms)
            .bind(recipients)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                for mail in mails {
                    crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
                }
            }
            tx.commit().await?;
            inserted == 1
        });
        if sent {
            self.wake_mail_worker();
        }
        Ok(sent)
    }
}
