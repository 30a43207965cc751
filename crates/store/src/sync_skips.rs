//! Why the cloud skipped an offer (SPEC §6), kept on the self-hosted server beside the offer.

use std::collections::HashMap;

use crate::{Store, StoreError, on_pool};

impl Store {
    /// Records the skip reasons of one answered batch: the members of the batch lose their old
    /// reason and the skipped ones get the new one, in one transaction.
    pub async fn replace_sync_skips(
        &self,
        organization_id: &str,
        batch_member_ids: &[String],
        skipped: &[(String, String)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        // One statement for the whole batch: this runs for every batch of every sync.
        let forget = match self.backend() {
            crate::Backend::Sqlite => {
                "DELETE FROM sponsorship_sync_skips \
                 WHERE sponsoring_organization_user_id IN (SELECT value FROM json_each($1))"
            }
            crate::Backend::Postgres => {
                "DELETE FROM sponsorship_sync_skips \
                 WHERE sponsoring_organization_user_id IN (SELECT jsonb_array_elements_text($1::jsonb))"
            }
        };
        let members = crate::sync_bulk::ids_json(batch_member_ids);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(forget).bind(&members).execute(&mut *tx).await?;
            for (member_id, reason) in skipped {
                sqlx::query(
                    "INSERT INTO sponsorship_sync_skips (sponsoring_organization_user_id, organization_id, reason, recorded_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (sponsoring_organization_user_id) \
                     DO UPDATE SET organization_id = excluded.organization_id, reason = excluded.reason, recorded_at = excluded.recorded_at",
                )
                .bind(member_id)
                .bind(organization_id)
                .bind(reason)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The organization's skip reasons by offering member.
    pub async fn sync_skips_of_organization(
        &self,
        organization_id: &str,
    ) -> Result<HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as::<_, (String, String)>(
                "SELECT sponsoring_organization_user_id, reason FROM sponsorship_sync_skips WHERE organization_id = $1",
            )
            .bind(organization_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().collect())
    }
}
