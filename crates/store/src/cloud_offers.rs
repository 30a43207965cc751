//! A member's offer made on a cloud (reference §4.1 C2): the row and its offer e-mail are stored
//! together, so the offer is never mailed without being kept, nor kept without being mailed.

use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_mail::DraftMail;

use crate::error::conflict_or;
use crate::sponsorships::COLUMNS;
use crate::{SponsorshipRecord, Store, StoreError, on_pool};

impl Store {
    /// Inserts the offer, or rewrites the member's unredeemed row with the same id, and queues
    /// its e-mail, in one transaction. A second own offer of the member racing this one is
    /// [`StoreError::Conflict`].
    pub async fn save_offer_with_mail(
        &self,
        row: &SponsorshipRecord,
        mail: &DraftMail,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO organization_sponsorships ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (id) DO UPDATE SET \
             friendly_name = excluded.friendly_name, offered_to_email = excluded.offered_to_email, \
             plan_sponsorship_type = excluded.plan_sponsorship_type, to_delete = excluded.to_delete, \
             notes = excluded.notes"
        );
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&sql)
                .bind(row.id.to_string())
                .bind(row.sponsoring_organization_id.map(|id| id.to_string()))
                .bind(row.sponsoring_organization_user_id.to_string())
                .bind(row.sponsored_organization_id.map(|id| id.to_string()))
                .bind(&row.friendly_name)
                .bind(&row.offered_to_email)
                .bind(row.plan_sponsorship_type.map(PlanSponsorshipType::code))
                .bind(row.to_delete)
                .bind(row.last_sync_date)
                .bind(row.valid_until)
                .bind(row.is_admin_initiated)
                .bind(&row.notes)
                .execute(&mut *tx)
                .await
                .map_err(conflict_or)?;
            crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
            tx.commit().await?;
        });
        self.wake_mail_worker();
        Ok(())
    }
}
