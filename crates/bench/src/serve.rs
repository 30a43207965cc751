//! `kinwarden serve` as its own process (the release binary beside this one): memory when idle,
//! time from start to the first `/alive` answer, and requests per second (SPEC §10).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kinwarden_testkit::{ClientAccount, Kdf};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

use crate::load::{self, MakeRequest, Until};

pub struct Server {
    child: Child,
    pub url: String,
    pub bwdata: PathBuf,
    /// From spawn to the first `/alive` answer.
    pub ready_after: Duration,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Server {
    /// Starts `kinwarden serve` on `bwdata` (created on first start) and waits for `/alive`.
    pub async fn start(bin: &Path, bwdata: &Path, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let port = free_port()?;
        let url = format!("https://127.0.0.1:{port}");
        // The CA may not exist before this start: the probe does not check the certificate.
        let probe = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .http1_only()
            .timeout(Duration::from_secs(5))
            .build()?;
        let started = Instant::now();
        let mut child = Command::new(bin)
            .arg("serve")
            .arg("--bwdata")
            .arg(bwdata)
            .env_remove("KINWARDEN_BWDATA")
            .env("kinwarden__listen", format!("127.0.0.1:{port}"))
            .env("kinwarden__logLevel", "warn")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let alive = format!("{url}/alive");
        loop {
            if let Ok(response) = probe.get(&alive).send().await
                && response.status().is_success()
            {
                break;
            }
            if let Some(status) = child.try_wait()? {
                anyhow::bail!("kinwarden serve ended with {status} before answering /alive");
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "no /alive answer within a minute"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        Ok(Self {
            child,
            url,
            bwdata: bwdata.to_path_buf(),
            ready_after: started.elapsed(),
        })
    }

    /// Resident memory, in MiB.
    pub fn rss(&self) -> anyhow::Result<Rss> {
        let pid = self.child.id().ok_or_else(|| anyhow::anyhow!("no pid"))?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let mib = |field: &str| -> anyhow::Result<f64> {
            let kib: f64 = status
                .lines()
                .find_map(|line| line.strip_prefix(field))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/{pid}/status"))?;
            Ok(kib / 1024.0)
        };
        Ok(Rss {
            total: mib("VmRSS:")?,
            file: mib("RssFile:")?,
            anon: mib("RssAnon:")?,
        })
    }

    pub fn ca(&self) -> PathBuf {
        self.bwdata.join("ssl/ca.crt")
    }

    /// SIGTERM, then waits for the exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let pid = i32::try_from(pid)?;
            kill(Pid::from_raw(pid), Signal::SIGTERM)?;
        }
        tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await??;
        Ok(())
    }
}

/// Resident memory in MiB: all of it, the mapped files (mostly the binary's code) and the
/// process's own (heap, stacks).
#[derive(Debug, Clone, Copy)]
pub struct Rss {
    pub total: f64,
    pub file: f64,
    pub anon: f64,
}

pub struct StartFigures {
    pub empty: Duration,
    pub existing: Duration,
    pub rss_idle: Rss,
    pub rss_after: Rss,
}

/// Reads the whole binary so all of it is in the page cache before memory is measured. The
/// kernel maps a binary's cached pages around each fault (fault-around), so how much code is
/// resident depends on how much of the file the cache holds: a binary just built is all cached,
/// one pushed out by other work only partly, which moved the figure by up to 0.7 MiB between
/// runs of the same build. Measured warm, the figure is the binary's worst case and repeatable.
fn warm_page_cache(bin: &Path) -> anyhow::Result<()> {
    std::io::copy(&mut std::fs::File::open(bin)?, &mut std::io::sink())?;
    Ok(())
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Start times (median of `runs`), and idle memory after start and after 10,000 requests.
pub async fn start_and_memory(bin: &Path, runs: usize) -> anyhow::Result<StartFigures> {
    let dir = tempfile::tempdir()?;
    let mut empty = Vec::new();
    for i in 0..runs {
        let server = Server::start(bin, &dir.path().join(format!("fresh-{i}")), &[]).await?;
        empty.push(server.ready_after);
        server.stop().await?;
    }
    let bwdata = dir.path().join("fresh-0");
    let mut existing = Vec::new();
    for _ in 0..runs {
        let server = Server::start(bin, &bwdata, &[]).await?;
        existing.push(server.ready_after);
        server.stop().await?;
    }
    warm_page_cache(bin)?;
    let server = Server::start(bin, &bwdata, &[]).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = server.rss()?;
    let alive = format!("{}/alive", server.url);
    let make: MakeRequest = Arc::new(move |client| client.get(&alive));
    let done = load::run(&server.ca(), 32, Until::Count(10_000), make).await?;
    anyhow::ensure!(done.failed == 0, "{} /alive requests failed", done.failed);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = server.rss()?;
    server.stop().await?;
    Ok(StartFigures {
        empty: median(empty),
        existing: median(existing),
        rss_idle,
        rss_after,
    })
}

/// Registers `account` as the web vault does (the server runs without e-mail verification).
pub async fn register(
    client: &reqwest::Client,
    url: &str,
    account: &ClientAccount,
) -> anyhow::Result<()> {
    let token: String = client
        .post(format!(
            "{url}/identity/accounts/register/send-verification-email"
        ))
        .json(&serde_json::json!({"email": account.email, "name": null, "receiveMarketingEmails": false}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let mut finish = account.register_finish()?;
    finish.email_verification_token = Some(token);
    client
        .post(format!("{url}/identity/accounts/register/finish"))
        .json(&finish)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The bearer token of a password login.
pub async fn login(
    client: &reqwest::Client,
    url: &str,
    account: &ClientAccount,
) -> anyhow::Result<String> {
    let tokens: serde_json::Value = client
        .post(format!("{url}/identity/connect/token"))
        .form(&account.password_grant("bench-device"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    tokens["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("the login answered no access token"))
}

pub struct RateFigures {
    pub logins_1: f64,
    pub logins_4: f64,
    pub alive_32: f64,
    pub prelogin_32: f64,
}

/// Logins at the default 600,000 server-side iterations, and `/alive` and prelogin.
pub async fn rates(bin: &Path, seconds: u64) -> anyhow::Result<RateFigures> {
    let dir = tempfile::tempdir()?;
    let env = [
        ("kinwarden__loginRateLimit", "off"),
        ("kinwarden__mailRateLimitPerAddress", "off"),
        ("kinwarden__mailRateLimitPerIp", "off"),
        ("kinwarden__organizationMailPerDay", "off"),
        ("globalSettings__enableEmailVerification", "false"),
        ("kinwarden__passwordIterations", "600000"),
    ];
    let server = Server::start(bin, &dir.path().join("bwdata"), &env).await?;
    let ca = server.ca();
    let client = load::client(&ca)?;
    let account = ClientAccount::new(
        "bench@example.test",
        "bench password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&client, &server.url, &account).await?;

    let window = Duration::from_secs(seconds);
    let grant = Arc::new(account.password_grant("bench-device"));
    let token_url = format!("{}/identity/connect/token", server.url);
    let login: MakeRequest = Arc::new(move |client| {
        client
            .post(&token_url)
            .header("Device-Type", "9")
            .form(grant.as_ref())
    });
    let logins_1 = load::run(&ca, 1, Until::Elapsed(window), login.clone()).await?;
    let logins_4 = load::run(&ca, 4, Until::Elapsed(window), login).await?;
    anyhow::ensure!(
        logins_1.failed + logins_4.failed == 0,
        "{} logins failed",
        logins_1.failed + logins_4.failed
    );
    let alive_url = format!("{}/alive", server.url);
    let alive: MakeRequest = Arc::new(move |client| client.get(&alive_url));
    let alive = load::run(&ca, 32, Until::Elapsed(window), alive).await?;
    let prelogin_url = format!("{}/identity/accounts/prelogin", server.url);
    let body = account.prelogin();
    let prelogin: MakeRequest = Arc::new(move |client| client.post(&prelogin_url).json(&body));
    let prelogin = load::run(&ca, 32, Until::Elapsed(window), prelogin).await?;
    anyhow::ensure!(
        alive.failed + prelogin.failed == 0,
        "{} requests failed",
        alive.failed + prelogin.failed
    );
    server.stop().await?;
    Ok(RateFigures {
        logins_1: logins_1.per_second(),
        logins_4: logins_4.per_second(),
        alive_32: alive.per_second(),
        prelogin_32: prelogin.per_second(),
    })
}
