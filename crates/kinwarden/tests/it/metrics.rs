//! `/metrics` (SPEC §9 "metrics"): off by default; when on, requests are counted by route
//! template, and sync runs, batch sizes and job runs move as they happen.

use std::time::{Duration, Instant};

use kinwarden_testkit::TestServer;
use serde_json::{Value, json};

use crate::connections::{billing_sync_token, connection, licensed_org};
use crate::license_sync::installation_token;
use crate::organizations::owner_with_org;
use crate::self_hosted_license::pair_with;

async fn scrape(server: &TestServer) -> anyhow::Result<String> {
    let response = server.get("/metrics").await?;
    anyhow::ensure!(response.status() == 200, "metrics: {}", response.status());
    Ok(response.text().await?)
}

/// The value of the sample whose line starts with `series` (name and labels as written).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

/// Scrapes until `series` reaches `at_least`.
async fn scrape_until(server: &TestServer, series: &str, at_least: f64) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = scrape(server).await?;
        if sample(&text, series).is_some_and(|value| value >= at_least) {
            return Ok(text);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{series} never reached {at_least}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for() -> anyhow::Result<()> {
    let server = TestServer::cloud().start().await?;
    assert_eq!(server.get("/metrics").await?.status(), 404);
    server.stop().await
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_cloud_batches_by_size() -> anyhow::Result<()> {
    let server = TestServer::cloud()
        .setting("kinwarden__metrics", "true")
        .start()
        .await?;
    let (owner, session, _org, org_id) =
        owner_with_org(&server, "owner@metrics.test", 20, 5).await?;
    for _ in 0..3 {
        let answer = session
            .get(&server, &format!("/api/organizations/{org_id}?x=1"))
            .await?;
        assert_eq!(answer.status(), 200);
    }
    server.get("/api/no/such/route").await?;
    // Methods a client makes up share one label too.
    for made_up in ["BREW", "PROPFIND", "X-SCAN-1"] {
        server
            .client
            .request(
                reqwest::Method::from_bytes(made_up.as_bytes())?,
                server.at("/api/config"),
            )
            .send()
            .await?;
    }

    let text = scrape(&server).await?;
    let series = "kinwarden_http_requests_total{method=\"GET\",route=\"/api/organizations/{org_id}\",status=\"200\"}";
    assert_eq!(sample(&text, series), Some(3.0), "{text}");
    assert!(
        sample(
            &text,
            "kinwarden_http_request_duration_seconds_count{method=\"GET\",route=\"/api/organizations/{org_id}\"}"
        ) == Some(3.0),
        "{text}"
    );
    // Ids, queries and unknown paths never become labels.
    assert!(!text.contains(&org_id), "{text}");
    assert!(
        !text.contains("x=1") && !text.contains("/no/such"),
        "{text}"
    );
    assert!(text.contains("route=\"unmatched\""), "{text}");
    assert!(
        !text.contains("BREW") && !text.contains("PROPFIND") && !text.contains("X-SCAN-1"),
        "{text}"
    );
    assert!(text.contains("method=\"other\""), "{text}");

    // A batch of three sponsorships, as a self-hosted server sends it.
    let api_key: Value = session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/api-key"),
            &json!({"type": 1, "masterPasswordHash": owner.master_password_hash}),
        )
        .await?
        .json()
        .await?;
    let (_, token) = installation_token(&server, "api.installation").await?;
    let batch: Vec<Value> = (0..3)
        .map(|n| {
            json!({
                "sponsoringOrganizationUserId": uuid::Uuid::new_v4(),
                "friendlyName": format!("friend{n}@family.test"),
                "offeredToEmail": format!("friend{n}@family.test"),
                "planSponsorshipType": 0,
                "lastSyncDate": null,
                "validUntil": null,
                "toDelete": false,
            })
        })
        .collect();
    let synced = server
        .client
        .post(server.at("/api/organization/sponsorship/sync"))
        .bearer_auth(&token)
        .json(&json!({
            "billingSyncKey": api_key["apiKey"],
            "sponsoringOrganizationCloudId": org_id,
            "sponsorshipsBatch": batch,
        }))
        .send()
        .await?;
    assert_eq!(synced.status(), 200);
    let text = scrape(&server).await?;
    assert_eq!(
        sample(
            &text,
            "kinwarden_sponsorship_sync_batch_size_count{direction=\"received\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "kinwarden_sponsorship_sync_batch_size_sum{direction=\"received\"}"
        ),
        Some(3.0),
        "{text}"
    );
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_runs_batches_and_job_runs_are_counted_on_a_self_hosted_server() -> anyhow::Result<()>
{
    let pair = pair_with(
        kinwarden_testkit::TestBackend::Sqlite,
        10,
        &[
            ("kinwarden__syncDebounce", "200ms"),
            ("kinwarden__metrics", "true"),
        ],
    )
    .await?;
    let server = &pair.self_hosted;
    // A fresh server runs its daily jobs soon after start: none has run yet.
    let text = scrape_until(
        server,
        "kinwarden_job_runs_total{job=\"license-validation\",result=\"succeeded\"}",
        1.0,
    )
    .await?;
    assert!(
        text.contains("kinwarden_job_runs_total{job=\"sponsorship-sync\""),
        "{text}"
    );

    let (session, org_id) = licensed_org(&pair).await?;
    let token = billing_sync_token(&pair).await?;
    session
        .post(
            server,
            "/api/organizations/connections",
            &connection(&org_id, &token),
        )
        .await?;
    let offered = session
        .post(
            server,
            &format!("/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise"),
            &json!({"planSponsorshipType": 0, "sponsoredEmail": "counted@example.com", "friendlyName": "Counted"}),
        )
        .await?;
    assert_eq!(offered.status(), 200);
    // The change brings a sync, which sends one batch of one.
    let text = scrape_until(
        server,
        "kinwarden_sponsorship_sync_runs_total{started_by=\"change\",result=\"succeeded\"}",
        1.0,
    )
    .await?;
    assert!(
        sample(
            &text,
            "kinwarden_sponsorship_sync_batch_size_count{direction=\"sent\"}"
        )
        .is_some_and(|count| count >= 1.0),
        "{text}"
    );
    pair.stop().await?;
    Ok(())
}
