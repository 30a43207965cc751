//! The cloud's daily care of redeemed sponsorships (SPEC §5 steps 8–9; reference §4.7, §4.10):
//! renew, announce the end (the revert e-mail), end, and clear out long-expired rows. Each step
//! writes the sponsorship, the Families organization, its ledger and its e-mail together.

use kinwarden_core::ids::{OrganizationId, SponsorshipId};
use kinwarden_mail::Mail;

use crate::sponsorships::COLUMNS;
use crate::{SponsorshipRecord, Store, StoreError, SubscriptionPeriodRecord, on_pool};

/// A redeemed sponsorship, and whether its end was already announced.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RedeemedSponsorship {
    #[sqlx(flatten)]
    pub sponsorship: SponsorshipRecord,
    pub revert_mailed_at: Option<i64>,
}

/// Ending a sponsorship: the Families organization's ledger entry, whether the organization is
/// disabled (no recorded payment covers today), and the revert e-mail when not sent before.
#[derive(Debug, Clone)]
pub struct SponsorshipEnd<'a> {
    pub sponsorship_id: SponsorshipId,
    pub organization_id: OrganizationId,
    pub entry: &'a SubscriptionPeriodRecord,
    pub disable: bool,
    pub mail: Option<&'a Mail>,
    pub now_ms: i64,
}

impl Store {
    /// Every sponsorship that a Families organization redeemed, in a stable order.
    pub async fn redeemed_sponsorships(&self) -> Result<Vec<RedeemedSponsorship>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, revert_mailed_at FROM sponsorships_as_synced \
             WHERE sponsored_organization_id IS NOT NULL ORDER BY id"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, RedeemedSponsorship>(&sql).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Another sponsored period: the sponsorship and the organization run until `until_ms`,
    /// and the ledger records the period. `false` when the sponsorship is gone or changed.
    pub async fn renew_sponsorship(
        &self,
        sponsorship_id: SponsorshipId,
        previous_until: Option<i64>,
        entry: &SubscriptionPeriodRecord,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let renewed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Guarded by the period it renews, so two processes renewing at once add one period.
            let changed = sqlx::query(
                "UPDATE organization_sponsorships SET valid_until = $2 \
                 WHERE id = $1 AND sponsored_organization_id = $3 \
                 AND (valid_until = $4 OR (valid_until IS NULL AND $4 IS NULL))",
            )
            .bind(sponsorship_id.to_string())
            .bind(until_ms)
            .bind(entry.organization_id.to_string())
            .bind(previous_until)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                sqlx::query(
                    "UPDATE organizations SET enabled = $2, expiration_date = $3, revision_date = $4, updated_at = $4 WHERE id = $1",
                )
                .bind(entry.organization_id.to_string())
                .bind(true)
                .bind(until_ms)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                crate::billing::insert_period!(&mut *tx, entry);
                tx.commit().await?;
            }
            changed == 1
        });
        Ok(renewed)
    }

    /// Sends the revert e-mail once: marks the sponsorship announced and queues the mail
    /// together. `false` when it was announced meanwhile.
    pub async fn announce_sponsorship_end(
        &self,
        sponsorship_id: SponsorshipId,
        mail: &Mail,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let announced = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE organization_sponsorships SET revert_mailed_at = $2 \
                 WHERE id = $1 AND revert_mailed_at IS NULL",
            )
            .bind(sponsorship_id.to_string())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
                tx.commit().await?;
            }
            changed == 1
        });
        if announced {
            self.wake_mail_worker();
        }
        Ok(announced)
    }

    /// Ends a sponsorship: deletes it, writes the ledger entry, disables the organization when
    /// asked, and queues the revert e-mail, in one transaction. `false` when it was already gone.
    pub async fn end_sponsorship(&self, end: SponsorshipEnd<'_>) -> Result<bool, StoreError> {
        let ended = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query(
                "DELETE FROM organization_sponsorships WHERE id = $1 AND sponsored_organization_id = $2",
            )
            .bind(end.sponsorship_id.to_string())
            .bind(end.organization_id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if deleted == 1 {
                crate::billing::insert_period!(&mut *tx, end.entry);
                if end.disable {
                    sqlx::query(
                        "UPDATE organizations SET enabled = $2, revision_date = $3, updated_at = $3 WHERE id = $1",
                    )
                    .bind(end.organization_id.to_string())
                    .bind(false)
                    .bind(end.now_ms)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(mail) = end.mail {
                    crate::outbox::queue_in(&mut *tx, mail, end.now_ms).await?;
                }
                tx.commit().await?;
            }
            deleted == 1
        });
        if ended && end.mail.is_some() {
            self.wake_mail_worker();
        }
        Ok(ended)
    }

    /// Deletes sponsorships whose period ended before `before_ms` (reference §4.10: 90 days of
    /// grace); the number deleted.
    pub async fn delete_expired_sponsorships(&self, before_ms: i64) -> Result<u64, StoreError> {
        let deleted = on_pool!(self, pool => {
            sqlx::query("DELETE FROM organization_sponsorships WHERE valid_until < $1")
                .bind(before_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted)
    }
}
