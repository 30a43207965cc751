//! What every handler can reach: configuration, storage, the clock, keys, limits, and this
//! server's URLs.

use std::sync::Arc;

use kinwarden_config::Config;
use kinwarden_core::clock::Clock;
use kinwarden_core::data_key::DataKey;
use kinwarden_core::tokens::TokenKeys;
use kinwarden_store::Store;
use tokio::sync::Semaphore;
use url::Url;

use crate::licensing::CloudLicenseKeys;
use crate::limiter::LoginLimiter;

/// This server's public URLs: the vault base and the path bases under it (SPEC §1).
#[derive(Debug, Clone)]
pub struct PublicUrls {
    pub vault: Url,
}

impl PublicUrls {
    pub fn new(vault: Url) -> Self {
        Self { vault }
    }

    /// The vault URL with `path` appended, whether or not the base ends with `/`.
    pub fn join(&self, path: &str) -> String {
        let base = self.vault.as_str().trim_end_matches('/');
        format!("{base}/{}", path.trim_start_matches('/'))
    }

    pub fn vault(&self) -> String {
        self.vault.as_str().trim_end_matches('/').to_string()
    }
}

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub urls: Arc<PublicUrls>,
    /// Signs and checks this server's tokens.
    pub tokens: Arc<TokenKeys>,
    /// Seals secrets kept in the database that must be shown again (the billing sync token).
    pub data_key: Arc<DataKey>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Bounds the password hashes computed at once, so logins cannot starve the server.
    pub hashing: Arc<Semaphore>,
    /// The cloud's license key pair; none on a self-hosted server, which only verifies.
    pub licensing: Option<Arc<CloudLicenseKeys>>,
    /// Asks for a sync soon after an offer changes; none when that is off or on a cloud.
    pub sync_soon: Option<crate::sync_soon::SyncSoon>,
    /// A self-hosted server's link to its cloud; none on a cloud.
    pub cloud: Option<Arc<kinwarden_cloud::CloudLink>>,
    /// Where a self-hosted server keeps each organization's license file.
    pub license_files: kinwarden_store::files::LicenseFiles,
    /// Request, sync and job counters; none unless `kinwarden__metrics=true`.
    pub metrics: Option<Arc<crate::metrics::Metrics>>,
}

impl AppState {
    /// Runs a password hash (or any CPU-heavy step) on the blocking pool, within the bound.
    pub async fn hash_work<T, F>(&self, work: F) -> Result<T, crate::ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(crate::ApiError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(crate::ApiError::internal)
    }

    pub fn now_seconds(&self) -> i64 {
        self.clock.now().timestamp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_handles_slashes() {
        let with = PublicUrls::new(Url::parse("https://vault.example.com/").expect("url"));
        let without = PublicUrls::new(Url::parse("https://h.example.com/bw").expect("url"));
        assert_eq!(with.join("/api"), "https://vault.example.com/api");
        assert_eq!(
            without.join("identity"),
            "https://h.example.com/bw/identity"
        );
        assert_eq!(with.vault(), "https://vault.example.com");
    }
}
