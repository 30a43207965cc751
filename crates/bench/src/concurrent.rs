//! SPEC §10 "32 concurrent installations": each sends its organization's offers to one cloud in
//! 1,000-item batches, all at once; against the floor of 32 writers upserting the same shape of
//! rows raw, 1,000 per transaction.

use std::time::{Duration, Instant};

use kinwarden_testkit::TestBackend;
use serde_json::{Value, json};

use crate::raw::{self, CHUNK};
use crate::setup::{self, CloudOwner, SilentSmtp};
use crate::sync::Scratch;

pub const INSTALLATIONS: usize = 32;

pub struct Load {
    pub rows_per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

pub struct ConcurrentFigures {
    /// New offers (rows and offer e-mails).
    pub sync: Load,
    /// The same items again, nothing new.
    pub again: Load,
    pub floor: Load,
}

pub async fn run(backend: &TestBackend, batches: usize) -> anyhow::Result<ConcurrentFigures> {
    let floor = floor(backend, batches).await?;
    let smtp = SilentSmtp::start().await?;
    let cloud = smtp.cloud(backend).start().await?;
    let owner = CloudOwner::new(&cloud, "owner@cloud.test").await?;
    let ca = cloud.bwdata.join("ssl/ca.crt");
    let mut senders = Vec::new();
    for _ in 0..INSTALLATIONS {
        let (org_id, sync_key) = owner.organization(&cloud).await?;
        let (id, key) = setup::installation(&cloud).await?;
        let token = setup::installation_token(&cloud, &id, &key).await?;
        // One client, so one connection, per installation.
        let pem = std::fs::read(&ca)?;
        let client = reqwest::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
            .timeout(Duration::from_secs(300))
            .build()?;
        let bodies: Vec<Value> = (0..batches)
            .map(|b| {
                let items: Vec<Value> = raw::offers(&org_id, CHUNK, &format!("{id}-{b}"))
                    .iter()
                    .map(|row| {
                        json!({
                            "sponsoringOrganizationUserId": row.member_id,
                            "friendlyName": row.friendly_name,
                            "offeredToEmail": row.email,
                            "planSponsorshipType": 0,
                            "lastSyncDate": null,
                            "validUntil": null,
                            "toDelete": false,
                        })
                    })
                    .collect();
                json!({"billingSyncKey": sync_key, "sponsoringOrganizationCloudId": org_id,
                       "sponsorshipsBatch": items})
            })
            .collect();
        senders.push((client, token, bodies));
    }
    let url = cloud.at("/api/organization/sponsorship/sync");
    let senders: Vec<_> = senders
        .into_iter()
        .map(|(client, token, bodies)| (client, token, std::sync::Arc::new(bodies)))
        .collect();
    // First the installations' new offers, then the same items again: a daily sync that
    // finds nothing new.
    let first = round(&senders, &url).await?;
    let again = round(&senders, &url).await?;
    cloud.stop().await?;
    Ok(ConcurrentFigures {
        sync: first,
        again,
        floor,
    })
}

type Sender = (reqwest::Client, String, std::sync::Arc<Vec<Value>>);

/// Every installation sends its batches, one after another, all installations at once.
async fn round(senders: &[Sender], url: &str) -> anyhow::Result<Load> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (client, token, bodies) in senders {
        let (client, token, bodies, url) = (
            client.clone(),
            token.clone(),
            bodies.clone(),
            url.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for body in bodies.iter() {
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(body)
                    .send()
                    .await?;
                let status = response.status();
                let answer: Value = response.json().await?;
                latencies.push(sent.elapsed());
                anyhow::ensure!(status.is_success(), "sync batch: {status} {answer}");
                let answered = answer["sponsorshipsBatch"].as_array().map_or(0, Vec::len);
                anyhow::ensure!(answered == CHUNK, "the cloud answered {answered} items");
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(load(latencies, started.elapsed()))
}

async fn floor(backend: &TestBackend, batches: usize) -> anyhow::Result<Load> {
    let scratch = Scratch::new(backend).await?;
    let db = std::sync::Arc::new(scratch.open().await?);
    let mut work = Vec::new();
    for i in 0..INSTALLATIONS {
        let org = uuid::Uuid::new_v4().to_string();
        db.insert_organization(&org).await?;
        let rows = raw::offers(&org, CHUNK * batches, &format!("floor-{i}"));
        work.push(rows);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for rows in work {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for chunk in rows.chunks(CHUNK) {
                let sent = Instant::now();
                db.upsert_chunk(chunk).await?;
                latencies.push(sent.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    db.close().await;
    Ok(load(latencies, elapsed))
}

fn load(mut latencies: Vec<Duration>, elapsed: Duration) -> Load {
    latencies.sort();
    let rows = (latencies.len() * CHUNK) as f64;
    Load {
        rows_per_second: rows / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
    }
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
