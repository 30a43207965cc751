//! A fault-injecting HTTPS proxy to put between a self-hosted server and its cloud (SPEC §6, §10):
//! it forwards every request to the cloud, except those a rule picks, which it answers with an
//! injected fault — an error status, malformed JSON, a delay, or a body cut off after the cloud
//! has answered (the cloud committed; the caller never learns it). It serves TLS from its own
//! local CA, whose certificate the self-hosted server is told to trust.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use kinwarden::bwdata::Bwdata;
use url::Url;

/// What the proxy does with a request a rule picked.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answers this status itself, without asking the cloud.
    Status(u16),
    /// Answers 200 with a body that is not JSON, without asking the cloud.
    Malformed,
    /// Waits this long, then forwards.
    Delay(Duration),
    /// Forwards, then sends the cloud's status and half its body, and cuts the connection.
    CutBody,
    /// Forwards (the cloud commits and answers), then holds the answer this long before
    /// passing it on: a window in which the caller can be killed after the cloud's change.
    DelayAnswer(Duration),
    /// Answers this status and JSON body itself, without asking the cloud.
    Answer(u16, String),
}

#[derive(Debug, Clone)]
struct Rule {
    path_contains: String,
    /// Matching requests let through before the fault applies.
    pass_first: usize,
    seen: usize,
    fault: Fault,
}

#[derive(Clone)]
struct Shared {
    upstream: Url,
    client: reqwest::Client,
    rules: Arc<Mutex<Vec<Rule>>>,
    /// Every request's path, whether it reached the cloud or not.
    received: Arc<Mutex<Vec<String>>>,
    forwarded: Arc<Mutex<Vec<String>>>,
    /// Whether the cloud's answers are rewritten as a PascalCase .NET cloud writes them.
    pascal_case: Arc<AtomicBool>,
    /// Answers rewritten so, by path.
    rewritten: Arc<Mutex<Vec<String>>>,
}

pub struct FaultProxy {
    /// The proxy's base URL (`https://127.0.0.1:port`).
    pub url: Url,
    addr: SocketAddr,
    ca_file: PathBuf,
    certificate: (PathBuf, PathBuf),
    shared: Shared,
    handle: Mutex<Handle<SocketAddr>>,
    dir: tempfile::TempDir,
}

impl FaultProxy {
    /// A proxy to `upstream` (a cloud's base URL), trusting `upstream_ca` for it.
    pub async fn start(upstream: &Url, upstream_ca: &Path) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let bwdata = Bwdata::new(&dir.path().join("bwdata"))?;
        bwdata.init()?;
        let files = kinwarden::tls::ensure_auto_certificate(&bwdata, &["127.0.0.1".to_string()])
            .context("the proxy's certificate")?;
        let shared = Shared {
            upstream: upstream.clone(),
            client: crate::https_client(upstream_ca)?,
            rules: Arc::default(),
            received: Arc::default(),
            forwarded: Arc::default(),
            pascal_case: Arc::default(),
            rewritten: Arc::default(),
        };
        let certificate = (files.certificate, files.private_key);
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let handle = serve(listener, &certificate, &shared).await?;
        Ok(Self {
            url: Url::parse(&format!("https://{addr}"))?,
            addr,
            ca_file: files.ca_cert,
            certificate,
            shared,
            handle: Mutex::new(handle),
            dir,
        })
    }

    /// Stops listening: connections are refused until [`FaultProxy::resume`].
    pub fn pause(&self) {
        if let Ok(handle) = self.handle.lock() {
            handle.shutdown();
        }
    }

    /// Listens again on the same address, with the proxy's own certificate.
    pub async fn resume(&self) -> anyhow::Result<()> {
        self.listen(&self.certificate).await
    }

    /// Listens again on the same address, with a certificate from another CA, which a client
    /// trusting [`FaultProxy::ca_file`] refuses.
    pub async fn resume_untrusted(&self) -> anyhow::Result<()> {
        let other = Bwdata::new(&self.dir.path().join("untrusted"))?;
        other.init()?;
        let files = kinwarden::tls::ensure_auto_certificate(&other, &["127.0.0.1".to_string()])?;
        self.listen(&(files.certificate, files.private_key)).await
    }

    async fn listen(&self, certificate: &(PathBuf, PathBuf)) -> anyhow::Result<()> {
        self.pause();
        let mut listener = None;
        // The old listener closes in the background; its port is free again shortly.
        for _ in 0..50 {
            match std::net::TcpListener::bind(self.addr) {
                Ok(bound) => {
                    listener = Some(bound);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        let listener = listener.context("the proxy's port stayed taken")?;
        let handle = serve(listener, certificate, &self.shared).await?;
        if let Ok(mut slot) = self.handle.lock() {
            *slot = handle;
        }
        Ok(())
    }

    /// How many requests with this path fragment the proxy received (answered or not).
    pub fn received(&self, path_contains: &str) -> usize {
        self.shared
            .received
            .lock()
            .map(|paths| paths.iter().filter(|p| p.contains(path_contains)).count())
            .unwrap_or_default()
    }

    /// The CA certificate a client must trust to talk to the proxy.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// From now on, requests whose path contains `path_contains` get `fault`, after the first
    /// `pass_first` of them have gone through.
    pub fn inject(&self, path_contains: &str, pass_first: usize, fault: Fault) {
        if let Ok(mut rules) = self.shared.rules.lock() {
            rules.push(Rule {
                path_contains: path_contains.to_string(),
                pass_first,
                seen: 0,
                fault,
            });
        }
    }

    /// From now on, the cloud's JSON answers reach the caller with PascalCase names and dates
    /// without an offset ([`crate::pascal_case`]): a test cloud answering as a .NET one can.
    pub fn answer_in_pascal_case(&self) {
        self.shared.pascal_case.store(true, Ordering::SeqCst);
    }

    /// How many answers to requests with this path fragment were rewritten in PascalCase.
    pub fn rewritten(&self, path_contains: &str) -> usize {
        self.shared
            .rewritten
            .lock()
            .map(|paths| paths.iter().filter(|p| p.contains(path_contains)).count())
            .unwrap_or_default()
    }

    /// Removes every rule: the proxy forwards everything again.
    pub fn heal(&self) {
        if let Ok(mut rules) = self.shared.rules.lock() {
            rules.clear();
        }
    }

    /// How many requests with this path fragment reached the cloud.
    pub fn forwarded(&self, path_contains: &str) -> usize {
        self.shared
            .forwarded
            .lock()
            .map(|paths| paths.iter().filter(|p| p.contains(path_contains)).count())
            .unwrap_or_default()
    }

    pub fn stop(&self) {
        self.pause();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.pause();
    }
}

async fn serve(
    listener: std::net::TcpListener,
    (certificate, key): &(PathBuf, PathBuf),
    shared: &Shared,
) -> anyhow::Result<Handle<SocketAddr>> {
    listener.set_nonblocking(true)?;
    let tls = RustlsConfig::from_pem_file(certificate, key).await?;
    let handle = Handle::new();
    let app = Router::new().fallback(forward).with_state(shared.clone());
    let server = axum_server::from_tcp_rustls(listener, tls)?.handle(handle.clone());
    tokio::spawn(server.serve(app.into_make_service()));
    handle.listening().await;
    Ok(handle)
}

/// The fault for a request on `path`, if a rule picks it (counting the request either way).
fn pick(shared: &Shared, path: &str) -> Option<Fault> {
    let mut rules = shared.rules.lock().ok()?;
    let rule = rules
        .iter_mut()
        .find(|rule| path.contains(&rule.path_contains))?;
    rule.seen += 1;
    (rule.seen > rule.pass_first).then(|| rule.fault.clone())
}

async fn forward(State(shared): State<Shared>, request: Request) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_default();
    if let Ok(mut received) = shared.received.lock() {
        received.push(path.clone());
    }
    let fault = pick(&shared, &path);
    match &fault {
        Some(Fault::Status(code)) => {
            return answer(
                StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                Body::from(r#"{"message":"injected fault","object":"error"}"#),
            );
        }
        Some(Fault::Malformed) => {
            return answer(StatusCode::OK, Body::from("{\"sponsorshipsBatch\": [tru"));
        }
        Some(Fault::Answer(code, body)) => {
            return answer(
                StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                Body::from(body.clone()),
            );
        }
        Some(Fault::Delay(wait)) => tokio::time::sleep(*wait).await,
        Some(Fault::CutBody | Fault::DelayAnswer(_)) | None => {}
    }
    let (status, headers, mut body) = match relay(&shared, request, &path).await {
        Ok(parts) => parts,
        Err(err) => {
            return answer(StatusCode::BAD_GATEWAY, Body::from(format!("proxy: {err}")));
        }
    };
    let mut rewritten = false;
    if shared.pascal_case.load(Ordering::SeqCst)
        && let Some(pascal) = crate::pascal_case::rewrite(&path, &body)
    {
        body = Bytes::from(pascal);
        rewritten = true;
        if let Ok(mut paths) = shared.rewritten.lock() {
            paths.push(path.clone());
        }
    }
    if let Some(Fault::DelayAnswer(wait)) = &fault {
        tokio::time::sleep(*wait).await;
    }
    let body = if matches!(fault, Some(Fault::CutBody)) {
        // Headers promise the whole body; half of it comes, then the stream fails, so the
        // connection is cut mid-body.
        use futures_util::StreamExt;
        let half = body.slice(..body.len() / 2);
        // The half is flushed before the stream fails, so the head and part of the body arrive.
        let first = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
        let cut = futures_util::stream::once(async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Err(std::io::Error::other("injected: connection cut"))
        });
        Body::from_stream(first.chain(cut))
    } else {
        Body::from(body)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in &headers {
        // A rewritten body has its own length, which the server works out.
        let stale_length = rewritten && name == "content-length";
        if name != "transfer-encoding" && name != "connection" && !stale_length {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}

fn answer(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

async fn relay(
    shared: &Shared,
    request: Request,
    path: &str,
) -> anyhow::Result<(StatusCode, HeaderMap, Bytes)> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024).await?;
    let url = format!("{}{}", shared.upstream.as_str().trim_end_matches('/'), path);
    let mut outgoing = shared.client.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value);
        }
    }
    let response = outgoing.send().await?;
    if let Ok(mut forwarded) = shared.forwarded.lock() {
        forwarded.push(path.to_string());
    }
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await?;
    Ok((status, headers, bytes))
}
