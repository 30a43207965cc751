//! The billing sync connection and *Sync license* on a self-hosted server, against a cloud on
//! loopback (SPEC §5 steps 3–5 and 10; reference §2.7, §5.1 L2).

use kinwarden_testkit::{ClientAccount, Kdf, TestServer, backends};
use serde_json::{Value, json};

use crate::self_hosted_license::{Pair, pair, self_hosted_owner, upload};
use crate::support::{Session, kinwarden, login, register};

const CREATE: &str = "/api/organizations/licenses/self-hosted";

/// The self-hosted organization made from the pair's license, with its owner's session.
pub(crate) async fn licensed_org(pair: &Pair) -> anyhow::Result<(Session, String)> {
    let server = &pair.self_hosted;
    let (owner, session, org) = self_hosted_owner(server).await?;
    let license = pair.download_license(&pair.installation_id).await?;
    let created: Value = upload(server, &session, CREATE, &license, &owner, &org)
        .await?
        .json()
        .await?;
    let id = created["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("the license upload failed: {created}"))?;
    Ok((session, id.to_string()))
}

/// [`licensed_org`] with its billing sync connection saved (SPEC §5 steps 3–5).
pub(crate) async fn connected_org(pair: &Pair) -> anyhow::Result<(Session, String)> {
    let (session, org_id) = licensed_org(pair).await?;
    let token = billing_sync_token(pair).await?;
    let saved = session
        .post(
            &pair.self_hosted,
            "/api/organizations/connections",
            &connection(&org_id, &token),
        )
        .await?;
    anyhow::ensure!(
        saved.status() == 200,
        "the connection was not saved: {}",
        saved.text().await?
    );
    Ok((session, org_id))
}

/// The session's user offers a Families plan to `email` in `org_id` (self-hosted, S1).
pub(crate) async fn offer(
    server: &TestServer,
    session: &Session,
    org_id: &str,
    email: &str,
) -> anyhow::Result<reqwest::Response> {
    session
        .post(
            server,
            &format!("/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise"),
            &json!({"planSponsorshipType": 0, "sponsoredEmail": email, "friendlyName": "Family"}),
        )
        .await
}

pub(crate) async fn billing_sync_token(pair: &Pair) -> anyhow::Result<String> {
    let answer: Value = pair
        .cloud_session
        .post(
            &pair.cloud,
            &format!("/api/organizations/{}/api-key", pair.cloud_org_id),
            &json!({"type": 1, "masterPasswordHash": pair.cloud_owner.master_password_hash}),
        )
        .await?
        .json()
        .await?;
    Ok(answer["apiKey"].as_str().unwrap_or_default().to_string())
}

pub(crate) fn connection(org_id: &str, token: &str) -> Value {
    json!({"type": 1, "organizationId": org_id, "enabled": true, "config": {"billingSyncKey": token}})
}

async fn message(response: reqwest::Response) -> anyhow::Result<String> {
    let body: Value = response.json().await?;
    Ok(body["message"].as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_checked_on_save_and_sync_license_brings_the_seats() -> anyhow::Result<()> {
    for backend in backends() {
        let pair = pair(backend, 10).await?;
        let server = &pair.self_hosted;
        let (session, org_id) = licensed_org(&pair).await?;
        let token = billing_sync_token(&pair).await?;

        let enabled: bool = session
            .get(server, "/api/organizations/connections/enabled")
            .await?
            .json()
            .await?;
        assert!(enabled);

        // A wrong token is refused at Save, saying the cloud refused it.
        let wrong = session
            .post(
                server,
                "/api/organizations/connections",
                &connection(&org_id, "WrongTokenWrongTokenWrongToken"),
            )
            .await?;
        assert_eq!(wrong.status(), 400);
        let text = message(wrong).await?;
        assert!(
            text.contains("the cloud refused the billing sync token"),
            "{text}"
        );

        // Someone who is not the owner may not.
        let stranger = ClientAccount::new(
            "stranger@selfhost.test",
            "a fine password",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(server, &stranger).await?;
        let stranger_session = login(server, &stranger).await?;
        let refused = stranger_session
            .post(
                server,
                "/api/organizations/connections",
                &connection(&org_id, &token),
            )
            .await?;
        assert_eq!(
            message(refused).await?,
            "You do not have permission to create a connection of type CloudBillingSync."
        );

        // The right token is accepted and stored.
        let saved = session
            .post(
                server,
                "/api/organizations/connections",
                &connection(&org_id, &token),
            )
            .await?;
        assert_eq!(saved.status(), 200);
        let saved: Value = saved.json().await?;
        assert_eq!(saved["config"]["BillingSyncKey"], token.as_str());
        assert_eq!(
            saved["config"]["CloudOrganizationId"],
            pair.cloud_org_id.as_str()
        );
        let read: Value = session
            .get(
                server,
                &format!("/api/organizations/connections/{org_id}/1"),
            )
            .await?
            .json()
            .await?;
        assert_eq!(read["id"], saved["id"]);
        assert_eq!(read["config"]["BillingSyncKey"], token.as_str());
        // At rest the token is sealed: the stored config does not carry it.
        let stored = server
            .store()
            .expect("store")
            .connections_of(
                org_id.parse().expect("an id"),
                kinwarden_core::connections::ConnectionType::BillingSync,
            )
            .await?;
        let stored = stored[0].config.clone().unwrap_or_default();
        assert!(!stored.contains(token.as_str()), "{stored}");
        assert!(stored.contains("\"BillingSyncKey\":\"1."), "{stored}");
        let twice = session
            .post(
                server,
                "/api/organizations/connections",
                &connection(&org_id, &token),
            )
            .await?;
        assert!(
            message(twice)
                .await?
                .contains("already has a connection of type CloudBillingSync")
        );

        // A seat change on the cloud reaches the self-hosted organization by Sync license.
        let adjusted = pair
            .cloud_session
            .post(
                &pair.cloud,
                &format!("/api/organizations/{}/subscription", pair.cloud_org_id),
                &json!({"seatAdjustment": 5}),
            )
            .await?;
        assert_eq!(adjusted.status(), 200);
        let sync_path = format!("/api/organizations/licenses/self-hosted/{org_id}/sync");
        let synced = session.post(server, &sync_path, &json!({})).await?;
        assert_eq!(synced.status(), 200);
        let outcome: Value = synced.json().await?;
        assert_eq!(outcome["succeeded"], true);
        assert_eq!(outcome["counts"]["seats"], 15);
        let org: Value = session
            .get(server, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        assert_eq!(org["seats"], 15);
        let read: Value = session
            .get(
                server,
                &format!("/api/organizations/connections/{org_id}/1"),
            )
            .await?
            .json()
            .await?;
        assert!(read["config"]["LastLicenseSync"].is_string());

        // Doctor checks the license and the token of each organization.
        let (code, out) = kinwarden(&pair.self_hosted, &["doctor"]).await?;
        assert_eq!(code, 0, "{out}");
        assert!(
            out.lines()
                .any(|l| l.starts_with("ok") && l.contains("license of Acme Corp")),
            "{out}"
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with("ok") && l.contains("billing sync of Acme Corp")),
            "{out}"
        );
        let rotated = pair
            .cloud_session
            .post(
                &pair.cloud,
                &format!("/api/organizations/{}/rotate-api-key", pair.cloud_org_id),
                &json!({"type": 1, "masterPasswordHash": pair.cloud_owner.master_password_hash}),
            )
            .await?;
        assert_eq!(rotated.status(), 200);
        let (code, out) = kinwarden(&pair.self_hosted, &["doctor"]).await?;
        assert_ne!(code, 0);
        assert!(
            out.lines().any(|l| l.starts_with("FAIL")
                && l.contains("billing sync of Acme Corp")
                && l.contains("Manage billing sync")),
            "{out}"
        );

        // With the cloud stopped, it fails naming the host, and nothing changes.
        let cloud_host = format!(
            "{}:{}",
            pair.cloud.url.host_str().unwrap_or_default(),
            pair.cloud.url.port().unwrap_or(443)
        );
        let Pair {
            cloud, self_hosted, ..
        } = pair;
        cloud.stop().await?;
        let failed = session.post(&self_hosted, &sync_path, &json!({})).await?;
        assert_eq!(failed.status(), 400);
        let text = message(failed).await?;
        assert!(
            text.contains(&cloud_host) && text.contains("unreachable"),
            "{text}"
        );
        let org: Value = session
            .get(&self_hosted, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        assert_eq!(org["seats"], 15);
        let store = self_hosted.store().expect("running");
        let outcomes = store
            .recent_outcomes(org_id.parse().expect("an id"), "license-sync", 5)
            .await?;
        assert_eq!(outcomes.len(), 2);
        assert!(!outcomes[0].succeeded);
        assert_eq!(outcomes[0].code.as_deref(), Some("cloud_unreachable"));
        assert!(outcomes[1].succeeded);
        self_hosted.stop().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_is_refused_while_cloud_communication_is_off() -> anyhow::Result<()> {
    let pair = pair(kinwarden_testkit::TestBackend::Sqlite, 5).await?;
    let token = billing_sync_token(&pair).await?;
    let license = pair.download_license(&pair.installation_id).await?;
    let off = TestServer::self_hosted()
        .setting("globalSettings__enableCloudCommunication", "false")
        .setting("globalSettings__installation__id", &pair.installation_id)
        .start()
        .await?;
    std::fs::copy(
        pair.self_hosted.bwdata.join("core/licensing.pub.pem"),
        off.bwdata.join("core/licensing.pub.pem"),
    )?;
    let (owner, session, org) = self_hosted_owner(&off).await?;
    let created: Value = upload(&off, &session, CREATE, &license, &owner, &org)
        .await?
        .json()
        .await?;
    let org_id = created["id"].as_str().expect("organization").to_string();
    let enabled: bool = session
        .get(&off, "/api/organizations/connections/enabled")
        .await?
        .json()
        .await?;
    assert!(!enabled);
    let refused = session
        .post(
            &off,
            "/api/organizations/connections",
            &connection(&org_id, &token),
        )
        .await?;
    assert_eq!(refused.status(), 400);
    let text = message(refused).await?;
    assert!(
        text.contains("globalSettings__enableCloudCommunication=true"),
        "{text}"
    );
    off.stop().await?;
    pair.stop().await?;
    Ok(())
}
