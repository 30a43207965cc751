//! The commands' composition root: the one place a command's [`App`] is built (storage, keys,
//! and on a self-hosted server its one link to the cloud), so `sync`, `jobs`, `license issue`
//! and `doctor` run the use-cases with what the server would give them.

use std::sync::Arc;

use kinwarden_app::{App, AppParts, PublicUrls};
use kinwarden_cloud::{CloudLink, LinkSettings};
use kinwarden_config::{Config, Mode};
use kinwarden_core::clock::{Clock, SystemClock};
use kinwarden_store::Store;
use kinwarden_store::files::LicenseFiles;
use url::Url;

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};
use crate::keys;

/// The `App` of a command against this data directory: its configuration, and on a self-hosted
/// server a cloud link with the configured timeout and tries.
pub async fn app_for_command(bwdata: &Bwdata) -> Result<App, CliError> {
    app_for_config(bwdata, load_config(bwdata)?).await
}

/// [`app_for_command`] with the configuration the command has already read and checked.
pub async fn app_for_config(bwdata: &Bwdata, config: Config) -> Result<App, CliError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let cloud = match config.mode {
        Mode::SelfHosted => Some(Arc::new(
            CloudLink::new(&config, clock.clone(), LinkSettings::from_config(&config))
                .map_err(|err| CliError::failed(err.to_string()))?,
        )),
        Mode::Cloud => None,
    };
    app_with_cloud(bwdata, config, clock, cloud).await
}

/// The `App` of a command with the cloud link it chose (`doctor` probes through a link of its
/// own, which works while cloud communication is off).
pub async fn app_with_cloud(
    bwdata: &Bwdata,
    config: Config,
    clock: Arc<dyn Clock>,
    cloud: Option<Arc<CloudLink>>,
) -> Result<App, CliError> {
    // A command has no listener: the vault URL is the configured one, or the listen address.
    let vault = config
        .vault_uri
        .clone()
        .or_else(|| Url::parse(&format!("https://{}", config.listen)).ok())
        .ok_or_else(|| CliError::failed("cannot tell this server's URL"))?;
    let urls = PublicUrls::new(vault);
    let store = Store::open(&config.database)
        .await
        .map_err(|err| CliError::failed(format!("cannot open the database: {err}")))?;
    let key_error = |err: keys::KeyError| CliError::failed(err.to_string());
    let tokens = keys::identity_keys(bwdata, &urls.join("identity")).map_err(key_error)?;
    let data_key = Arc::new(keys::data_key(bwdata).map_err(key_error)?);
    // Only a cloud signs licenses, so only a cloud holds the key (as in `server::start`).
    let licensing = match config.mode {
        Mode::Cloud => Some(Arc::new(
            keys::cloud_license_keys(bwdata).map_err(key_error)?,
        )),
        Mode::SelfHosted => None,
    };
    Ok(App::new(AppParts {
        config: Arc::new(config),
        store,
        clock,
        urls,
        tokens: Arc::new(tokens),
        data_key,
        // A command hashes no passwords; one at a time is bound enough.
        hashing_permits: 1,
        licensing,
        // A command's changes are synced by the server's schedule or by `kinwarden sync`.
        sync_soon: None,
        cloud,
        license_files: LicenseFiles::new(bwdata.core_dir().join("licenses").join("organization")),
        // The server's counters live in its process; a command has none to add to.
        metrics: None,
    }))
}

#[cfg(test)]
mod tests {
    use kinwarden_config::keys::SELF_HOSTED;

    use super::*;

    /// A command's `App` on a fresh data directory of the given mode (explicit settings only, so
    /// the test does not depend on the process environment).
    async fn command_app(self_hosted: bool) -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().expect("tempdir");
        let bwdata = Bwdata::new(&dir.path().join("bwdata")).expect("path");
        bwdata.init().expect("init");
        let config = Config::load(
            bwdata.root(),
            [(SELF_HOSTED.to_string(), self_hosted.to_string())],
        )
        .expect("config");
        let app = app_for_config(&bwdata, config).await.expect("app");
        (dir, app)
    }

    #[tokio::test]
    async fn a_self_hosted_command_has_a_cloud_link_and_no_signing_key() {
        let (_dir, app) = command_app(true).await;
        assert!(app.cloud.is_some(), "the jobs and `sync` talk through it");
        assert!(app.licensing.is_none(), "a self-hosted server never signs");
        assert!(app.sync_soon.is_none() && app.metrics.is_none());
        app.close().await;
    }

    #[tokio::test]
    async fn a_cloud_command_holds_the_license_key_and_no_cloud_link() {
        let (dir, app) = command_app(false).await;
        assert!(app.cloud.is_none());
        assert!(app.licensing.is_some(), "`license issue` signs with it");
        assert!(dir.path().join("bwdata/core/licensing.key.pem").exists());
        app.close().await;
    }
}
