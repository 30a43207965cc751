//! The cloud's license-sync endpoint (reference §5.1 L1): an installation token with scope
//! `api.licensing`, the organization's license key and the billing sync token give a fresh
//! license; each wrong input is refused with its own message.

use chrono::Utc;
use kinwarden_core::license::{self, OrganizationLicense, TrustSource, TrustStore};
use kinwarden_testkit::{TestServer, backends};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::organizations::owner_with_org;

pub(crate) async fn installation_token(
    server: &TestServer,
    scope: &str,
) -> anyhow::Result<(Uuid, String)> {
    let created: Value = server
        .client
        .post(server.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;
    let id: Uuid = created["id"].as_str().unwrap_or_default().parse()?;
    let tokens: Value = server
        .client
        .post(server.at("/identity/connect/token"))
        .form(&[
            ("grant_type", "client_credentials".to_string()),
            ("scope", scope.to_string()),
            ("client_id", format!("installation.{id}")),
            (
                "client_secret",
                created["key"].as_str().unwrap_or_default().to_string(),
            ),
        ])
        .send()
        .await?
        .json()
        .await?;
    Ok((
        id,
        tokens["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    ))
}

#[tokio::test]
async fn a_fresh_license_for_the_right_keys_only() -> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::cloud().backend(backend).start().await?;
        let (owner, owner_session, _org, org_id) =
            owner_with_org(&server, "owner@sync.test", 20, 10).await?;
        let (installation, token) = installation_token(&server, "api.licensing").await?;

        // What the self-hosted server holds: the license it uploaded and the billing sync token.
        let downloaded: Value = owner_session
            .get(
                &server,
                &format!("/api/organizations/{org_id}/license?installationId={installation}"),
            )
            .await?
            .json()
            .await?;
        let license_key = downloaded["licenseKey"]
            .as_str()
            .expect("license key")
            .to_string();
        let api_key: Value = owner_session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/api-key"),
                &json!({"type": 1, "masterPasswordHash": owner.master_password_hash}),
            )
            .await?
            .json()
            .await?;
        let billing_sync_key = api_key["apiKey"].as_str().expect("token").to_string();

        // A seat change on the cloud reaches the next license.
        let adjusted = owner_session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/subscription"),
                &json!({"seatAdjustment": 5}),
            )
            .await?;
        assert_eq!(adjusted.status(), 200, "{}", adjusted.text().await?);

        let path = format!("/api/licenses/organization/{org_id}");
        let sync = |bearer: String, body: Value| {
            let request = server
                .client
                .get(server.at(&path))
                .bearer_auth(bearer)
                .json(&body);
            async move { request.send().await }
        };
        let good = json!({"licenseKey": license_key, "billingSyncKey": billing_sync_key});
        let response = sync(token.clone(), good.clone()).await?;
        assert_eq!(response.status(), 200);
        let fresh: Value = response.json().await?;
        assert_eq!(fresh["seats"], 15);
        assert_eq!(fresh["installationId"], installation.to_string());
        let mut key = TrustStore::built_in();
        key.add_pem(
            &server.get("/api/licenses/public-key").await?.text().await?,
            TrustSource::File("cloud.pem".into()),
        )?;
        license::verify(
            &OrganizationLicense::from_value(fresh)?,
            &key,
            installation,
            Utc::now(),
        )?;

        let wrong_license = sync(
            token.clone(),
            json!({"licenseKey": "x", "billingSyncKey": billing_sync_key}),
        )
        .await?;
        assert_eq!(wrong_license.status(), 400);
        let message = wrong_license.json::<Value>().await?["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.starts_with("Invalid license key."), "{message}");

        let wrong_token = sync(
            token.clone(),
            json!({"licenseKey": license_key, "billingSyncKey": "nope"}),
        )
        .await?;
        assert_eq!(wrong_token.status(), 400);
        let message = wrong_token.json::<Value>().await?["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.starts_with("Invalid Billing Sync Key"), "{message}");

        let unknown = format!("/api/licenses/organization/{}", Uuid::new_v4());
        let missing = server
            .client
            .get(server.at(&unknown))
            .bearer_auth(&token)
            .json(&good)
            .send()
            .await?;
        assert_eq!(missing.status(), 404);

        // Only an installation token with scope api.licensing.
        let user = sync(owner_session.access_token.clone(), good.clone()).await?;
        assert_eq!(user.status(), 403);
        let (_, sponsorship_scope) = installation_token(&server, "api.installation").await?;
        let other_scope = sync(sponsorship_scope, good.clone()).await?;
        assert_eq!(other_scope.status(), 403);
        let anonymous = server
            .client
            .get(server.at(&path))
            .json(&good)
            .send()
            .await?;
        assert_eq!(anonymous.status(), 401);
        server.stop().await?;
    }
    Ok(())
}

/// An installation disabled on the cloud (`kinwarden installation disable`) is refused at once:
/// the token it already holds gets 401 on every call, and enabled again it is served again.
#[tokio::test]
async fn a_disabled_installation_is_refused_on_every_call() -> anyhow::Result<()> {
    for backend in kinwarden_testkit::backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let (id, token) = installation_token(&server, "api.licensing").await?;
        let call = |token: String| {
            let client = server.client.clone();
            let url = server.at(&format!("/api/licenses/organization/{}", Uuid::new_v4()));
            async move {
                client
                    .get(url)
                    .bearer_auth(token)
                    .json(&json!({"licenseKey": "k", "billingSyncKey": "k"}))
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
            }
        };
        // Enabled: the call reaches the organization (404 for one that does not exist).
        assert_eq!(call(token.clone()).await?, 404, "{name}");
        let (code, out) =
            crate::support::kinwarden(&server, &["installation", "disable", &id.to_string()])
                .await?;
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(
            call(token.clone()).await?,
            401,
            "{name}: a disabled installation"
        );
        let (code, out) =
            crate::support::kinwarden(&server, &["installation", "enable", &id.to_string()])
                .await?;
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(call(token).await?, 404, "{name}: enabled again");
        let (code, out) = crate::support::kinwarden(
            &server,
            &["installation", "disable", &Uuid::new_v4().to_string()],
        )
        .await?;
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.contains("no installation"), "{out}");
        server.stop().await?;
    }
    Ok(())
}
