//! Why the cloud skipped an offer (SPEC §6), kept on the self-hosted server beside the offer.

use std::collections::HashMap;

use kinwarden_core::ids::{OrganizationId, OrganizationUserId};

use crate::{Store, StoreError, on_pool};

/// The skip reasons of one answered batch: its members lose their old reason and the skipped
/// ones get the new one.
#[derive(Debug, Clone, Copy)]
pub struct BatchSkips<'a> {
    pub organization_id: OrganizationId,
    pub batch_member_ids: &'a [OrganizationUserId],
    /// (member id, reason code).
    pub skipped: &'a [(OrganizationUserId, String)],
    pub now_ms: i64,
}

/// Forgets the batch members' reasons in one statement (it runs for every batch of every sync).
pub(crate) fn forget_sql(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "DELETE FROM sponsorship_sync_skips \
             WHERE sponsoring_organization_user_id IN (SELECT value FROM json_each($1))"
        }
        crate::Backend::Postgres => {
            "DELETE FROM sponsorship_sync_skips \
             WHERE sponsoring_organization_user_id IN (SELECT jsonb_array_elements_text($1::jsonb))"
        }
    }
}

/// Writes a batch's skip reasons on the given transaction of either backend.
macro_rules! write_skips {
    ($tx:expr, $forget:expr, $skips:expr) => {{
        let skips: &$crate::sync_skips::BatchSkips<'_> = $skips;
        let members = $crate::sync_bulk::ids_json(skips.batch_member_ids);
        sqlx::query($forget).bind(&members).execute(&mut *$tx).await?;
        for (member_id, reason) in skips.skipped {
            sqlx::query(
                "INSERT INTO sponsorship_sync_skips (sponsoring_organization_user_id, organization_id, reason, recorded_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (sponsoring_organization_user_id) \
                 DO UPDATE SET organization_id = excluded.organization_id, reason = excluded.reason, recorded_at = excluded.recorded_at",
            )
            .bind(member_id.to_string())
            .bind(skips.organization_id.to_string())
            .bind(reason)
            .bind(skips.now_ms)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use write_skips;

impl Store {
    /// The organization's skip reasons by offering member.
    pub async fn sync_skips_of_organization(
        &self,
        organization_id: OrganizationId,
    ) -> Result<HashMap<OrganizationUserId, String>, StoreError> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as::<_, (String, String)>(
                "SELECT sponsoring_organization_user_id, reason FROM sponsorship_sync_skips WHERE organization_id = $1",
            )
            .bind(organization_id.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(member, reason)| Ok((crate::column::typed(member)?, reason)))
            .collect()
    }
}
