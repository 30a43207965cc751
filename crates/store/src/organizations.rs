//! Organizations and their members.

use kinwarden_core::ids::{OrganizationId, OrganizationUserId, SponsorshipId, UserId};
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::terms::Terms;
use kinwarden_mail::Mail;

use crate::billing::{SubscriptionPeriodRecord, insert_period};
use crate::error::conflict_or;
use crate::member_access::{GroupTouches, MemberAccessChange, write_member_access};
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
        .bind($member.id.to_string())
        .bind($member.organization_id.to_string())
        .bind($member.user_id.map(|id| id.to_string()))
        .bind(&$member.email)
        .bind(&$member.key)
        .bind($member.status.code())
        .bind($member.member_type.code())
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
    #[sqlx(try_from = "String")]
    pub id: OrganizationId,
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
    /// On a self-hosted server, what the license lets the organization use (SPEC §12); none on
    /// a cloud, where the plan decides.
    #[sqlx(try_from = "crate::column::NullableText")]
    pub license_terms: Option<Terms>,
    pub revision_date: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRecord {
    #[sqlx(try_from = "String")]
    pub id: OrganizationUserId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
    #[sqlx(try_from = "crate::column::NullableText")]
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub key: Option<String>,
    #[sqlx(try_from = "i32")]
    pub status: MemberStatus,
    #[sqlx(rename = "type", try_from = "i32")]
    pub member_type: MemberType,
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
    /// The flags, storage, premium and display dates (SPEC §12).
    pub terms: Terms,
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
    #[sqlx(try_from = "crate::column::NullableText")]
    pub sp_id: Option<SponsorshipId>,
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
    pub org_limit_collection_creation: bool,
    pub org_limit_collection_deletion: bool,
    pub org_limit_item_deletion: bool,
    pub org_allow_admin_access_to_all_collection_items: bool,
    /// See [`OrganizationRecord::license_terms`].
    #[sqlx(try_from = "crate::column::NullableText")]
    pub org_license_terms: Option<Terms>,
}

const ORG_COLUMNS: &str = "id, name, billing_email, plan_type, seats, max_collections, enabled, \
    expiration_date, public_key, private_key, license_key, license_terms, revision_date, created_at, \
    updated_at";
const MEMBER_COLUMNS: &str = "ou.id, ou.organization_id, ou.user_id, ou.email, ou.key, ou.status, ou.type, \
    ou.permissions, ou.access_secrets_manager, ou.created_at, ou.updated_at";

impl Store {
    /// Creates an organization with its first member (the owner), on a cloud the first period
    /// of its billing ledger, and the first collection when one is named (managed by the owner),
    /// in one transaction. A self-hosted organization has no ledger: its license carries its
    /// dates.
    pub async fn create_organization(
        &self,
        org: &OrganizationRecord,
        owner: &MemberRecord,
        first_period: Option<&SubscriptionPeriodRecord>,
        first_collection: Option<&crate::CollectionRecord>,
    ) -> Result<(), StoreError> {
        let org_sql = format!(
            "INSERT INTO organizations ({ORG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&org_sql)
                .bind(org.id.to_string())
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
                .bind(org.license_terms.as_ref().map(Terms::to_json))
                .bind(org.revision_date)
                .bind(org.created_at)
                .bind(org.updated_at)
                .execute(&mut *tx)
                .await?;
            insert_member!(&mut *tx, owner);
            if let Some(first_period) = first_period {
                insert_period!(&mut *tx, first_period);
            }
            if let Some(collection) = first_collection {
                crate::vault::insert_collection!(&mut *tx, collection);
                crate::vault::upsert_collection_user!(
                    &mut *tx,
                    collection.id,
                    owner.id,
                    kinwarden_core::vault::collections::Access::MANAGE
                );
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Whether an enabled organization other than `except` holds this license key.
    pub async fn license_key_in_use(
        &self,
        license_key: &str,
        except: Option<OrganizationId>,
    ) -> Result<bool, StoreError> {
        let count = on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM organizations WHERE license_key = $1 AND enabled AND id <> $2",
            )
            .bind(license_key)
            .bind(except.map(|id| id.to_string()).unwrap_or_default())
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// Copies a license's terms onto a self-hosted organization (reference §6.1 step 6, SPEC
    /// §12): one statement, so the organization never holds half of one license and half of
    /// another.
    pub async fn apply_license_terms(
        &self,
        org_id: OrganizationId,
        terms: &LicenseTerms,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE organizations SET name = $2, billing_email = $3, plan_type = $4, seats = $5, \
                 max_collections = $6, enabled = $7, expiration_date = $8, license_key = $9, \
                 license_terms = $11, revision_date = $10, updated_at = $10 WHERE id = $1",
            )
            .bind(org_id.to_string())
            .bind(&terms.name)
            .bind(&terms.billing_email)
            .bind(terms.plan_type)
            .bind(terms.seats)
            .bind(terms.max_collections)
            .bind(terms.enabled)
            .bind(terms.expiration_date)
            .bind(&terms.license_key)
            .bind(now_ms)
            .bind(terms.terms.to_json())
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
        org_id: OrganizationId,
        expiration_ms: i64,
        mail: &Mail,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE organizations SET enabled = $2, expiration_date = $3, revision_date = $4, updated_at = $4 WHERE id = $1",
            )
            .bind(org_id.to_string())
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
    pub async fn owner_emails(&self) -> Result<Vec<(OrganizationId, String)>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, (String, String)>(
                "SELECT ou.organization_id, COALESCE(u.email, ou.email) FROM organization_users ou \
                 LEFT JOIN users u ON u.id = ou.user_id \
                 WHERE ou.type = $1 AND COALESCE(u.email, ou.email) IS NOT NULL \
                 ORDER BY ou.organization_id, 2",
            )
            .bind(MemberType::Owner.code())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(org, email)| Ok((crate::column::typed(org)?, email)))
            .collect()
    }

    /// Every organization, by name.
    pub async fn all_organizations(&self) -> Result<Vec<OrganizationRecord>, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations ORDER BY name, id");
        let orgs = on_pool!(self, pool => {
            sqlx::query_as::<_, OrganizationRecord>(&sql).fetch_all(pool).await?
        });
        Ok(orgs)
    }

    pub async fn organization(
        &self,
        id: OrganizationId,
    ) -> Result<Option<OrganizationRecord>, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1");
        let org = on_pool!(self, pool => {
            sqlx::query_as::<_, OrganizationRecord>(&sql).bind(id.to_string()).fetch_optional(pool).await?
        });
        Ok(org)
    }

    /// Every organization in which the user's membership has the given status code, with the
    /// membership and the member's own sponsorship. The join leaves out admin-initiated rows,
    /// which may be many per member, so each organization is listed once (the reference lists
    /// it once per joined row).
    pub async fn memberships_of_user(
        &self,
        user_id: UserId,
        status: MemberStatus,
    ) -> Result<Vec<Membership>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, o.name AS org_name, o.plan_type AS org_plan_type, o.seats AS org_seats, \
             o.max_collections AS org_max_collections, o.enabled AS org_enabled, \
             (o.public_key IS NOT NULL AND o.private_key IS NOT NULL) AS org_has_keys, \
             o.limit_collection_creation AS org_limit_collection_creation, \
             o.limit_collection_deletion AS org_limit_collection_deletion, \
             o.limit_item_deletion AS org_limit_item_deletion, \
             o.allow_admin_access_to_all_collection_items AS org_allow_admin_access_to_all_collection_items, \
             o.license_terms AS org_license_terms, \
             s.id AS sp_id, s.friendly_name AS sp_friendly_name, s.last_sync_date AS sp_last_sync_date, \
             s.valid_until AS sp_valid_until, s.to_delete AS sp_to_delete, \
             CASE WHEN s.id IS NULL THEN NULL ELSE k.reason END AS sp_skipped_reason \
             FROM organization_users ou JOIN organizations o ON o.id = ou.organization_id \
             LEFT JOIN sponsorships_as_synced s \
             ON s.sponsoring_organization_user_id = ou.id \
             AND s.sponsoring_organization_id = ou.organization_id AND NOT s.is_admin_initiated \
             LEFT JOIN sponsorship_sync_skips k ON k.sponsoring_organization_user_id = ou.id \
             WHERE ou.user_id = $1 AND ou.status = $2 ORDER BY o.name"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, Membership>(&sql).bind(user_id.to_string()).bind(status.code()).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// The membership of a user in an organization, if any.
    pub async fn membership(
        &self,
        organization_id: OrganizationId,
        user_id: UserId,
    ) -> Result<Option<MemberRecord>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM organization_users ou WHERE ou.organization_id = $1 AND ou.user_id = $2"
        );
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, MemberRecord>(&sql).bind(organization_id.to_string()).bind(user_id.to_string()).fetch_optional(pool).await?
        });
        Ok(row)
    }

    pub async fn member(
        &self,
        organization_id: OrganizationId,
        member_id: OrganizationUserId,
    ) -> Result<Option<MemberDetails>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, u.email AS user_email, u.name AS user_name \
             FROM organization_users ou LEFT JOIN users u ON u.id = ou.user_id \
             WHERE ou.organization_id = $1 AND ou.id = $2"
        );
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, MemberDetails>(&sql).bind(organization_id.to_string()).bind(member_id.to_string()).fetch_optional(pool).await?
        });
        Ok(row)
    }

    pub async fn members(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Vec<MemberDetails>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, u.email AS user_email, u.name AS user_name \
             FROM organization_users ou LEFT JOIN users u ON u.id = ou.user_id \
             WHERE ou.organization_id = $1 ORDER BY COALESCE(u.email, ou.email)"
        );
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, MemberDetails>(&sql).bind(organization_id.to_string()).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Adds invited members of organization `org` with their invitation mails and the access
    /// each is given, all or none; [`StoreError::Conflict`] when one is already there.
    pub async fn invite_members(
        &self,
        org: OrganizationId,
        invited: &[(MemberRecord, Mail)],
        access: &MemberAccessChange,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let touches = GroupTouches::for_backend(self.backend());
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (member, mail) in invited {
                insert_member!(&mut *tx, member);
                crate::outbox::queue_in(&mut *tx, mail, now_ms).await?;
                if !access.gives_nothing() {
                    write_member_access!(tx, touches, org, member.id, access, now_ms);
                }
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
        member_id: OrganizationUserId,
        user_id: UserId,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE organization_users SET user_id = $2, email = NULL, status = $4, updated_at = $3 \
                 WHERE id = $1 AND status = $5",
            )
            .bind(member_id.to_string())
            .bind(user_id.to_string())
            .bind(now_ms)
            .bind(MemberStatus::Accepted.code())
            .bind(MemberStatus::Invited.code())
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
        member_id: OrganizationUserId,
        key: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query("UPDATE organization_users SET key = $2, status = $4, updated_at = $3 WHERE id = $1 AND status = $5")
                .bind(member_id.to_string())
                .bind(key)
                .bind(now_ms)
                .bind(MemberStatus::Confirmed.code())
                .bind(MemberStatus::Accepted.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            // The member now reaches the organization's collections.
            crate::vault::bump_member!(&mut *tx, member_id, now_ms);
            tx.commit().await?;
            changed
        });
        Ok(changed == 1)
    }

    /// Changes the role (and a custom member's permissions) of organization `org`'s member,
    /// with the access the change gives them, in one transaction.
    pub async fn update_member_role(
        &self,
        org: OrganizationId,
        member_id: OrganizationUserId,
        member_type: MemberType,
        permissions: Option<&str>,
        access: &MemberAccessChange,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let touches = GroupTouches::for_backend(self.backend());
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query("UPDATE organization_users SET type = $2, permissions = $3, updated_at = $4 WHERE id = $1 AND organization_id = $5")
                .bind(member_id.to_string())
                .bind(member_type.code())
                .bind(permissions)
                .bind(now_ms)
                .bind(org.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 1 {
                write_member_access!(tx, touches, org, member_id, access, now_ms);
            }
            // A new role may reach other items (admins, custom permissions).
            crate::vault::bump_member!(&mut *tx, member_id, now_ms);
            tx.commit().await?;
            changed
        });
        Ok(changed == 1)
    }

    /// How many confirmed owners an organization has (the last one may not leave).
    pub async fn confirmed_owner_count(
        &self,
        organization_id: OrganizationId,
    ) -> Result<i64, StoreError> {
        let count = on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM organization_users WHERE organization_id = $1 AND type = $2 AND status = $3",
            )
            .bind(organization_id.to_string())
            .bind(MemberType::Owner.code())
            .bind(MemberStatus::Confirmed.code())
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }
}
