//! The sponsorship sync's hot path in bulk (SPEC §10, ARCHITECTURE "Protocol cost"): each kind of
//! write of a batch is one statement, its rows passed as one JSON array (SQLite `json_each`,
//! PostgreSQL `jsonb_to_recordset`), and a sync with nothing changed writes only the
//! organization's sync stamp (migration 0012) instead of every row's date.

use kinwarden_core::ids::{OrganizationId, OrganizationUserId, SponsorshipId};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_mail::DraftMail;
use serde_json::{Value, json};

use crate::error::conflict_or;
use crate::sponsorships::COLUMNS;
use crate::{Backend, SponsorshipRecord, Store, StoreError, on_pool};

/// A self-hosted row's new sync state, as the cloud answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedState {
    pub id: SponsorshipId,
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
    pub to_delete: bool,
}

fn row_json(row: &SponsorshipRecord) -> Value {
    json!({
        "id": row.id,
        "sponsoring_organization_id": row.sponsoring_organization_id,
        "sponsoring_organization_user_id": row.sponsoring_organization_user_id,
        "sponsored_organization_id": row.sponsored_organization_id,
        "friendly_name": row.friendly_name,
        "offered_to_email": row.offered_to_email,
        "plan_sponsorship_type": row.plan_sponsorship_type.map(PlanSponsorshipType::code),
        "to_delete": row.to_delete,
        "last_sync_date": row.last_sync_date,
        "valid_until": row.valid_until,
        "is_admin_initiated": row.is_admin_initiated,
        "notes": row.notes,
    })
}

/// The statements of one backend.
pub(crate) struct BulkSql {
    /// `$1`: JSON array of rows. Inserts new rows; a known row takes only what a sync changes.
    pub upsert_rows: &'static str,
    /// `$1`: JSON array of ids, `$2`: organization.
    pub delete_rows_of_org: &'static str,
    /// `$1`: JSON array of ids.
    pub delete_rows: &'static str,
    /// `$1`: JSON array of `{id, last_sync_date, valid_until, to_delete}`.
    pub update_states: &'static str,
    /// `$1`: JSON array of messages, each with the time it is due (and counted as queued).
    pub queue_mails: &'static str,
    /// `$1`: organization, `$2`: sync time; the later stamp wins.
    pub stamp: &'static str,
}

const SQLITE: BulkSql = BulkSql {
    upsert_rows: "INSERT INTO organization_sponsorships (id, sponsoring_organization_id, \
        sponsoring_organization_user_id, sponsored_organization_id, friendly_name, offered_to_email, \
        plan_sponsorship_type, to_delete, last_sync_date, valid_until, is_admin_initiated, notes) \
        SELECT value ->> 'id', value ->> 'sponsoring_organization_id', \
        value ->> 'sponsoring_organization_user_id', value ->> 'sponsored_organization_id', \
        value ->> 'friendly_name', value ->> 'offered_to_email', value ->> 'plan_sponsorship_type', \
        value ->> 'to_delete', value ->> 'last_sync_date', value ->> 'valid_until', \
        value ->> 'is_admin_initiated', value ->> 'notes' \
        FROM json_each($1) WHERE TRUE \
        ON CONFLICT (id) DO UPDATE SET to_delete = excluded.to_delete, \
        last_sync_date = excluded.last_sync_date",
    // `+` keeps SQLite from choosing the organization index over the primary key.
    delete_rows_of_org: "DELETE FROM organization_sponsorships \
        WHERE id IN (SELECT value FROM json_each($1)) AND +sponsoring_organization_id = $2",
    delete_rows: "DELETE FROM organization_sponsorships WHERE id IN (SELECT value FROM json_each($1))",
    // One indexed UPDATE per element: the rows are found by primary key.
    update_states: "UPDATE organization_sponsorships SET \
        last_sync_date = u.value ->> 'last_sync_date', valid_until = u.value ->> 'valid_until', \
        to_delete = u.value ->> 'to_delete' \
        FROM json_each($1) AS u WHERE organization_sponsorships.id = u.value ->> 'id'",
    queue_mails: "INSERT INTO mail_outbox \
        (id, message_id, recipient, subject, body_text, body_html, draft, created_at, attempts, \
        next_attempt_at, kind, organization_id) \
        SELECT value ->> 'id', value ->> 'message_id', value ->> 'recipient', '', '', '', \
        value ->> 'draft', value ->> 'due', 0, value ->> 'due', value ->> 'kind', \
        value ->> 'organization_id' \
        FROM json_each($1)",
    stamp: "INSERT INTO sponsorship_sync_stamps (organization_id, synced_at) VALUES ($1, $2) \
        ON CONFLICT (organization_id) DO UPDATE SET synced_at = MAX(synced_at, excluded.synced_at)",
};

const POSTGRES: BulkSql = BulkSql {
    upsert_rows: "INSERT INTO organization_sponsorships (id, sponsoring_organization_id, \
        sponsoring_organization_user_id, sponsored_organization_id, friendly_name, offered_to_email, \
        plan_sponsorship_type, to_delete, last_sync_date, valid_until, is_admin_initiated, notes) \
        SELECT id, sponsoring_organization_id, sponsoring_organization_user_id, \
        sponsored_organization_id, friendly_name, offered_to_email, plan_sponsorship_type, to_delete, \
        last_sync_date, valid_until, is_admin_initiated, notes \
        FROM jsonb_to_recordset($1::jsonb) AS r(id text, sponsoring_organization_id text, \
        sponsoring_organization_user_id text, sponsored_organization_id text, friendly_name text, \
        offered_to_email text, plan_sponsorship_type integer, to_delete boolean, \
        last_sync_date bigint, valid_until bigint, is_admin_initiated boolean, notes text) \
        ON CONFLICT (id) DO UPDATE SET to_delete = excluded.to_delete, \
        last_sync_date = excluded.last_sync_date",
    delete_rows_of_org: "DELETE FROM organization_sponsorships \
        WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND sponsoring_organization_id = $2",
    delete_rows: "DELETE FROM organization_sponsorships \
        WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))",
    update_states: "UPDATE organization_sponsorships AS s SET last_sync_date = u.last_sync_date, \
        valid_until = u.valid_until, to_delete = u.to_delete \
        FROM jsonb_to_recordset($1::jsonb) AS u(id text, last_sync_date bigint, valid_until bigint, \
        to_delete boolean) WHERE s.id = u.id",
    queue_mails: "INSERT INTO mail_outbox \
        (id, message_id, recipient, subject, body_text, body_html, draft, created_at, attempts, \
        next_attempt_at, kind, organization_id) \
        SELECT id, message_id, recipient, '', '', '', draft, due, 0, due, kind, organization_id \
        FROM jsonb_to_recordset($1::jsonb) AS m(id text, message_id text, recipient text, \
        draft text, kind text, organization_id text, due bigint)",
    stamp: "INSERT INTO sponsorship_sync_stamps (organization_id, synced_at) VALUES ($1, $2) \
        ON CONFLICT (organization_id) DO UPDATE \
        SET synced_at = GREATEST(sponsorship_sync_stamps.synced_at, excluded.synced_at)",
};

pub(crate) fn bulk_sql(backend: Backend) -> &'static BulkSql {
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    }
}

/// A statement that answers the sponsorship rows of `select` (which yields the columns of
/// `COLUMNS`) as one JSON array made by the database, each row an array of its columns in the
/// order of [`SponsorshipRecord`]'s fields (serde reads a struct from such an array). A sync reads
/// a whole batch's rows, or a whole organization's: row by row, the driver hands each row across
/// threads with its own allocations, which was most of a sync's read time; rows as objects
/// repeated every column's name, a third of the text (SPEC §10).
pub(crate) fn rows_as_json(backend: Backend, select: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "SELECT json_group_array(json_array(id, sponsoring_organization_id, \
             sponsoring_organization_user_id, sponsored_organization_id, friendly_name, \
             offered_to_email, plan_sponsorship_type, to_delete, last_sync_date, valid_until, \
             is_admin_initiated, notes)) FROM ({select})"
        ),
        Backend::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array(id, sponsoring_organization_id, \
             sponsoring_organization_user_id, sponsored_organization_id, friendly_name, \
             offered_to_email, plan_sponsorship_type, to_delete, last_sync_date, valid_until, \
             is_admin_initiated, notes)), '[]')::text FROM ({select}) AS r"
        ),
    }
}

/// A flag of a [`rows_as_json`] row: PostgreSQL writes a boolean, SQLite the 0 or 1 it stores.
/// Turning SQLite's integers into JSON booleans in the statement (`json(iif(…))`) parsed a
/// little JSON document per flag per row, a third of the cost of reading a batch's rows.
pub(crate) fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a boolean, 0 or 1")
        }

        fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<bool, E> {
            match value {
                0 => Ok(false),
                1 => Ok(true),
                other => Err(E::invalid_value(
                    serde::de::Unexpected::Unsigned(other),
                    &self,
                )),
            }
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<bool, E> {
            u64::try_from(value)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(value), &self))
                .and_then(|value| self.visit_u64(value))
        }
    }
    deserializer.deserialize_any(Flag)
}

/// A numbered enum of a [`rows_as_json`] row, or null.
pub(crate) fn code<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i32>,
    T::Error: std::fmt::Display,
{
    let code: Option<i32> = serde::Deserialize::deserialize(deserializer)?;
    code.map(T::try_from)
        .transpose()
        .map_err(serde::de::Error::custom)
}

/// The rows of a [`rows_as_json`] statement, by id (oldest first: ids are time-ordered). They
/// are sorted here, not by the aggregate's `ORDER BY`: SQLite would sort the built JSON objects,
/// moving every row's whole text through a temporary B-tree.
pub(crate) fn records_from_json(text: &str) -> Result<Vec<SponsorshipRecord>, StoreError> {
    let mut rows: Vec<SponsorshipRecord> = serde_json::from_str(text)
        .map_err(|err| StoreError::Database(sqlx::Error::Decode(Box::new(err))))?;
    rows.sort_unstable_by_key(|row| row.id);
    Ok(rows)
}

/// The JSON arrays the statements take.
pub(crate) fn rows_json(rows: &[SponsorshipRecord]) -> String {
    Value::Array(rows.iter().map(row_json).collect()).to_string()
}

pub(crate) fn ids_json<Id: serde::Serialize>(ids: &[Id]) -> String {
    json!(ids).to_string()
}

/// Messages with fresh row ids and Message-IDs, as [`crate::outbox`] queues them one by one,
/// each due at `now_ms` or, when held, when the hold lets it go (and counted as queued then, so
/// it counts against the organization's allowance of that day).
pub(crate) fn drafts_json(mails: &[DraftMail], now_ms: i64, held: crate::OfferHold) -> String {
    Value::Array(
        mails
            .iter()
            .enumerate()
            .map(|(index, mail)| {
                let id = crate::outbox::new_row_id();
                json!({
                    "id": id.to_string(),
                    "message_id": mail.message_id(&id),
                    "recipient": mail.to,
                    "draft": mail.draft.to_json(),
                    "kind": mail.kind().name(),
                    "organization_id": mail.organization.map(|id| id.to_string()),
                    "due": held.due(index, now_ms),
                })
            })
            .collect(),
    )
    .to_string()
}

impl Store {
    /// On SQLite, the turn of one sync batch's write transaction. SQLite has one writer; left to
    /// its busy handler, 32 installations' batches retry in sleeps, unfairly, and the unlucky
    /// ones run out of `busy_timeout` (a 500). In line here, each waits its turn without
    /// polling (SPEC §10 "32 concurrent installations"). PostgreSQL writes concurrently.
    pub(crate) async fn sync_writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend() {
            Backend::Sqlite => Some(self.sync_writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// The organization's rows of these members, as the sync dates make them: all a cloud sync
    /// batch can touch (reference §4.2 keys the organization's rows by member), without reading
    /// the organization's other rows for every batch.
    pub async fn sponsorships_of_members(
        &self,
        organization_id: OrganizationId,
        member_ids: &[OrganizationUserId],
    ) -> Result<Vec<SponsorshipRecord>, StoreError> {
        if member_ids.is_empty() {
            return Ok(Vec::new());
        }
        // `+` keeps SQLite from choosing the organization index over the member ones.
        let (members, org) = match self.backend() {
            Backend::Sqlite => (
                "SELECT value FROM json_each($2)",
                "+sponsoring_organization_id",
            ),
            Backend::Postgres => (
                "SELECT jsonb_array_elements_text($2::jsonb)",
                "sponsoring_organization_id",
            ),
        };
        // Each half matches a partial index on the member id: a member's own row, and the
        // (rare) admin-initiated ones.
        let select = format!(
            "SELECT {COLUMNS} FROM sponsorships_as_synced \
             WHERE sponsoring_organization_user_id IN ({members}) AND NOT is_admin_initiated \
             AND {org} = $1 \
             UNION ALL \
             SELECT {COLUMNS} FROM sponsorships_as_synced \
             WHERE sponsoring_organization_user_id IN ({members}) AND is_admin_initiated \
             AND {org} = $1"
        );
        let sql = rows_as_json(self.backend(), &select);
        let members = ids_json(member_ids);
        // Planned at each execution, not once per connection: PostgreSQL's cached plan, made
        // while the organization had few rows (the first batches of its first sync), scanned
        // all of its rows for every later batch: 30 ms a batch instead of 6 at 100,000 rows.
        let rows: String = on_pool!(self, pool => {
            sqlx::query_scalar(&sql)
                .bind(organization_id.to_string())
                .bind(&members)
                .persistent(false)
                .fetch_one(pool)
                .await?
        });
        records_from_json(&rows)
    }

    /// Self-hosted: applies one answered sync batch in one transaction: deletes what the cloud
    /// removed, records the new sync state of the rows that changed, and, when given, the
    /// batch's skip reasons.
    pub async fn apply_sync_batch(
        &self,
        delete: &[SponsorshipId],
        update: &[SyncedState],
        skips: Option<&crate::sync_skips::BatchSkips<'_>>,
    ) -> Result<(), StoreError> {
        if delete.is_empty() && update.is_empty() && skips.is_none() {
            return Ok(());
        }
        let forget = crate::sync_skips::forget_sql(self.backend());
        let sql = bulk_sql(self.backend());
        let deletes = ids_json(delete);
        let updates = Value::Array(
            update
                .iter()
                .map(|u| {
                    json!({"id": u.id, "last_sync_date": u.last_sync_date,
                           "valid_until": u.valid_until, "to_delete": u.to_delete})
                })
                .collect(),
        )
        .to_string();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if !delete.is_empty() {
                sqlx::query(sql.delete_rows).bind(&deletes).execute(&mut *tx).await?;
            }
            if !update.is_empty() {
                sqlx::query(sql.update_states).bind(&updates).execute(&mut *tx).await?;
            }
            if let Some(skips) = skips {
                crate::sync_skips::write_skips!(tx, forget, skips);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records that every row of the organization that had synced before was synced again at
    /// `synced_at` (a later stamp is kept). The rows read through `sponsorships_as_synced`
    /// then carry that date without being rewritten.
    pub async fn stamp_sponsorship_sync(
        &self,
        organization_id: OrganizationId,
        synced_at: i64,
    ) -> Result<(), StoreError> {
        let sql = bulk_sql(self.backend()).stamp;
        on_pool!(self, pool => {
            sqlx::query(sql)
                .bind(organization_id.to_string())
                .bind(synced_at)
                .execute(pool)
                .await
                .map_err(conflict_or)?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::records_from_json;

    #[test]
    fn rows_read_with_flags_as_booleans_or_integers_and_sorted_by_id() {
        const A: &str = "0190a000-0000-7000-8000-00000000000a";
        const B: &str = "0190a000-0000-7000-8000-00000000000b";
        const O: &str = "0190a000-0000-7000-8000-0000000000f0";
        const M: &str = "0190a000-0000-7000-8000-0000000000e0";
        let text = format!(
            r#"[["{B}","{O}","{M}",null,"n","e",0,1,5,null,0,null],
                ["{A}","{O}","{M}",null,null,null,null,false,null,7,true,"x"]]"#
        );
        let rows = records_from_json(&text).expect("rows");
        assert_eq!(rows[0].id.to_string(), A);
        assert!(!rows[0].to_delete && rows[0].is_admin_initiated);
        assert!(rows[1].to_delete && !rows[1].is_admin_initiated);
        assert_eq!(rows[1].last_sync_date, Some(5));
        assert!(
            records_from_json(&format!(
                r#"[["{A}","{O}","{M}",null,null,null,null,2,null,null,0,null]]"#
            ))
            .is_err()
        );
    }
}
