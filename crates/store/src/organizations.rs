//! Organizations and their members.

use kinwarden_mail::Mail;

use crate::billing::{SubscriptionPeriodRecord, insert_period};
use crate::error::conflict_or;
use crate::{Store, StoreError, on_pool};

/// Inserts one member row on the given executor (a transaction of either backend); a taken
/// (organization, user) or (organization, e-mail) pair is [`StoreError::Conflict`].
macro_rules! insert_member {
    ($executor:expr, $member:expr) => {
        sqlx::query(
            "INSERT INTO organization_users (id, organization_id, user_id, email, key, status, type, \
             permissions, access_secrets_manager, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&$member.id)
        .bind(&$member.organization_id)
        .bind(&$member.user_id)
        .bind(&$member.email)
        .bind(&$member.key)
        .bind($member.status)
        .bind($member.member_type)
        .bind(&$member.permissions)
        .bind($member.access_secrets_manager)
        .bind($member.created_at)
        .bind($member.updated_at)
        .execute($executor)
        .await
        .map_err(conflict_or)?
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRecord {
    pub id: String,
    pub name: String,
    pub billing_email: String,
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub max_collections: Option<i32>,
    pub enabled: bool,
    pub expiration_date: Option<i64>,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    /// Shared by the organization and its licenses (reference §1.5); none on rows made before
    /// licensing existed, until the first license is issued.
    pub license_key: Option<String>,
    pub revision_date: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRecord {
    pub id: String,
    pub organization_id: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub key: Option<String>,
    pub status: i32,
    #[sqlx(rename = "type")]
    pub member_type: i32,
    pub permissions: Option<String>,
    pub access_secrets_manager: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a license decides about a self-hosted organization.
#[derive(Debug, Clone)]
pub struct LicenseTerms {
    pub name: String,
    pub billing_email: String,
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub max_collections: Option<i32>,
    pub enabled: bool,
    pub expiration_date: Option<i64>,
    pub license_key: Option<String>,
}

/// A member with the account behind it, as lists show them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberDetails {
    #[sqlx(flatten)]
    pub member: MemberRecord,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
}

/// A membership with its organization, as a member's profile shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Membership {
    #[sqlx(flatten)]
    pub member: MemberRecord,
    #[sqlx(flatten)]
    pub organization: OrganizationRecordPrefixed,
    #[sqlx(flatten)]
    pub sponsorship: MemberSponsorship,
}

/// The member's own sponsorship, as the profile shows it (reference §1.1, profile fields); all
/// none when there is none.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberSponsorship {
    pub sp_id: Option<String>,
    pub sp_friendly_name: Option<String>,
    pub sp_last_sync_date: Option<i64>,
    pub sp_valid_until: Option<i64>,
    pub sp_to_delete: Option<bool>,
    /// Why the cloud skipped it at the last sync that carried it (SPEC §6), if it did.
    pub sp_skipped_reason: Option<String>,
}

/// The organization columns of a join, selected with an `org_` prefix.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRecordPrefixed {
    pub org_name: String,
    pub org_plan_type: i32,
    pub org_seats: Option<i32>,
    pub org_max_collections: Option<i32>,
    pub org_enabled: bool,
    pub org_has_keys: bool,
}

const ORG_COLUMNS: &str = "id, name, billing_email, plan_type, seats, max_collections, enabled, \
    expiration_date, public_key, private_key, license_key, revision_date, created_at, updated_at";
const MEMBER_COLUMNS: &str = "ou.id, ou.organization_id, ou.user_id, ou.email, ou.key, ou.status, ou.type, \
    ou.permissions, ou.access_secrets_manager, ou.created_at, ou.updated_at";

impl Store {
    /// Creates an organization with its first member (the owner) and, on a cloud, the first
    /// period of its billing ledger, in one transaction. A self-hosted organization has no
    /// ledger: its license carries its dates.
    pub async fn create_organization(
        &self,
        org: &OrganizationRecord,
        owner: &MemberRecord,
        first_period: Option<&SubscriptionPeriodRecord>,
    ) -> Result<(), StoreError> {
        let org_sql = format!(
            "INSERT INTO organizations ({ORG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&org_sql)
                .bind(&org.id)
                .bind(&org.name)
                .bind(&org.billing_email)
                .bind(org.plan_type)
                .bind(org.seats)
                .bind(org.max_collections)
                .bind(org.enabled)
                .bind(org.expiration_date)
                .bind(&org.public_key)
                .bind(&org.private_key)
                .bind(&org.license_key)
                .bind(org.revision_date)
                .bind(org.created_at)
                .bind(org.updated_at)
                .execute(&mut *tx)
                .await?;
            insert_member!(&mut *tx, owner);
            if let Some(first_period) = first_period {
                insert_period!(&mut *tx, first_period);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Whether an enabled organization other than `except` holds this license key.
    pub async fn license_key_in_use(
        &self,
        license_key: &str,
        except: Option<&str>,
    ) -> Result<bool, StoreError> {
        let count = on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM organizations WHERE license_key = $1 AND enabled AND id <> $2",
            )
            .bind(license_key)
            .bind(except.unwrap_or(""))
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// Copies a license's terms onto a self-hosted organization (reference §5.5 step 7).
    pub async fn apply_license_terms(
        &self,
        org_id: &str,
        terms: &LicenseTerms,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE organizations SET name = $2, billing_email = $3, plan_type = $4, seats = $5, \
                 max_collections = $6, enabled = $7, expiration_date = $8, license_key = $9, \
                 revision_date = $10, updated_at = $10 WHERE id = $1",
            )
            .bind(org_id)
            .bind(&terms.name)
            .bind(&terms.billing_email)
            .bind(terms.plan_type)
            .bind(terms.seats)
            .bind(terms.max_collections)
            .bind(terms.enabled)
            .bind(terms.expiration_date)
            .bind(&terms.license_key)
            .bind(now_ms)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Disables an organization whose license no longer holds, with the mail that tells its
    /// billing contact, in one transaction (reference §5.6).
    pub async fn disable_organization(
        &self,
        org_id: &str,
        expiration_ms: i64,
        mail: &Mail,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE organizations SET enabled = $2, expiration_date = $3, revision_date = $4, updated_at = $4 WHERE id = $1",
            )
            .bind(org_id)
            .bind(false)
            .bind(expiration_ms)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
            tx.commit().await?;
        });
        self.wake_mail_worker();
        Ok(())
    }

    /// The e-mail addresses of every organization's owners, in one query (the Portal's list).
    pub async fn owner_emails(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, (String, String)>(
                "SELECT ou.organization_id, COALESCE(u.email, ou.email) FROM organization_users ou \
                 LEFT JOIN users u ON u.id = ou.user_id \
                 WHERE ou.type = 0 AND COALESCE(u.email, ou.email) IS NOT NULL \
                 ORDER BY ou.organization_id, 2",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Every organization, by name.
    pub async fn all_organizations(&self) -> Result<Vec<OrganizationRecord>, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations ORDER BY name, id");
        let orgs = on_pool!(self, pool => {
            sqlx::query_as::<_, OrganizationRecord>(&sql).fetch_all(pool).await?
        });
        Ok(orgs)
    }

    pub async fn organization(&self, id: &str) -> Result<Option<OrganizationRecord>, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1");
        let org = on_pool!(self, pool => {
            sqlx::query_as::<_, OrganizationRecord>(&sql).bind(id).fetch_optional(pool).await?
        });
        Ok(org)
    }

    /// Every organization in which the user's membership has the given status code, with the
    /// membership and the member's own sponsorship. The join leaves out admin-initiated rows,
    /// which may be many per member, so each organization is listed once (the reference lists
    /// it once per joined row).
    pub async fn memberships_of_user(
        &self,
        user_id: &str,
        status: i32,
    ) -> Result<Vec<Membership>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, o.name AS org_name, o.plan_type AS org_plan_type, o.seats AS org_seats, \
             o.max_collections AS org_max_collections, o.enabled AS org_enabled, \
             (o.public_key IS NOT NULL AND o.private_key IS NOT NULL) AS org_has_keys, \
             s.id AS sp_id, s.friendly_name AS sp_friendly_name, s.last_sync_date AS sp_last_sync_date, \
             s.valid_until AS sp_valid_until, s.to_delete AS sp_to_delete, \
             CASE WHEN s.id IS NULL THEN NULL ELSE k.reason END AS sp_skipped_reason \
             FROM organization_users ou JOIN organizations o ON o.id = ou.organization_id \
             LEFT JOIN sponsorships_as_synced s \
             ON s.sponsoring_organization_user_id = ou.id AND NOT s.is_admin_initiated \
             LEFT JOIN sponsorship_sync_skips k ON k.sponsoring_organization_user_id = ou.id \
             WHERE ou.user_id = $1 AND ou.status = $2 ORDER BY o.name"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, Membership>(&sql).bind(user_id).bind(status).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// The membership of a user in an organization, if any.
    pub async fn membership(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Option<MemberRecord>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM organization_users ou WHERE ou.organization_id = $1 AND ou.user_id = $2"
        );
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, MemberRecord>(&sql).bind(organization_id).bind(user_id).fetch_optional(pool).await?
        });
        Ok(row)
    }

    pub async fn member(
        &self,
        organization_id: &str,
        member_id: &str,
    ) -> Result<Option<MemberDetails>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, u.email AS user_email, u.name AS user_name \
             FROM organization_users ou LEFT JOIN users u ON u.id = ou.user_id \
             WHERE ou.organization_id = $1 AND ou.id = $2"
        );
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, MemberDetails>(&sql).bind(organization_id).bind(member_id).fetch_optional(pool).await?
        });
        Ok(row)
    }

    pub async fn members(&self, organization_id: &str) -> Result<Vec<MemberDetails>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, u.email AS user_email, u.name AS user_name \
             FROM organization_users ou LEFT JOIN users u ON u.id = ou.user_id \
             WHERE ou.organization_id = $1 ORDER BY COALESCE(u.email, ou.email)"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, MemberDetails>(&sql).bind(organization_id).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Adds invited members with their invitation mails, all or none;
    /// [`StoreError::Conflict`] when one is already there.
    pub async fn invite_members(
        &self,
        invited: &[(MemberRecord, Mail)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (member, mail) in invited {
                insert_member!(&mut *tx, member);
                crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
            }
            tx.commit().await?;
        });
        self.wake_mail_worker();
        Ok(())
    }

    /// Queues a new invitation mail for a member still invited.
    pub async fn reinvite_member(&self, mail: &Mail, now_ms: i64) -> Result<(), StoreError> {
        self.enqueue_mail(mail, now_ms).await.map(|_| ())
    }

    /// Links an invited member to the account that accepted, if still invited.
    pub async fn accept_member(
        &self,
        member_id: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE organization_users SET user_id = $2, email = NULL, status = 1, updated_at = $3 \
                 WHERE id = $1 AND status = 0",
            )
            .bind(member_id)
            .bind(user_id)
            .bind(now_ms)
            .execute(pool)
            .await
            .map_err(conflict_or)?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Gives an accepted member the wrapped organization key, if still accepted.
    pub async fn confirm_member(
        &self,
        member_id: &str,
        key: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE organization_users SET key = $2, status = 2, updated_at = $3 WHERE id = $1 AND status = 1")
                .bind(member_id)
                .bind(key)
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    pub async fn update_member_role(
        &self,
        member_id: &str,
        member_type: i32,
        permissions: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE organization_users SET type = $2, permissions = $3, updated_at = $4 WHERE id = $1")
                .bind(member_id)
                .bind(member_type)
                .bind(permissions)
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// How many confirmed owners an organization has (the last one may not leave).
    pub async fn confirmed_owner_count(&self, organization_id: &str) -> Result<i64, StoreError> {
        let count = on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM organization_users WHERE organization_id = $1 AND type = 0 AND status = 2",
            )
            .bind(organization_id)
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }
}
