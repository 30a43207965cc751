//! Opening a store: connection settings per backend, then the embedded migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use kinwarden_config::DatabaseConfig;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Pool, Store, StoreError, on_pool};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

impl Store {
    /// Connects, creating the SQLite file when it is missing, and brings the schema up to date.
    pub async fn open(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let store = match config {
            DatabaseConfig::Sqlite { path } => Self::open_sqlite(path).await?,
            DatabaseConfig::Postgres { url } => Self::open_postgres(url.expose()).await?,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::File {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let options = sqlite_options(path).create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self::with_pool(Pool::Sqlite(pool)))
    }

    async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self::with_pool(Pool::Postgres(pool)))
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The newest migration applied.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let version: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await?
        });
        Ok(version.unwrap_or(0))
    }

    /// Writes a consistent copy of a SQLite database to `dest` while it stays in use
    /// (`VACUUM INTO`). PostgreSQL is backed up with `pg_dump` instead.
    pub async fn sqlite_snapshot(&self, dest: &Path) -> Result<(), StoreError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(StoreError::Unsupported(
                "a snapshot file is made only for SQLite; use pg_dump for PostgreSQL",
            ));
        };
        let dest = dest.to_str().ok_or(StoreError::Unsupported(
            "the snapshot path must be valid UTF-8",
        ))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Waits for the connections to close; for an orderly shutdown.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}

/// The settings of every connection to a SQLite database (the benchmark's raw floor uses them
/// too, so its figures compare like with like).
///
/// WAL lets readers run beside the one writer and makes online backups consistent;
/// synchronous=NORMAL is durable across process crashes in WAL mode.
///
/// The page cache: a sync batch writes 1,000 rows with their indexes (and as many queued offers)
/// in one transaction, and with a small cache its dirty pages spilled to the WAL mid-transaction
/// and were read back, most of a sync's time (SPEC §10). `cache_spill=OFF` keeps a transaction's
/// dirty pages in memory however many there are; once committed they are clean and the cache
/// shrinks back to `cache_size`. That stays small (1 MiB per connection, half SQLite's own
/// default), because every pooled connection keeps its own and the pool hands its idle
/// connections out in turn, so each warms with the same pages: at 32 MiB each, the connections
/// that served a few syncs of a 5,000-item vault held a copy of the database apiece, at 2 MiB
/// the caches were still most of the memory left after 20 syncs (SPEC §10). Reads past the
/// cache come from the operating system's file cache; a sync read no slower against its floor.
pub fn sqlite_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", SQLITE_CACHE_KIB)
        .pragma("cache_spill", "OFF")
}

/// `cache_size` in KiB (SQLite reads a negative number as KiB).
const SQLITE_CACHE_KIB: &str = "-1024";
