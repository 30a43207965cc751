//! Running a Kinwarden server: open storage, bind, choose TLS, serve until told to stop.
//! The same code runs under `kinwarden serve` and inside the test kit.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use kinwarden_app::{App, AppParts, PublicUrls};
use kinwarden_config::{Config, Mode, TlsMode};
use kinwarden_core::clock::{Clock, SystemClock};
use kinwarden_store::{SERVER_ID, Store};
use kinwarden_web::{AppState, LoginLimiter};
use url::Url;

use crate::bwdata::Bwdata;
use crate::keys::{self, KeyError};
use crate::mail::{self, MailWorker, WorkerSettings};
use crate::tls;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Tls(#[from] tls::TlsError),
    #[error("cannot load the TLS certificate or key: {0}")]
    TlsLoad(std::io::Error),
    #[error("{0}")]
    Store(#[from] kinwarden_store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Keys(#[from] KeyError),
    #[error("{0}")]
    Cloud(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Mail(#[from] mail::MailSetupError),
}

/// A server that is accepting connections.
pub struct RunningServer {
    pub local_addr: SocketAddr,
    /// The public vault URL: configured, or derived from the bound address.
    pub url: Url,
    /// The URL that reaches this listener directly (differs from `url` behind a proxy).
    pub local_url: Url,
    pub store: Store,
    /// What the scheduler runs jobs with: `kinwarden jobs run` in the server's process.
    pub jobs: crate::jobs::JobContext,
    mail_worker: MailWorker,
    scheduler: (
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    ),
    sync_soon_task: Option<tokio::task::JoinHandle<()>>,
    handle: Handle<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Choices the program makes beyond the configuration (the test kit's clock, for one).
pub struct RunOptions {
    pub clock: Arc<dyn Clock>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
        }
    }
}

/// Opens storage and starts serving. Returns once the listener accepts connections.
pub async fn start(config: Config, options: RunOptions) -> Result<RunningServer, ServerError> {
    // One crypto provider for the whole process (aws-lc-rs); a second install is a no-op.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let bwdata = Bwdata::new(&config.bwdata)?;
    let config = Arc::new(config);

    let store = Store::open(&config.database).await?;
    let server_id = uuid::Uuid::new_v4().to_string();
    store
        .meta_get_or_insert(SERVER_ID, &server_id, options.clock.now_millis())
        .await?;

    let listener = TcpListener::bind(config.listen).map_err(|source| ServerError::Bind {
        addr: config.listen,
        source,
    })?;
    listener.set_nonblocking(true)?;
    let local_addr = listener.local_addr()?;

    let scheme = if config.tls == TlsMode::Off {
        "http"
    } else {
        "https"
    };
    let local_url = default_vault_url(scheme, local_addr);
    let url = config
        .vault_uri
        .clone()
        .unwrap_or_else(|| local_url.clone());

    let urls = PublicUrls::new(url.clone());
    let tokens = Arc::new(keys::identity_keys(&bwdata, &urls.join("identity"))?);
    let data_key = Arc::new(keys::data_key(&bwdata)?);
    // Only a cloud signs licenses, so only a cloud holds (and on first start makes) the key.
    let licensing = match config.mode {
        Mode::Cloud => Some(Arc::new(keys::cloud_license_keys(&bwdata)?)),
        Mode::SelfHosted => None,
    };
    // Mail queued before a crash or a stop goes out now; new mail wakes the worker at once.
    let mail_worker = mail::start_worker(
        &config,
        bwdata.mail_dir(),
        &url,
        store.clone(),
        options.clock.clone(),
        mail::DraftWriter::new(store.clone(), tokens.clone(), url.clone()),
        WorkerSettings::default(),
    )?;

    // A self-hosted server talks to its cloud through one link (SPEC §6); a CA file that cannot
    // be read stops start-up here rather than failing the first sync.
    let cloud = match config.mode {
        Mode::SelfHosted => Some(Arc::new(
            kinwarden_cloud::CloudLink::new(
                &config,
                options.clock.clone(),
                kinwarden_cloud::LinkSettings::from_config(&config),
            )
            .map_err(|err| ServerError::Cloud(err.to_string()))?,
        )),
        Mode::Cloud => None,
    };
    let metrics = config.metrics.then(kinwarden_app::Metrics::new);
    // Offers that change are synced soon after, when a delay is configured (SPEC §6).
    let (sync_soon, sync_soon_task) = match (&cloud, config.sync_debounce) {
        (Some(link), Some(delay)) => {
            let (handle, task) = kinwarden_app::sponsorships::sync_soon::start(
                config.clone(),
                store.clone(),
                link.clone(),
                data_key.clone(),
                options.clock.clone(),
                delay,
                metrics.clone(),
            );
            (Some(handle), Some(task))
        }
        _ => (None, None),
    };
    let app = App::new(AppParts {
        config: config.clone(),
        store: store.clone(),
        clock: options.clock.clone(),
        urls,
        tokens,
        data_key,
        hashing_permits: std::thread::available_parallelism().map_or(2, usize::from),
        licensing,
        cloud,
        sync_soon,
        license_files: kinwarden_store::files::LicenseFiles::new(
            bwdata.core_dir().join("licenses").join("organization"),
        ),
        metrics,
    });
    // Jobs run beside the requests with the same App: store, clock, cloud link (and so its
    // token cache) and counters (SPEC §9 "jobs").
    let jobs = crate::jobs::JobContext::new(app.clone());
    let state = AppState::new(app, Arc::new(LoginLimiter::new(config.login_rate_limit)));
    let (stop_scheduler, scheduler_stop) = tokio::sync::watch::channel(false);
    let scheduler_task = crate::jobs::spawn_scheduler(jobs.clone(), scheduler_stop);
    let scheduler = (stop_scheduler, scheduler_task);
    let app = kinwarden_web::app(state);
    let service = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        SocketAddr,
    >(app);

    let handle = Handle::new();
    // TCP_NODELAY on every connection: an answer leaves as several small writes (HTTP/2 frames,
    // TLS records), and with Nagle's algorithm each one after the first waited for the client's
    // delayed acknowledgement, about 40 ms per sync batch (SPEC §10).
    let task = match &config.tls {
        TlsMode::Off => {
            let server = axum_server::from_tcp(listener)?
                .acceptor(NoDelayAcceptor::new())
                .handle(handle.clone());
            tokio::spawn(server.serve(service))
        }
        mode => {
            let (cert, key) = match mode {
                TlsMode::Files { cert, key } => (cert.clone(), key.clone()),
                _ => {
                    let hosts = certificate_hosts(&config, local_addr);
                    let files = tls::ensure_auto_certificate(&bwdata, &hosts)?;
                    (files.certificate, files.private_key)
                }
            };
            let rustls = RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(ServerError::TlsLoad)?;
            let acceptor = RustlsAcceptor::new(rustls).acceptor(NoDelayAcceptor::new());
            let server = axum_server::from_tcp(listener)?
                .acceptor(acceptor)
                .handle(handle.clone());
            tokio::spawn(server.serve(service))
        }
    };
    handle.listening().await;
    Ok(RunningServer {
        local_addr,
        url,
        local_url,
        store,
        jobs,
        mail_worker,
        scheduler,
        sync_soon_task,
        handle,
        task,
    })
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish (up to a bound), lets the mail being
    /// sent finish (up to a bound; the rest stays queued), closes storage.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        let result = match self.task.await {
            Ok(result) => result,
            Err(join) => Err(std::io::Error::other(join.to_string())),
        };
        if let Some(task) = self.sync_soon_task {
            task.abort();
        }
        let (stop_scheduler, scheduler) = self.scheduler;
        let _ = stop_scheduler.send(true);
        let _ = scheduler.await;
        self.mail_worker.stop(Duration::from_secs(10)).await;
        self.store.close().await;
        result
    }
}

/// `https://<listen address>`, with a wildcard address shown as loopback so the URL works.
fn default_vault_url(scheme: &str, addr: SocketAddr) -> Url {
    let ip = if addr.ip().is_unspecified() {
        "127.0.0.1".parse().unwrap_or(addr.ip())
    } else {
        addr.ip()
    };
    let host = match ip {
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        std::net::IpAddr::V4(v4) => v4.to_string(),
    };
    Url::parse(&format!("{scheme}://{host}:{}", addr.port())).unwrap_or_else(|_| {
        Url::parse("https://127.0.0.1").unwrap_or_else(|_| std::process::abort())
    })
}

/// Names the automatic certificate must cover beside the loopback ones.
fn certificate_hosts(config: &Config, addr: SocketAddr) -> Vec<String> {
    let mut hosts = Vec::new();
    if let Some(host) = config.vault_uri.as_ref().and_then(Url::host_str) {
        hosts.push(host.trim_matches(['[', ']']).to_string());
    }
    if !addr.ip().is_unspecified() {
        hosts.push(addr.ip().to_string());
    }
    hosts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_url_from_the_bound_address() {
        let addr: SocketAddr = "0.0.0.0:8443".parse().expect("addr");
        assert_eq!(
            default_vault_url("https", addr).as_str(),
            "https://127.0.0.1:8443/"
        );
        let addr: SocketAddr = "[::1]:9000".parse().expect("addr");
        assert_eq!(
            default_vault_url("http", addr).as_str(),
            "http://[::1]:9000/"
        );
    }
}
