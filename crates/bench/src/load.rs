//! A small load generator: `connections` clients, each with one HTTP/1.1 connection of its own,
//! sending one request after another until a deadline or a total count.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub type MakeRequest = Arc<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>;

pub enum Until {
    Elapsed(Duration),
    Count(usize),
}

pub struct LoadResult {
    pub ok: usize,
    pub failed: usize,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
}

/// A client trusting the server's CA, keeping a single HTTP/1.1 connection.
pub fn client(ca: &Path) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(ca)?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
        .http1_only()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(60))
        .build()?)
}

pub async fn run(
    ca: &Path,
    connections: usize,
    until: Until,
    make: MakeRequest,
) -> anyhow::Result<LoadResult> {
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let issued = Arc::new(AtomicUsize::new(0));
    let (deadline, limit) = match until {
        Until::Elapsed(duration) => (Some(Instant::now() + duration), usize::MAX),
        Until::Count(count) => (None, count),
    };
    let mut clients = Vec::new();
    for _ in 0..connections {
        let client = client(ca)?;
        // Open the connection before the clock starts.
        let _ = make(&client).send().await;
        clients.push(client);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in clients {
        let (ok, failed, issued, make) = (ok.clone(), failed.clone(), issued.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                if deadline.is_some_and(|deadline| Instant::now() >= deadline)
                    || issued.fetch_add(1, Ordering::Relaxed) >= limit
                {
                    break;
                }
                match make(&client).send().await {
                    Ok(response) if response.status().is_success() => {
                        let _ = response.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    Ok(LoadResult {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    })
}
