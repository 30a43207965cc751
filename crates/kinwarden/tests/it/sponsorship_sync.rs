//! The sponsorship sync end to end (SPEC §5 steps 6–7): a member's offer awaits sync on the
//! self-hosted server; `kinwarden sync` and the Portal's *Manually Sync* send it to the cloud,
//! which records it; the self-hosted row then carries the cloud's sync date; every attempt is
//! recorded and shown.

use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys};
use serde_json::{Value, json};

use crate::organizations::link_param;
use crate::support::{kinwarden, login};

use crate::connections::{billing_sync_token, connected_org, connection, licensed_org, offer};
use crate::self_hosted_license::pair_with;

/// The token of the offer e-mail the cloud wrote to its outbox directory.
async fn offer_token(cloud: &kinwarden_testkit::TestServer) -> anyhow::Result<String> {
    for _ in 0..150 {
        let found = std::fs::read_dir(cloud.mail_dir())?
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
            .filter(|mail| mail.contains("accept-families-for-enterprise"))
            .find_map(|mail| {
                let start = mail.find("https://")?;
                link_param(&mail[start..], "token")
            });
        if let Some(token) = found {
            return Ok(token);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("no offer e-mail in {}", cloud.mail_dir().display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_awaits_sync_until_the_cloud_has_it() -> anyhow::Result<()> {
    for backend in kinwarden_testkit::backends() {
        let pair = pair_with(backend, 10, &[("adminSettings__admins", "ops@example.com")]).await?;
        let server = &pair.self_hosted;
        let (session, org_id) = licensed_org(&pair).await?;

        // Before any connection, a sync says what is missing, and records it.
        let (code, out) = kinwarden(server, &["sync", "--org", &org_id]).await?;
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("Manage billing sync"), "{out}");

        let token = billing_sync_token(&pair).await?;
        let saved = session
            .post(
                server,
                "/api/organizations/connections",
                &connection(&org_id, &token),
            )
            .await?;
        assert_eq!(saved.status(), 200);

        // The owner offers a Families plan: Awaiting Sync (no last sync date).
        let offered = offer(server, &session, &org_id, "family@example.com").await?;
        assert_eq!(offered.status(), 200, "{}", offered.text().await?);
        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        assert!(sync["profile"]["organizations"][0]["familySponsorshipLastSyncDate"].is_null());

        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("synced"), "{out}");

        // The self-hosted row now carries the cloud's date, and the cloud has the sponsorship.
        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        assert!(
            sync["profile"]["organizations"][0]["familySponsorshipLastSyncDate"].is_string(),
            "{sync}"
        );
        let cloud_status: Value = pair
            .cloud_session
            .get(
                &pair.cloud,
                &format!(
                    "/api/organization/sponsorship/{}/sync-status",
                    pair.cloud_org_id
                ),
            )
            .await?
            .json()
            .await?;
        assert!(cloud_status["lastSyncDate"].is_string(), "{cloud_status}");

        // The owner's status view of the recorded outcomes.
        let status: Value = session
            .get(
                server,
                &format!("/api/organizations/{org_id}/billing-sync/status"),
            )
            .await?
            .json()
            .await?;
        assert_eq!(status["lastResult"], "succeeded");
        assert!(status["lastSuccess"].is_string());
        assert_eq!(status["counts"]["sent"], 1);
        assert_eq!(status["lastError"]["code"], "no_connection");

        // The cloud mailed the offer; the recipient registers with its token, creates a Families
        // organization and redeems.
        let token = offer_token(&pair.cloud).await?;
        let family = ClientAccount::new(
            "family@example.com",
            "family password!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        let mut finish = family.register_finish()?;
        finish.org_sponsored_free_family_plan_token = Some(token.clone());
        let registered = pair
            .cloud
            .client
            .post(pair.cloud.at("/identity/accounts/register/finish"))
            .json(&finish)
            .send()
            .await?;
        assert_eq!(registered.status(), 200, "{}", registered.text().await?);
        let family_session = login(&pair.cloud, &family).await?;
        let checked: Value = family_session
            .post(
                &pair.cloud,
                &format!("/api/organization/sponsorship/validate-token?sponsorshipToken={token}"),
                &json!({}),
            )
            .await?
            .json()
            .await?;
        assert_eq!(checked["isTokenValid"], true);
        let keys = OrganizationKeys::generate()?;
        let mut body = keys.create_request(&family, "The Family", "family@example.com")?;
        body["planType"] = json!(22);
        body["additionalSeats"] = json!(0);
        let created: Value = family_session
            .post(&pair.cloud, "/api/organizations", &body)
            .await?
            .json()
            .await?;
        let family_org = created["id"].as_str().expect("families org").to_string();
        let redeemed = family_session
            .post(
                &pair.cloud,
                &format!("/api/organization/sponsorship/redeem?sponsorshipToken={token}"),
                &json!({"planSponsorshipType": 0, "sponsoredOrganizationId": family_org}),
            )
            .await?;
        assert_eq!(redeemed.status(), 200, "{}", redeemed.text().await?);
        let again = family_session
            .post(
                &pair.cloud,
                &format!("/api/organization/sponsorship/redeem?sponsorshipToken={token}"),
                &json!({"planSponsorshipType": 0, "sponsoredOrganizationId": family_org}),
            )
            .await?;
        assert_eq!(again.status(), 400, "a token redeems once");
        let subscription: Value = family_session
            .get(
                &pair.cloud,
                &format!("/api/organizations/{family_org}/subscription"),
            )
            .await?
            .json()
            .await?;
        assert!(
            subscription.to_string().contains("sponsored"),
            "the ledger shows the sponsorship: {subscription}"
        );

        // The next sync brings the sponsored period back to the self-hosted member.
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{out}");
        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        assert!(
            sync["profile"]["organizations"][0]["familySponsorshipValidUntil"].is_string(),
            "{sync}"
        );
        pair.stop().await?;
    }
    Ok(())
}

/// The member's profile organization, polled until `done` holds (the sync runs in the background).
async fn profile_until(
    server: &kinwarden_testkit::TestServer,
    session: &crate::support::Session,
    done: impl Fn(&Value) -> bool,
) -> anyhow::Result<Value> {
    for _ in 0..100 {
        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        let org = sync["profile"]["organizations"][0].clone();
        if done(&org) {
            return Ok(org);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("the profile never reached the expected state")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_synced_soon_after() -> anyhow::Result<()> {
    let pair = pair_with(
        kinwarden_testkit::TestBackend::Sqlite,
        10,
        &[("kinwarden__syncDebounce", "200ms")],
    )
    .await?;
    let server = &pair.self_hosted;
    let (session, org_id) = connected_org(&pair).await?;
    let offered = session
        .post(
            server,
            &format!("/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise"),
            &json!({"planSponsorshipType": 0, "sponsoredEmail": "soon@example.com", "friendlyName": "Soon"}),
        )
        .await?;
    assert_eq!(offered.status(), 200);
    // No one asked for a sync: the change itself brings it.
    profile_until(server, &session, |org| {
        org["familySponsorshipLastSyncDate"].is_string()
    })
    .await?;

    // Revoking the synced offer marks it to delete; the next sync removes it on both sides.
    let revoked = session
        .delete(
            server,
            &format!("/api/organization/sponsorship/self-hosted/{org_id}"),
        )
        .await?;
    assert_eq!(revoked.status(), 200);
    profile_until(server, &session, |org| {
        org["familySponsorshipFriendlyName"].is_null()
    })
    .await?;
    let outcomes = server
        .store()
        .expect("running")
        .recent_outcomes(org_id.parse().expect("an id"), "sponsorship-sync", 5)
        .await?;
    assert!(
        outcomes
            .iter()
            .all(|o| o.succeeded && o.started_by == "change"),
        "{outcomes:?}"
    );
    pair.stop().await?;
    Ok(())
}

/// SPEC §6: when the cloud skips an offer (here: its sponsoring organization has been disabled
/// for more than 93 days), the reason is kept beside the offer: in the member's profile and on
/// the Portal's organization page. It stays Awaiting Sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skipped_offer_says_why() -> anyhow::Result<()> {
    use anyhow::Context;
    let pair = pair_with(
        kinwarden_testkit::TestBackend::Sqlite,
        10,
        &[("adminSettings__admins", "ops@example.com")],
    )
    .await?;
    let server = &pair.self_hosted;
    let (session, org_id) = connected_org(&pair).await?;
    let offered = offer(server, &session, &org_id, "family@example.com").await?;
    assert_eq!(offered.status(), 200);

    let cloud_store = pair.cloud.store().context("cloud store")?;
    let long_ago = chrono::Utc::now().timestamp_millis() - 100 * 24 * 60 * 60 * 1000;
    let notice = kinwarden_mail::messages::LicenseExpired {
        billing_email: "billing@cloud.test",
        organization_name: "Acme",
        reason: "test",
    }
    .render(&pair.cloud.url, kinwarden_mail::Lang::En);
    cloud_store
        .disable_organization(
            pair.cloud_org_id.parse().expect("an id"),
            long_ago,
            &notice,
            long_ago,
        )
        .await?;

    let (code, out) = kinwarden(server, &["sync"]).await?;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("sponsor_disabled"), "{out}");
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    let member_org = &sync["profile"]["organizations"][0];
    assert_eq!(
        member_org["familySponsorshipSyncSkippedReason"],
        "sponsor_disabled"
    );
    assert!(
        member_org["familySponsorshipLastSyncDate"].is_null(),
        "still Awaiting Sync"
    );

    let client = crate::portal::no_redirects(&server.bwdata.join("ssl/ca.crt"))?;
    let cookie = crate::portal::portal_session(server, &client, "ops@example.com").await?;
    let page = client
        .get(server.at(&format!("/admin/organizations/{org_id}")))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains("Awaiting Sync") && page.contains("sponsor_disabled"),
        "{page}"
    );
    assert!(
        page.contains("Last success") && page.contains("Next run"),
        "{page}"
    );
    pair.stop().await?;
    Ok(())
}

/// A member offers again to another address before the family redeemed: the next sync ends the
/// offer to the first address on the cloud (its row, and so its token, is gone) and mails the
/// new address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_address_reaches_the_cloud() -> anyhow::Result<()> {
    use anyhow::Context;
    for backend in kinwarden_testkit::backends() {
        let name = backend.name();
        let pair = pair_with(backend, 10, &[]).await?;
        let server = &pair.self_hosted;
        let (session, org_id) = connected_org(&pair).await?;
        let offered = offer(server, &session, &org_id, "first@example.com").await?;
        assert_eq!(offered.status(), 200, "{name}");
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let cloud_store = pair.cloud.store().context("cloud store")?.clone();
        let cloud_org = pair.cloud_org_id.parse().expect("an id");
        let first = cloud_store.sponsorships_of_organization(cloud_org).await?;
        assert_eq!(first.len(), 1, "{name}");

        let again = session
            .post(
                server,
                &format!(
                    "/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise"
                ),
                &json!({"planSponsorshipType": 0, "sponsoredEmail": "second@example.com", "friendlyName": "Second family"}),
            )
            .await?;
        assert_eq!(again.status(), 200, "{name}");
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");

        let rows = cloud_store.sponsorships_of_organization(cloud_org).await?;
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert_ne!(rows[0].id, first[0].id, "{name}: the first offer ended");
        assert_eq!(
            rows[0].offered_to_email.as_deref(),
            Some("second@example.com")
        );
        assert!(
            cloud_store.sponsorship(first[0].id).await?.is_none(),
            "{name}"
        );
        let mailed: Vec<String> = cloud_store
            .list_mail()
            .await?
            .iter()
            .filter(|mail| crate::support::is_sponsorship_offer(mail))
            .map(|mail| mail.recipient.clone())
            .collect();
        assert!(
            mailed.iter().any(|to| to == "second@example.com"),
            "{name}: {mailed:?}"
        );
    }
    Ok(())
}
