//! The cloud side of the sponsorship sync (reference §4.2, C1): a batch's rows, deletions and
//! offer e-mails written in one transaction (SPEC §9 "mail": a row and its offer are stored
//! together or not at all, so a retried batch neither loses nor repeats an offer).

use std::collections::HashMap;

use kinwarden_core::ids::{OrganizationId, SponsorshipId};
use kinwarden_mail::DraftMail;

use crate::error::conflict_or;
use crate::{SponsorshipRecord, Store, StoreError, on_pool};

/// Addresses looked up per query: well under both backends' limit on bound values.
const LOOKUP_CHUNK: usize = 500;

/// What one sync batch writes on the cloud.
#[derive(Debug, Clone, Copy)]
pub struct CloudSyncWrite<'a> {
    pub organization_id: OrganizationId,
    pub upserts: &'a [SponsorshipRecord],
    pub deletes: &'a [SponsorshipId],
    /// One offer e-mail per new row, as drafts the delivery renders.
    pub offers: &'a [DraftMail],
    /// Which offers wait before they go out.
    pub held: OfferHold,
    pub now_ms: i64,
}

/// Offers `offers[from..]` are beyond what the organization may send now: they are due from
/// `until_ms` on, `per_window` of them per day (`kinwarden_core::mail_allowance::held_until`),
/// and each counts against the day it goes out in.
#[derive(Debug, Clone, Copy)]
pub struct OfferHold {
    pub from: usize,
    pub until_ms: i64,
    pub per_window: u64,
}

impl OfferHold {
    /// Nothing held: every offer goes out at once.
    pub const NONE: Self = Self {
        from: usize::MAX,
        until_ms: 0,
        per_window: u64::MAX,
    };

    /// When the offer at `index` is due, for a batch written at `now_ms`.
    pub fn due(&self, index: usize, now_ms: i64) -> i64 {
        match index.checked_sub(self.from) {
            None => now_ms,
            Some(position) => kinwarden_core::mail_allowance::held_until(
                self.until_ms,
                self.per_window,
                u64::try_from(position).unwrap_or(u64::MAX),
            )
            .max(now_ms),
        }
    }
}

impl Store {
    /// Applies a sync batch in one transaction, with one statement per kind of write
    /// (`sync_bulk`), and stamps the organization as synced at `now_ms`: the rows the batch
    /// answered but left unchanged are not rewritten (SPEC §10). Deletions are limited to the
    /// organization's own rows, so a batch can never remove another organization's
    /// sponsorship. Two syncs of one organization racing to create the same member's row end
    /// in [`StoreError::Conflict`] for the second, which writes nothing.
    pub async fn apply_cloud_sync(&self, write: CloudSyncWrite<'_>) -> Result<(), StoreError> {
        let sql = crate::sync_bulk::bulk_sql(self.backend());
        let rows = crate::sync_bulk::rows_json(write.upserts);
        let deletes = crate::sync_bulk::ids_json(write.deletes);
        let offers = crate::sync_bulk::drafts_json(write.offers, write.now_ms, write.held);
        // A known row takes only what a sync changes: a redemption or renewal committed since
        // the batch read the row keeps its sponsored organization and `validUntil`.
        let _turn = self.sync_writer().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Deletions first: a member's offer sent to a new address replaces the old row,
            // and both may not stand at once (one own sponsorship per member).
            if !write.deletes.is_empty() {
                sqlx::query(sql.delete_rows_of_org)
                    .bind(&deletes)
                    .bind(write.organization_id.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            if !write.upserts.is_empty() {
                sqlx::query(sql.upsert_rows)
                    .bind(&rows)
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict_or)?;
            }
            if !write.offers.is_empty() {
                sqlx::query(sql.queue_mails)
                    .bind(&offers)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(sql.stamp)
                .bind(write.organization_id.to_string())
                .bind(write.now_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        if !write.offers.is_empty() {
            self.wake_mail_worker();
        }
        Ok(())
    }

    /// The accounts among these (normalized) addresses, with each account's language setting:
    /// an offer links to registration when the address has no account (reference §4.3).
    pub async fn cultures_by_email(
        &self,
        emails: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut found = HashMap::new();
        for chunk in emails.chunks(LOOKUP_CHUNK) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT email, culture FROM users WHERE email IN ({})",
                placeholders.join(", ")
            );
            let rows: Vec<(String, String)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as::<_, (String, String)>(&sql);
                for email in chunk {
                    query = query.bind(email);
                }
                query.fetch_all(pool).await?
            });
            found.extend(rows);
        }
        Ok(found)
    }
}
