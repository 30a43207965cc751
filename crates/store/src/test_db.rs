//! A fresh database for one unit test of the store, on each test backend, kept alive as long as
//! the value (its directory, or its scratch PostgreSQL database).

use kinwarden_config::DatabaseConfig;
use kinwarden_testkit::{ScratchPostgres, TestBackend};

use crate::Store;

pub(crate) struct Fresh {
    pub(crate) store: Store,
    _dir: tempfile::TempDir,
    _pg: Option<ScratchPostgres>,
}

pub(crate) async fn fresh(backend: &TestBackend) -> anyhow::Result<Fresh> {
    let dir = tempfile::tempdir()?;
    let (config, pg) = match backend {
        TestBackend::Sqlite => (
            DatabaseConfig::Sqlite {
                path: dir.path().join("vault.db"),
            },
            None,
        ),
        TestBackend::Postgres(url) => {
            let pg = ScratchPostgres::create(url).await?;
            (pg.config(), Some(pg))
        }
    };
    Ok(Fresh {
        store: Store::open(&config).await?,
        _dir: dir,
        _pg: pg,
    })
}
