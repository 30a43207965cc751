//! SPEC §10 "full billing sync": one organization's sponsorships, self-hosted → cloud over
//! loopback TLS, through the code of *Manually Sync*; then the same with nothing changed; and the
//! floor: the same rows written raw with the same settings (inserted as on the cloud, updated as
//! on the self-hosted side, in 1,000-row transactions).

use std::sync::Arc;
use std::time::{Duration, Instant};

use kinwarden_app::sponsorships::self_hosted_sync::{SyncDeps, sync_organization};
use kinwarden_cloud::{CloudLink, LinkSettings};
use kinwarden_config::Config;
use kinwarden_core::clock::{Clock, SystemClock};
use kinwarden_core::data_key::DataKey;
use kinwarden_testkit::{ScratchPostgres, TestBackend};

use crate::raw::{self, RawDb};
use crate::setup::Pair;

pub struct SyncFigures {
    pub first: Duration,
    pub second: Duration,
    pub floor_insert: Duration,
    pub floor_update: Duration,
    /// The insert floor with one queued offer e-mail per row in the same transactions.
    pub floor_insert_with_mails: Duration,
}

impl SyncFigures {
    pub fn floor(&self) -> Duration {
        self.floor_insert + self.floor_update
    }

    pub fn floor_with_mails(&self) -> Duration {
        self.floor_insert_with_mails + self.floor_update
    }
}

pub async fn run(backend: &TestBackend, n: usize) -> anyhow::Result<SyncFigures> {
    let floor = floor(backend, n).await?;
    let pair = Pair::start(backend).await?;
    let config = Config::load(&pair.self_hosted.bwdata, pair.self_hosted.settings.clone())?;
    let cloud_config = Config::load(&pair.cloud.bwdata, pair.cloud.settings.clone())?;
    let local = RawDb::open(&config.database).await?;
    let remote = RawDb::open(&cloud_config.database).await?;
    local.insert(&raw::offers(&pair.org_id, n, "sync")).await?;

    let store = pair
        .self_hosted
        .store()
        .ok_or_else(|| anyhow::anyhow!("the self-hosted server is not running"))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let link = CloudLink::new(&config, clock.clone(), LinkSettings::default())?;
    let data_key = DataKey::from_base64(&std::fs::read_to_string(
        pair.self_hosted.bwdata.join("core").join("data.key"),
    )?)?;
    let deps = SyncDeps {
        config: &config,
        store,
        link: &link,
        data_key: &data_key,
        clock: clock.as_ref(),
        // As `kinwarden sync` runs it: metrics are off by default.
        metrics: None,
    };
    let once = async || -> anyhow::Result<Duration> {
        let started = Instant::now();
        let outcome =
            sync_organization(&deps, pair.org_id.parse()?, "bench", &mut |_, _| {}).await?;
        let took = started.elapsed();
        anyhow::ensure!(
            outcome.succeeded,
            "the sync failed: {:?} {:?}",
            outcome.code,
            outcome.message
        );
        Ok(took)
    };
    let first = once().await?;
    let cloud_rows = remote.count(&pair.cloud_org_id).await?;
    let synced = local.count_synced(&pair.org_id).await?;
    anyhow::ensure!(
        cloud_rows == n as i64 && synced == n as i64,
        "after the first sync the cloud holds {cloud_rows} rows and {synced} local rows carry a sync date, not {n}"
    );
    let second = once().await?;
    anyhow::ensure!(
        remote.count(&pair.cloud_org_id).await? == n as i64,
        "the second sync changed the cloud's row count"
    );
    local.close().await;
    remote.close().await;
    pair.stop().await?;
    Ok(SyncFigures {
        first,
        second,
        floor_insert: floor.0,
        floor_update: floor.1,
        floor_insert_with_mails: floor.2,
    })
}

/// The raw floor on a fresh database of the same schema and settings: (insert, update, insert
/// with one offer e-mail per row).
async fn floor(backend: &TestBackend, n: usize) -> anyhow::Result<(Duration, Duration, Duration)> {
    let scratch = Scratch::new(backend).await?;
    let db = scratch.open().await?;
    let org = uuid::Uuid::new_v4().to_string();
    db.insert_organization(&org).await?;
    let rows = raw::offers(&org, n, "floor");
    let started = Instant::now();
    db.insert(&rows).await?;
    let insert = started.elapsed();
    let started = Instant::now();
    db.update_synced(&rows, 1_800_000_000_000).await?;
    let update = started.elapsed();
    let org = uuid::Uuid::new_v4().to_string();
    db.insert_organization(&org).await?;
    let rows = raw::offers(&org, n, "floor-mail");
    let started = Instant::now();
    db.insert_with_mails(&rows).await?;
    let with_mails = started.elapsed();
    db.close().await;
    Ok((insert, update, with_mails))
}

/// A throw-away database with the server's schema.
pub struct Scratch {
    _dir: tempfile::TempDir,
    _postgres: Option<ScratchPostgres>,
    config: kinwarden_config::DatabaseConfig,
}

impl Scratch {
    pub async fn new(backend: &TestBackend) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let (postgres, config) = match backend {
            TestBackend::Sqlite => (
                None,
                kinwarden_config::DatabaseConfig::Sqlite {
                    path: dir.path().join("floor.db"),
                },
            ),
            TestBackend::Postgres(admin) => {
                let db = ScratchPostgres::create(admin).await?;
                let config = db.config();
                (Some(db), config)
            }
        };
        // The server's own migrations make the schema.
        kinwarden_store::Store::open(&config).await?.close().await;
        Ok(Self {
            _dir: dir,
            _postgres: postgres,
            config,
        })
    }

    pub async fn open(&self) -> anyhow::Result<RawDb> {
        RawDb::open(&self.config).await
    }
}
