//! Families for Enterprise offers and sponsorships (reference §1.1), and removing a member
//! together with what becomes of their sponsorship (SPEC §5 step 9).
//!
//! Rows are read from the view `sponsorships_as_synced` (migration 0012), whose
//! `last_sync_date` includes the organization's sync stamp, and written to the table.

use kinwarden_core::ids::{OrganizationId, OrganizationUserId, SponsorshipId};
use kinwarden_core::sponsorships::PlanSponsorshipType;

use crate::error::conflict_or;
use crate::{Store, StoreError, on_pool};

/// One sponsorship row. Its fields are in the order of [`COLUMNS`]: bulk reads hand each row over
/// as a JSON array of its columns in that order (`sync_bulk::rows_as_json`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Deserialize)]
pub struct SponsorshipRecord {
    #[sqlx(try_from = "String")]
    pub id: SponsorshipId,
    #[sqlx(try_from = "crate::column::NullableText")]
    pub sponsoring_organization_id: Option<OrganizationId>,
    #[sqlx(try_from = "String")]
    pub sponsoring_organization_user_id: OrganizationUserId,
    #[sqlx(try_from = "crate::column::NullableText")]
    pub sponsored_organization_id: Option<OrganizationId>,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    #[sqlx(try_from = "crate::column::NullableCode")]
    #[serde(deserialize_with = "crate::sync_bulk::code")]
    pub plan_sponsorship_type: Option<PlanSponsorshipType>,
    #[serde(deserialize_with = "crate::sync_bulk::flag")]
    pub to_delete: bool,
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
    #[serde(deserialize_with = "crate::sync_bulk::flag")]
    pub is_admin_initiated: bool,
    pub notes: Option<String>,
}

pub(crate) const COLUMNS: &str = "id, sponsoring_organization_id, sponsoring_organization_user_id, \
    sponsored_organization_id, friendly_name, offered_to_email, plan_sponsorship_type, to_delete, \
    last_sync_date, valid_until, is_admin_initiated, notes";

impl Store {
    /// Inserts the row, or replaces every column of the row with its id (reference "Upsert":
    /// a member's unredeemed offer is rewritten in place). One statement, so a failure leaves
    /// nothing half-written. A second own sponsorship of the same member (two offers racing)
    /// is [`StoreError::Conflict`].
    pub async fn save_sponsorship(&self, row: &SponsorshipRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO organization_sponsorships ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (id) DO UPDATE SET \
             sponsoring_organization_id = excluded.sponsoring_organization_id, \
             sponsoring_organization_user_id = excluded.sponsoring_organization_user_id, \
             sponsored_organization_id = excluded.sponsored_organization_id, \
             friendly_name = excluded.friendly_name, offered_to_email = excluded.offered_to_email, \
             plan_sponsorship_type = excluded.plan_sponsorship_type, to_delete = excluded.to_delete, \
             last_sync_date = excluded.last_sync_date, valid_until = excluded.valid_until, \
             is_admin_initiated = excluded.is_admin_initiated, notes = excluded.notes"
        );
        on_pool!(self, pool => {
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
                .execute(pool)
                .await
                .map_err(conflict_or)?;
        });
        Ok(())
    }

    /// The member's own (not admin-initiated) sponsorship in the organization, if any.
    pub async fn sponsorship_of_member(
        &self,
        organization_id: OrganizationId,
        member_id: OrganizationUserId,
    ) -> Result<Option<SponsorshipRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM sponsorships_as_synced \
             WHERE sponsoring_organization_user_id = $1 AND sponsoring_organization_id = $2 \
             AND NOT is_admin_initiated"
        );
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, SponsorshipRecord>(&sql)
                .bind(member_id.to_string())
                .bind(organization_id.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    /// Every sponsorship an organization pays for, in any state, oldest offer first.
    pub async fn sponsorships_of_organization(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Vec<SponsorshipRecord>, StoreError> {
        // Read as one JSON array (`rows_as_json`): a sync reads every row of the organization.
        let sql = crate::sync_bulk::rows_as_json(
            self.backend(),
            "SELECT * FROM sponsorships_as_synced WHERE sponsoring_organization_id = $1",
        );
        let rows: String = on_pool!(self, pool => {
            sqlx::query_scalar(&sql).bind(organization_id.to_string()).fetch_one(pool).await?
        });
        crate::sync_bulk::records_from_json(&rows)
    }

    pub async fn mark_sponsorship_to_delete(&self, id: SponsorshipId) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE organization_sponsorships SET to_delete = TRUE WHERE id = $1")
                .bind(id.to_string())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    pub async fn delete_sponsorship(&self, id: SponsorshipId) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("DELETE FROM organization_sponsorships WHERE id = $1")
                .bind(id.to_string())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Records what the cloud answered for a row (reference §2.4: `LastSyncDate`, `ValidUntil`).
    pub async fn set_sponsorship_synced(
        &self,
        id: SponsorshipId,
        last_sync_date: i64,
        valid_until: Option<i64>,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE organization_sponsorships SET last_sync_date = $2, valid_until = $3 WHERE id = $1",
            )
            .bind(id.to_string())
            .bind(last_sync_date)
            .bind(valid_until)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// The newest sync date among an organization's sponsorships (reference §2.8).
    pub async fn latest_sponsorship_sync(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Option<i64>, StoreError> {
        let latest = on_pool!(self, pool => {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT MAX(last_sync_date) FROM sponsorships_as_synced \
                 WHERE sponsoring_organization_id = $1",
            )
            .bind(organization_id.to_string())
            .fetch_one(pool)
            .await?
        });
        Ok(latest)
    }

    /// Removes a member and ends their sponsorships in one transaction (SPEC §5 step 9), with
    /// the self-hosted revoke rule (reference §2.3): a row the cloud never saw is deleted, a
    /// synced one is marked to delete so the next sync ends it there. The reference's SQL
    /// Server marks every row and its EF providers delete every row; neither fits both cases.
    /// `keep_unsynced` marks unsynced rows too, when the cloud may know them though they carry
    /// no sync date (SPEC §10; `kinwarden_core::sponsorships::self_hosted_revoke`). A redeemed
    /// row is never deleted: an offer made on the cloud has no sync date either, and deleting it
    /// would leave its Families organization sponsored with nothing to end it; marked, the
    /// validation job ends it at its period end, with the revert e-mail. Only the
    /// organization's own rows are touched.
    pub async fn remove_member(
        &self,
        organization_id: OrganizationId,
        member_id: OrganizationUserId,
        keep_unsynced: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let removed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The member's clients learn at their next sync that the organization's items are
            // gone (and, as a write first, this takes SQLite's lock).
            crate::vault::bump_member!(&mut *tx, member_id, now_ms);
            if !keep_unsynced {
                sqlx::query(
                    "DELETE FROM organization_sponsorships \
                     WHERE sponsoring_organization_user_id = $1 AND sponsoring_organization_id = $2 \
                     AND last_sync_date IS NULL AND sponsored_organization_id IS NULL",
                )
                .bind(member_id.to_string())
                .bind(organization_id.to_string())
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "UPDATE organization_sponsorships SET to_delete = TRUE \
                 WHERE sponsoring_organization_user_id = $1 AND sponsoring_organization_id = $2",
            )
            .bind(member_id.to_string())
            .bind(organization_id.to_string())
            .execute(&mut *tx)
            .await?;
            let removed = sqlx::query(
                "DELETE FROM organization_users WHERE id = $1 AND organization_id = $2",
            )
            .bind(member_id.to_string())
            .bind(organization_id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            removed
        });
        Ok(removed == 1)
    }

    pub async fn sponsorship(
        &self,
        id: SponsorshipId,
    ) -> Result<Option<SponsorshipRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sponsorships_as_synced WHERE id = $1");
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, SponsorshipRecord>(&sql).bind(id.to_string()).fetch_optional(pool).await?
        });
        Ok(row)
    }

    /// The sponsorship a Families organization redeemed, if any.
    pub async fn sponsorship_of_sponsored(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Option<SponsorshipRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM sponsorships_as_synced WHERE sponsored_organization_id = $1"
        );
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, SponsorshipRecord>(&sql).bind(organization_id.to_string()).fetch_optional(pool).await?
        });
        Ok(row)
    }

    /// Redeems an offer onto a Families organization (reference §4.6 step 8): the sponsorship
    /// points at it and forgets the offered address, the organization is paid until
    /// `valid_until`, and the ledger says so, all in one transaction. `false` when the offer was
    /// redeemed meanwhile.
    pub async fn redeem_sponsorship(
        &self,
        sponsorship_id: SponsorshipId,
        organization_id: OrganizationId,
        valid_until_ms: i64,
        period: &crate::SubscriptionPeriodRecord,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let redeemed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE organization_sponsorships SET sponsored_organization_id = $2, offered_to_email = NULL, \
                 valid_until = $3 WHERE id = $1 AND sponsored_organization_id IS NULL AND offered_to_email IS NOT NULL",
            )
            .bind(sponsorship_id.to_string())
            .bind(organization_id.to_string())
            .bind(valid_until_ms)
            .execute(&mut *tx)
            .await
            .map_err(conflict_or)?
            .rows_affected();
            if changed == 1 {
                sqlx::query(
                    "UPDATE organizations SET enabled = $2, expiration_date = $3, revision_date = $4, updated_at = $4 WHERE id = $1",
                )
                .bind(organization_id.to_string())
                .bind(true)
                .bind(valid_until_ms)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                crate::billing::insert_period!(&mut *tx, period);
                tx.commit().await?;
            }
            changed == 1
        });
        Ok(redeemed)
    }
}
