//! One Kinwarden server in the test's process.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use kinwarden::bwdata::Bwdata;
use kinwarden::server::{self, RunOptions, RunningServer};
use kinwarden_config::Config;
use kinwarden_core::clock::{Clock, SystemClock};
use url::Url;

use crate::database::{ScratchPostgres, TestBackend};
use crate::smtp::SmtpSink;

pub struct TestServerBuilder {
    cloud: bool,
    settings: Vec<(String, String)>,
    backend: TestBackend,
    clock: Arc<dyn Clock>,
}

impl TestServerBuilder {
    /// A setting, as it would appear in the env file (`globalSettings__…`, `kinwarden__…`).
    pub fn setting(mut self, key: &str, value: &str) -> Self {
        self.settings.push((key.to_string(), value.to_string()));
        self
    }

    /// Sends this server's mail by plain SMTP to `sink` instead of writing `.eml` files.
    pub fn smtp(self, sink: &SmtpSink) -> Self {
        self.setting("globalSettings__mail__smtp__host", &sink.host())
            .setting("globalSettings__mail__smtp__port", &sink.port().to_string())
            .setting("globalSettings__mail__smtp__ssl", "false")
            .setting("globalSettings__mail__smtp__startTls", "false")
    }

    pub fn backend(mut self, backend: TestBackend) -> Self {
        self.backend = backend;
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub async fn start(self) -> anyhow::Result<TestServer> {
        let dir = tempfile::tempdir()?;
        let bwdata = Bwdata::new(&dir.path().join("bwdata"))?;
        bwdata.init()?;
        let scratch = match &self.backend {
            TestBackend::Sqlite => None,
            TestBackend::Postgres(admin_url) => Some(ScratchPostgres::create(admin_url).await?),
        };
        let mut env: Vec<(String, String)> = vec![
            (
                "globalSettings__selfHosted".into(),
                (!self.cloud).to_string(),
            ),
            ("kinwarden__listen".into(), "127.0.0.1:0".into()),
            // Cheap hashing and no lock-outs: tests measure behaviour, not cost.
            ("kinwarden__passwordIterations".into(), "1000".into()),
            ("kinwarden__logLevel".into(), "warn".into()),
            // Limits and verification mails are tested where a test turns them on.
            ("kinwarden__loginRateLimit".into(), "off".into()),
            ("kinwarden__mailRateLimitPerAddress".into(), "off".into()),
            ("kinwarden__mailRateLimitPerIp".into(), "off".into()),
            ("kinwarden__organizationMailPerDay".into(), "off".into()),
            (
                "globalSettings__enableEmailVerification".into(),
                "false".into(),
            ),
        ];
        if let Some(db) = &scratch {
            env.push(("globalSettings__databaseProvider".into(), "postgres".into()));
            env.push((
                "globalSettings__postgreSql__connectionString".into(),
                db.url().into(),
            ));
        }
        // Logs only when a test asks for them, by its own level or RUST_LOG.
        let wants_logs = std::env::var_os("RUST_LOG").is_some()
            || self
                .settings
                .iter()
                .any(|(key, _)| key.eq_ignore_ascii_case("kinwarden__logLevel"));
        env.extend(self.settings);
        let config = Config::load(bwdata.root(), env.clone()).context("test configuration")?;
        if wants_logs {
            kinwarden::logging::init_for_tests(&config);
        }
        let running = server::start(config, RunOptions { clock: self.clock }).await?;
        let client = if running.local_url.scheme() == "https" {
            https_client(&bwdata.root().join("ssl/ca.crt"))?
        } else {
            reqwest::Client::new()
        };
        Ok(TestServer {
            settings: env,
            url: running.local_url.clone(),
            client,
            bwdata: bwdata.root().to_path_buf(),
            running: Some(running),
            _scratch: scratch,
            _dir: dir,
        })
    }
}

pub struct TestServer {
    /// The settings it was started with, beside its env file: a `kinwarden` command run on its
    /// data directory needs them in its environment to see the same configuration.
    pub settings: Vec<(String, String)>,
    /// Where the server listens (its public vault URL may be configured to be elsewhere).
    pub url: Url,
    pub client: reqwest::Client,
    pub bwdata: PathBuf,
    running: Option<RunningServer>,
    // Dropped after the server: the database and directory outlive it.
    _scratch: Option<ScratchPostgres>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn self_hosted() -> TestServerBuilder {
        Self::builder(false)
    }

    pub fn cloud() -> TestServerBuilder {
        Self::builder(true)
    }

    fn builder(cloud: bool) -> TestServerBuilder {
        TestServerBuilder {
            cloud,
            settings: Vec::new(),
            backend: TestBackend::Sqlite,
            clock: Arc::new(SystemClock),
        }
    }

    /// The absolute URL of a path on this server.
    pub fn at(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.url.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(self.client.get(self.at(path)).send().await?)
    }

    /// `bwdata/mail/`, where mail goes without an SMTP host.
    pub fn mail_dir(&self) -> PathBuf {
        self.bwdata.join("mail")
    }

    pub fn store(&self) -> Option<&kinwarden_store::Store> {
        self.running.as_ref().map(|running| &running.store)
    }

    /// Runs a job now as `kinwarden jobs run NAME` does, with this server's store and clock
    /// (so a test clock decides what "today" is); its outcome text.
    pub async fn run_job(&self, name: &str) -> anyhow::Result<Result<String, String>> {
        let running = self.running.as_ref().context("the server is stopped")?;
        let job = kinwarden::jobs::Job::from_name(name).context("no such job")?;
        let now = running.jobs.clock.now();
        kinwarden::jobs::run_slot(&running.jobs, job, now, "test")
            .await?
            .context("another run took this slot")
    }

    /// What the scheduler does at a check, now: runs the job's latest slot unless some process
    /// sharing the database already has.
    pub async fn run_if_due(&self, name: &str) -> anyhow::Result<()> {
        let running = self.running.as_ref().context("the server is stopped")?;
        let job = kinwarden::jobs::Job::from_name(name).context("no such job")?;
        Ok(kinwarden::jobs::run_if_due(&running.jobs, job).await?)
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(running) = self.running.take() {
            running.shutdown().await?;
        }
        Ok(())
    }

    /// Stops the server but keeps its data directory and database, so that the same `bwdata`
    /// can be served again by another process (a `kinwarden serve` child a test may SIGKILL)
    /// on the same address.
    pub async fn stop_keeping_data(mut self) -> anyhow::Result<StoppedServer> {
        if let Some(running) = self.running.take() {
            running.shutdown().await?;
        }
        Ok(StoppedServer {
            settings: self.settings,
            url: self.url,
            bwdata: self.bwdata,
            _scratch: self._scratch,
            _dir: self._dir,
        })
    }
}

/// A stopped [`TestServer`]'s data: its directory and database live as long as this value.
pub struct StoppedServer {
    /// The settings the server ran with (see [`TestServer::settings`]).
    pub settings: Vec<(String, String)>,
    /// Where it listened: a process serving this `bwdata` again may bind the same port.
    pub url: Url,
    pub bwdata: PathBuf,
    _scratch: Option<ScratchPostgres>,
    _dir: tempfile::TempDir,
}

impl StoppedServer {
    /// Opens the server's database, as the server would (for a test's own reads).
    pub async fn open_store(&self) -> anyhow::Result<kinwarden_store::Store> {
        let config = Config::load(&self.bwdata, self.settings.clone())?;
        Ok(kinwarden_store::Store::open(&config.database).await?)
    }
}

/// An HTTPS client that trusts exactly the given CA (a server's `ssl/ca.crt` or
/// `certificate.crt`), as another Kinwarden would with `kinwarden__cloudCaFile`.
pub fn https_client(ca_file: &Path) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(ca_file).with_context(|| format!("reading {}", ca_file.display()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(certs)
        .timeout(std::time::Duration::from_secs(30))
        .build()?)
}
