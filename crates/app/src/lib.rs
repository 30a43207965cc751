//! Kinwarden's use-cases: one place per action. Each loads what it needs, calls the pure rules of
//! `kinwarden-core`, writes in one transaction through `kinwarden-store`, talks out only through
//! the typed cloud client and the mail outbox, and returns a typed outcome or an [`AppError`].
//! The HTTP surface, the jobs and the command line call these and only map the results.

pub mod accounts;
pub mod billing;
pub mod cloud_errors;
pub mod connections;
mod error;
pub mod groups;
pub mod installations;
pub mod jobs;
pub mod licenses;
pub mod mail_allowance;
pub mod members;
pub mod metrics;
pub mod org_api_keys;
pub mod organizations;
pub mod portal;
pub mod records;
pub mod sponsorships;
mod urls;
pub mod vault;
pub mod wire_time;

use std::sync::Arc;

use kinwarden_cloud::CloudLink;
use kinwarden_config::Config;
use kinwarden_core::clock::Clock;
use kinwarden_core::data_key::DataKey;
use kinwarden_core::tokens::TokenKeys;
use kinwarden_store::Store;
use kinwarden_store::files::LicenseFiles;
use tokio::sync::Semaphore;

pub use error::{AppError, id_in_path};
pub use licenses::issue::CloudLicenseKeys;
pub use metrics::Metrics;
pub use sponsorships::sync_soon::SyncSoon;
pub use urls::PublicUrls;

/// Everything a use-case may reach, built once by the composition root and shared by the HTTP
/// surface, the jobs and the commands. Storage is private: callers above reach it only through
/// the use-cases.
#[derive(Clone)]
pub struct App {
    pub config: Arc<Config>,
    store: Store,
    pub clock: Arc<dyn Clock>,
    pub urls: Arc<PublicUrls>,
    /// Signs and checks this server's tokens.
    pub tokens: Arc<TokenKeys>,
    /// Seals secrets kept in the database that must be shown again (the billing sync token).
    data_key: Arc<DataKey>,
    /// Bounds the password hashes computed at once, so logins cannot starve the server.
    hashing: Arc<Semaphore>,
    /// The cloud's license key pair; none on a self-hosted server, which only verifies.
    pub licensing: Option<Arc<CloudLicenseKeys>>,
    /// Asks for a sync soon after an offer changes; none when that is off or on a cloud.
    pub sync_soon: Option<SyncSoon>,
    /// A self-hosted server's link to its cloud; none on a cloud.
    pub cloud: Option<Arc<CloudLink>>,
    /// Where a self-hosted server keeps each organization's license file.
    license_files: LicenseFiles,
    /// Request, sync and job counters; none unless `kinwarden__metrics=true`.
    pub metrics: Option<Arc<Metrics>>,
}

/// What the composition root (the server, or a command) hands over to make an [`App`].
pub struct AppParts {
    pub config: Arc<Config>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub urls: PublicUrls,
    pub tokens: Arc<TokenKeys>,
    pub data_key: Arc<DataKey>,
    /// How many password hashes may run at once.
    pub hashing_permits: usize,
    pub licensing: Option<Arc<CloudLicenseKeys>>,
    pub sync_soon: Option<SyncSoon>,
    pub cloud: Option<Arc<CloudLink>>,
    pub license_files: LicenseFiles,
    pub metrics: Option<Arc<Metrics>>,
}

impl App {
    pub fn new(parts: AppParts) -> Self {
        Self {
            config: parts.config,
            store: parts.store,
            clock: parts.clock,
            urls: Arc::new(parts.urls),
            tokens: parts.tokens,
            data_key: parts.data_key,
            hashing: Arc::new(Semaphore::new(parts.hashing_permits)),
            licensing: parts.licensing,
            sync_soon: parts.sync_soon,
            cloud: parts.cloud,
            license_files: parts.license_files,
            metrics: parts.metrics,
        }
    }
}

impl App {
    /// Runs a password hash (or any CPU-heavy step) on the blocking pool, within the bound.
    pub async fn hash_work<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.hashing.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(AppError::internal)
    }

    pub fn now_seconds(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// Closes storage: what a command does before it exits, so the database is left tidy.
    pub async fn close(&self) {
        self.store.close().await;
    }
}
