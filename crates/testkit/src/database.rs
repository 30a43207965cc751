//! Throw-away databases for tests.

use kinwarden_config::{DatabaseConfig, Secret};
use sqlx::{Connection, Executor, PgConnection};
use url::Url;

/// The variable naming a PostgreSQL server for tests, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const POSTGRES_ENV: &str = "KINWARDEN_TEST_POSTGRES";

#[derive(Debug, Clone)]
pub enum TestBackend {
    Sqlite,
    Postgres(String),
}

impl TestBackend {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// The backends every storage and end-to-end test runs on: SQLite always, PostgreSQL when
/// `KINWARDEN_TEST_POSTGRES` is set.
pub fn backends() -> Vec<TestBackend> {
    let mut all = vec![TestBackend::Sqlite];
    if let Ok(url) = std::env::var(POSTGRES_ENV)
        && !url.trim().is_empty()
    {
        all.push(TestBackend::Postgres(url));
    }
    all
}

/// A database made for one test on the PostgreSQL server, dropped when this value is.
pub struct ScratchPostgres {
    admin_url: String,
    name: String,
    url: String,
}

impl ScratchPostgres {
    pub async fn create(admin_url: &str) -> anyhow::Result<Self> {
        let name = format!("kw_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(admin_url).await?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        conn.close().await?;
        let mut url = Url::parse(admin_url)?;
        url.set_path(&name);
        Ok(Self {
            admin_url: admin_url.to_string(),
            name,
            url: url.to_string(),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn config(&self) -> DatabaseConfig {
        DatabaseConfig::Postgres {
            url: Secret::new(self.url.clone()),
        }
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop may run inside a runtime, which cannot be blocked on: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&admin_url).await {
                    let _ = conn.execute(statement.as_str()).await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}
