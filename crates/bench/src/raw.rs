//! Raw writes of sponsorship rows, straight through the database driver, with the server's
//! schema and connection settings: the floors the server's figures are measured against, and the
//! bulk seeding of a self-hosted server's rows.

use std::str::FromStr;

use kinwarden_config::DatabaseConfig;
use kinwarden_mail::DraftMail;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};

/// Rows per transaction, as the sync's batches.
pub const CHUNK: usize = 1000;

/// One sponsorship row as the benchmark writes it.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub organization_id: String,
    pub member_id: String,
    pub friendly_name: String,
    pub email: String,
    pub last_sync_date: Option<i64>,
}

/// The offer e-mail the cloud queues for `row`: a draft, rendered at delivery.
pub fn offer_draft(row: &Row) -> DraftMail {
    DraftMail::sponsorship_offer(
        row.organization_id.parse().ok(),
        &row.id,
        "Acme Corp",
        &row.email,
        0,
        "vault.example.test",
    )
}

/// `n` fresh offers of one organization, with ids made as the server makes them.
pub fn offers(organization_id: &str, n: usize, tag: &str) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            id: uuid::Uuid::now_v7().to_string(),
            organization_id: organization_id.to_string(),
            member_id: uuid::Uuid::now_v7().to_string(),
            friendly_name: format!("Family {tag} {i}"),
            email: format!("family-{tag}-{i}@example.test"),
            last_sync_date: None,
        })
        .collect()
}

pub enum RawDb {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

const INSERT_SQLITE: &str = "INSERT INTO organization_sponsorships \
    (id, sponsoring_organization_id, sponsoring_organization_user_id, friendly_name, \
     offered_to_email, plan_sponsorship_type, to_delete, last_sync_date, is_admin_initiated) \
     VALUES ($1, $2, $3, $4, $5, 0, FALSE, $6, FALSE)";

const UPSERT_SQLITE: &str = "INSERT INTO organization_sponsorships \
    (id, sponsoring_organization_id, sponsoring_organization_user_id, friendly_name, \
     offered_to_email, plan_sponsorship_type, to_delete, last_sync_date, is_admin_initiated) \
     VALUES ($1, $2, $3, $4, $5, 0, FALSE, $6, FALSE) \
     ON CONFLICT (id) DO UPDATE SET to_delete = excluded.to_delete, \
     last_sync_date = excluded.last_sync_date";

const MAIL_SQLITE: &str = "INSERT INTO mail_outbox (id, message_id, recipient, subject, \
    body_text, body_html, draft, created_at, attempts, next_attempt_at, kind, organization_id) \
    VALUES ($1, $2, $3, '', '', '', $4, $5, 0, $5, 'sponsorship-offer', $6)";

const MAIL_PG: &str = "INSERT INTO mail_outbox (id, message_id, recipient, subject, body_text, \
    body_html, draft, created_at, attempts, next_attempt_at, kind, organization_id) \
    SELECT u.id, u.mid, u.rcpt, '', '', '', u.draft, $5, 0, $5, 'sponsorship-offer', $6 \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, mid, rcpt, draft)";

const UPDATE_SQLITE: &str = "UPDATE organization_sponsorships \
    SET last_sync_date = $2, valid_until = $3, to_delete = $4 WHERE id = $1";

const INSERT_PG: &str = "INSERT INTO organization_sponsorships \
    (id, sponsoring_organization_id, sponsoring_organization_user_id, friendly_name, \
     offered_to_email, plan_sponsorship_type, to_delete, last_sync_date, is_admin_initiated) \
     SELECT u.id, u.org, u.member, u.name, u.email, 0, FALSE, u.last, FALSE \
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) \
     AS u(id, org, member, name, email, last)";

const UPDATE_PG: &str = "UPDATE organization_sponsorships AS s \
    SET last_sync_date = u.last, valid_until = NULL, to_delete = FALSE \
    FROM unnest($1::text[], $2::bigint[]) AS u(id, last) WHERE s.id = u.id";

impl RawDb {
    /// A pool on the server's database with the server's settings (`crates/store/src/open.rs`).
    pub async fn open(config: &DatabaseConfig) -> anyhow::Result<Self> {
        Ok(match config {
            DatabaseConfig::Sqlite { path } => {
                let options = kinwarden_store::sqlite_options(path);
                Self::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(8)
                        .connect_with(options)
                        .await?,
                )
            }
            DatabaseConfig::Postgres { url } => Self::Postgres(
                PgPoolOptions::new()
                    .max_connections(33)
                    .connect_with(PgConnectOptions::from_str(url.expose())?)
                    .await?,
            ),
        })
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }

    /// An organization for the floor's rows to belong to.
    pub async fn insert_organization(&self, id: &str) -> anyhow::Result<()> {
        let sql = "INSERT INTO organizations (id, name, billing_email, plan_type, enabled, \
                   revision_date, created_at, updated_at) VALUES ($1, 'Floor', 'floor@example.test', 20, TRUE, 0, 0, 0)";
        match self {
            Self::Sqlite(pool) => {
                sqlx::query(sql).bind(id).execute(pool).await?;
            }
            Self::Postgres(pool) => {
                sqlx::query(sql).bind(id).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Inserts the rows in transactions of `CHUNK`: one prepared statement per row on SQLite,
    /// one `unnest` statement per transaction on PostgreSQL.
    pub async fn insert(&self, rows: &[Row]) -> anyhow::Result<()> {
        for chunk in rows.chunks(CHUNK) {
            self.write_chunk(chunk, INSERT_SQLITE, INSERT_PG).await?;
        }
        Ok(())
    }

    /// Inserts the rows and, in the same transactions, one queued offer draft per row: what a
    /// first sync of new offers stores.
    pub async fn insert_with_mails(&self, rows: &[Row]) -> anyhow::Result<()> {
        for chunk in rows.chunks(CHUNK) {
            match self {
                Self::Sqlite(pool) => {
                    let mut tx = pool.begin().await?;
                    for row in chunk {
                        sqlx::query(INSERT_SQLITE)
                            .bind(&row.id)
                            .bind(&row.organization_id)
                            .bind(&row.member_id)
                            .bind(&row.friendly_name)
                            .bind(&row.email)
                            .bind(row.last_sync_date)
                            .execute(&mut *tx)
                            .await?;
                        let offer = offer_draft(row);
                        let id = uuid::Uuid::now_v7();
                        sqlx::query(MAIL_SQLITE)
                            .bind(id.to_string())
                            .bind(offer.message_id(&id))
                            .bind(&row.email)
                            .bind(offer.draft.to_json())
                            .bind(0_i64)
                            .bind(&row.organization_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
                Self::Postgres(pool) => {
                    let column = |f: fn(&Row) -> String| chunk.iter().map(f).collect::<Vec<_>>();
                    let mut tx = pool.begin().await?;
                    sqlx::query(INSERT_PG)
                        .bind(column(|r| r.id.clone()))
                        .bind(column(|r| r.organization_id.clone()))
                        .bind(column(|r| r.member_id.clone()))
                        .bind(column(|r| r.friendly_name.clone()))
                        .bind(column(|r| r.email.clone()))
                        .bind(chunk.iter().map(|r| r.last_sync_date).collect::<Vec<_>>())
                        .execute(&mut *tx)
                        .await?;
                    let ids: Vec<uuid::Uuid> = chunk.iter().map(|_| uuid::Uuid::now_v7()).collect();
                    sqlx::query(MAIL_PG)
                        .bind(ids.iter().map(uuid::Uuid::to_string).collect::<Vec<_>>())
                        .bind(
                            chunk
                                .iter()
                                .zip(&ids)
                                .map(|(r, id)| offer_draft(r).message_id(id))
                                .collect::<Vec<_>>(),
                        )
                        .bind(column(|r| r.email.clone()))
                        .bind(column(|r| offer_draft(r).draft.to_json()))
                        .bind(0_i64)
                        .bind(chunk.first().map(|r| r.organization_id.clone()))
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(())
    }

    /// One transaction that inserts or updates the rows as the cloud's sync does.
    pub async fn upsert_chunk(&self, chunk: &[Row]) -> anyhow::Result<()> {
        let upsert_pg = format!(
            "{INSERT_PG} ON CONFLICT (id) DO UPDATE SET to_delete = excluded.to_delete, \
             last_sync_date = excluded.last_sync_date"
        );
        self.write_chunk(chunk, UPSERT_SQLITE, &upsert_pg).await
    }

    async fn write_chunk(&self, chunk: &[Row], sqlite: &str, pg: &str) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for row in chunk {
                    sqlx::query(sqlite)
                        .bind(&row.id)
                        .bind(&row.organization_id)
                        .bind(&row.member_id)
                        .bind(&row.friendly_name)
                        .bind(&row.email)
                        .bind(row.last_sync_date)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            Self::Postgres(pool) => {
                let column = |f: fn(&Row) -> String| chunk.iter().map(f).collect::<Vec<_>>();
                let mut tx = pool.begin().await?;
                sqlx::query(pg)
                    .bind(column(|r| r.id.clone()))
                    .bind(column(|r| r.organization_id.clone()))
                    .bind(column(|r| r.member_id.clone()))
                    .bind(column(|r| r.friendly_name.clone()))
                    .bind(column(|r| r.email.clone()))
                    .bind(chunk.iter().map(|r| r.last_sync_date).collect::<Vec<_>>())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Sets each row's sync date in transactions of `CHUNK`, as the self-hosted side records the
    /// cloud's answer.
    pub async fn update_synced(&self, rows: &[Row], now: i64) -> anyhow::Result<()> {
        for chunk in rows.chunks(CHUNK) {
            match self {
                Self::Sqlite(pool) => {
                    let mut tx = pool.begin().await?;
                    for row in chunk {
                        sqlx::query(UPDATE_SQLITE)
                            .bind(&row.id)
                            .bind(now)
                            .bind(None::<i64>)
                            .bind(false)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
                Self::Postgres(pool) => {
                    let mut tx = pool.begin().await?;
                    sqlx::query(UPDATE_PG)
                        .bind(chunk.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
                        .bind(vec![now; chunk.len()])
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(())
    }

    /// Rows of an organization.
    pub async fn count(&self, organization_id: &str) -> anyhow::Result<i64> {
        let sql =
            "SELECT COUNT(*) FROM organization_sponsorships WHERE sponsoring_organization_id = $1";
        Ok(match self {
            Self::Sqlite(pool) => {
                sqlx::query_scalar(sql)
                    .bind(organization_id)
                    .fetch_one(pool)
                    .await?
            }
            Self::Postgres(pool) => {
                sqlx::query_scalar(sql)
                    .bind(organization_id)
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    /// Rows of an organization that carry a sync date.
    pub async fn count_synced(&self, organization_id: &str) -> anyhow::Result<i64> {
        let sql = "SELECT COUNT(*) FROM organization_sponsorships \
                   WHERE sponsoring_organization_id = $1 AND last_sync_date IS NOT NULL";
        Ok(match self {
            Self::Sqlite(pool) => {
                sqlx::query_scalar(sql)
                    .bind(organization_id)
                    .fetch_one(pool)
                    .await?
            }
            Self::Postgres(pool) => {
                sqlx::query_scalar(sql)
                    .bind(organization_id)
                    .fetch_one(pool)
                    .await?
            }
        })
    }
}
