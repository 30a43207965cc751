//! Terms from the license, grace and expiry, and the opt-in automatic refresh on a self-hosted
//! server (SPEC §12), with a cloud on loopback and the self-hosted server on a shifted clock.

use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};
use kinwarden_core::clock::ManualClock;
use kinwarden_core::license::{
    self, CURRENT_VERSION, Casing, LicenseSigningKey, OrganizationFacts, OrganizationLicense,
};
use kinwarden_testkit::{TestServer, backends};
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::connections::connected_org;
use crate::members_access::pages::page_session;
use crate::pages::no_redirects;
use crate::self_hosted_license::{Pair, PairOptions, pair_setup, self_hosted_owner, upload};
use crate::support::{Session, login};

const CREATE: &str = "/api/organizations/licenses/self-hosted";
/// The plan type of the cloud organization `pair_setup` makes (Enterprise, annually).
const ENTERPRISE_ANNUALLY: i32 = 20;

/// A license for the pair's installation and cloud organization, issued `issued`, changed by
/// `edit` and signed with the cloud's key, as the owner would download it.
async fn signed_license(
    pair: &Pair,
    issued: DateTime<Utc>,
    edit: impl FnOnce(&mut OrganizationLicense),
) -> anyhow::Result<String> {
    let downloaded = OrganizationLicense::from_json(
        pair.download_license(&pair.installation_id)
            .await?
            .as_bytes(),
    )?;
    let facts = OrganizationFacts {
        id: downloaded.id,
        name: downloaded.name.clone().unwrap_or_default(),
        billing_email: downloaded.billing_email.clone().unwrap_or_default(),
        plan_type: downloaded.plan_type,
        seats: downloaded.seats,
        max_collections: None,
        enabled: true,
        expiration_date: downloaded.expires,
        license_key: downloaded.license_key.clone().unwrap_or_default(),
    };
    let mut unsigned = license::build(
        &facts,
        pair.installation_id.parse()?,
        issued,
        CURRENT_VERSION,
    );
    edit(&mut unsigned);
    let key = LicenseSigningKey::from_pem(&std::fs::read_to_string(
        pair.cloud.bwdata.join("core/licensing.key.pem"),
    )?)?;
    let signed = license::sign(unsigned, &key, None)?;
    Ok(serde_json::to_string(&signed.to_value(Casing::Camel))?)
}

/// Records on the cloud the payment of the year after `paid_until` for the pair's organization.
async fn renew_on_cloud(pair: &Pair, paid_until: DateTime<Utc>) -> anyhow::Result<()> {
    let store = pair
        .cloud
        .store()
        .ok_or_else(|| anyhow::anyhow!("the cloud stopped"))?;
    let now = Utc::now().timestamp_millis();
    let entry = kinwarden_store::SubscriptionPeriodRecord {
        id: kinwarden_core::ids::SubscriptionPeriodId::new(),
        organization_id: pair.cloud_org_id.parse()?,
        kind: kinwarden_core::subscription::EntryKind::PaymentRecorded
            .name()
            .to_string(),
        start_date: paid_until.timestamp_millis(),
        end_date: Some((paid_until + Duration::days(365)).timestamp_millis()),
        plan_type: ENTERPRISE_ANNUALLY,
        seats: Some(10),
        recorded_by: Some("test".to_string()),
        created_at: now,
    };
    anyhow::ensure!(
        store.record_payment(&entry, now).await?,
        "no such cloud organization"
    );
    Ok(())
}

async fn json_of(response: reqwest::Response) -> anyhow::Result<(u16, Value)> {
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

/// The organization as the owner's profile shows it.
async fn profile_org(server: &TestServer, session: &Session) -> anyhow::Result<Value> {
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    Ok(sync["profile"]["organizations"][0].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_license_s_terms_reach_the_profile_and_are_enforced() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let pair = pair_setup(backend, 10, PairOptions::default()).await?;
        let server = &pair.self_hosted;
        let (owner, session, org) = self_hosted_owner(server).await?;
        // An Enterprise plan type whose license leaves out groups, the API and premium, with
        // its own seats, collections and storage.
        let narrow = signed_license(&pair, Utc::now(), |license| {
            license.use_groups = false;
            license.use_api = false;
            license.users_get_premium = false;
            license.seats = Some(2);
            license.max_collections = Some(1);
            license.max_storage_gb = Some(3);
        })
        .await?;
        let (status, created) =
            json_of(upload(server, &session, CREATE, &narrow, &owner, &org).await?).await?;
        assert_eq!(status, 200, "{name}: {created}");
        assert_eq!(created["useGroups"], false, "{name}");
        assert_eq!(created["maxStorageGb"], 3, "{name}");
        let org_id = created["id"].as_str().unwrap_or_default().to_string();

        let shown = profile_org(server, &session).await?;
        assert_eq!(shown["useGroups"], false, "{name}: {shown}");
        assert_eq!(shown["useApi"], false, "{name}");
        assert_eq!(shown["usePolicies"], true, "{name}");
        assert_eq!(shown["usersGetPremium"], false, "{name}");
        assert_eq!(shown["seats"], 2, "{name}");
        assert_eq!(shown["maxCollections"], 1, "{name}");
        assert_eq!(shown["maxStorageGb"], 3, "{name}");
        let read: Value = session
            .get(server, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        assert_eq!(read["useGroups"], false, "{name}: {read}");
        assert_eq!(read["seats"], 2, "{name}");

        // Groups are refused as for a plan without them; the seats are the license's.
        let (status, refused) = json_of(
            session
                .post(
                    server,
                    &format!("/api/organizations/{org_id}/groups"),
                    &json!({"name": "Team"}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}: {refused}");
        assert_eq!(
            refused["message"], "This organization cannot use groups.",
            "{name}"
        );
        let (status, refused) = json_of(
            session
                .post(
                    server,
                    &format!("/api/organizations/{org_id}/users/invite"),
                    &json!({"emails": ["a@selfhost.test", "b@selfhost.test"], "type": 2}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}: {refused}");

        // A new license with groups and more seats replaces those terms at once.
        let wide = signed_license(&pair, Utc::now(), |license| {
            license.seats = Some(12);
        })
        .await?;
        let path = format!("/api/organizations/licenses/self-hosted/{org_id}");
        let (status, replaced) =
            json_of(upload(server, &session, &path, &wide, &owner, &org).await?).await?;
        assert_eq!(status, 200, "{name}: {replaced}");
        let shown = profile_org(server, &session).await?;
        assert_eq!(shown["useGroups"], true, "{name}: {shown}");
        assert_eq!(shown["usersGetPremium"], true, "{name}");
        assert_eq!(shown["seats"], 12, "{name}");
        let made = session
            .post(
                server,
                &format!("/api/organizations/{org_id}/groups"),
                &json!({"name": "Team"}),
            )
            .await?;
        assert_eq!(made.status(), 200, "{name}");

        // Without the opt-in, the refresh job has nothing to do.
        let ran = server.run_job("license-refresh").await?;
        assert!(
            ran.as_deref()
                .is_ok_and(|text| text.contains("licenseAutoRefresh")),
            "{name}: {ran:?}"
        );
        pair.stop().await?;
    }
    Ok(())
}

/// How many expiry e-mails the self-hosted server has queued, and the last one's subject.
async fn expiry_mails(server: &TestServer) -> anyhow::Result<(usize, String)> {
    let store = server.store().ok_or_else(|| anyhow::anyhow!("stopped"))?;
    let mails: Vec<_> = store
        .list_mail()
        .await?
        .into_iter()
        .filter(|mail| mail.kind == "license-expiring")
        .collect();
    let last = mails
        .iter()
        .max_by_key(|mail| mail.created_at)
        .map(|mail| mail.subject.clone())
        .unwrap_or_default();
    Ok((mails.len(), last))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_banner_expiry_mails_once_each_and_expires_enforced() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let start = Utc::now().duration_trunc(Duration::seconds(1))?;
        let clock = Arc::new(ManualClock::new(start));
        let pair = pair_setup(
            backend,
            10,
            PairOptions {
                self_hosted_clock: Some(clock.clone()),
                ..PairOptions::default()
            },
        )
        .await?;
        let server = &pair.self_hosted;
        let (owner, session, org) = self_hosted_owner(server).await?;
        // An annual license: paid for 40 days, with the cloud's 60 days of grace after.
        let paid = start + Duration::days(40);
        let expires = start + Duration::days(100);
        let license = signed_license(&pair, start - Duration::minutes(1), |license| {
            license.expires = Some(expires);
            license.expiration_without_grace_period = Some(paid);
        })
        .await?;
        let (status, created) =
            json_of(upload(server, &session, CREATE, &license, &owner, &org).await?).await?;
        assert_eq!(status, 200, "{name}: {created}");
        let org_id = created["id"].as_str().unwrap_or_default().to_string();

        let client = no_redirects(server)?;
        let page_path = format!("/organizations/{org_id}/billing/subscription");
        // Signed in afresh each time: sessions end on the server's (shifted) clock.
        let page = || async {
            let cookies = page_session(server, &client, &owner).await?;
            let response = client
                .get(server.at(&page_path))
                .header(COOKIE, &cookies)
                .send()
                .await?;
            anyhow::ensure!(response.status() == 200, "page: {}", response.status());
            Ok::<String, anyhow::Error>(response.text().await?)
        };
        // The API answers both dates as the reference's self-hosted subscription does.
        let subscription: Value = session
            .get(server, &format!("/api/organizations/{org_id}/subscription"))
            .await?
            .json()
            .await?;
        let wire_day = |field: &str| -> String {
            subscription[field]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(10)
                .collect()
        };
        assert_eq!(
            wire_day("expiration"),
            expires.format("%Y-%m-%d").to_string(),
            "{name}: {subscription}"
        );
        assert_eq!(
            wire_day("expirationWithoutGracePeriod"),
            paid.format("%Y-%m-%d").to_string(),
            "{name}"
        );
        let shown = page().await?;
        assert!(
            !shown.contains("license-expiry-warning"),
            "{name}: no banner yet"
        );
        assert!(shown.contains("Grace period ends"), "{name}");
        assert!(
            shown.contains(&paid.format("%Y-%m-%d").to_string()),
            "{name}: the paid end"
        );
        assert!(
            shown.contains(&expires.format("%Y-%m-%d").to_string()),
            "{name}: the grace end"
        );

        // Within the grace: the banner.
        clock.set(paid + Duration::days(1));
        let shown = page().await?;
        assert!(shown.contains("license-expiry-warning"), "{name}: {shown}");
        assert!(
            shown.contains("The paid period of this license has ended"),
            "{name}"
        );

        // The e-mails: 30, 7 and 1 days before Expires, each once, none on a re-run. The
        // scheduler may run a slot itself when the clock moves; counts do not depend on who ran.
        clock.set(expires - Duration::days(31));
        server
            .run_job("license-expiry")
            .await?
            .map_err(anyhow::Error::msg)?;
        assert_eq!(expiry_mails(server).await?.0, 0, "{name}: not yet");
        for (at, count, days) in [
            (expires - Duration::days(30) + Duration::hours(1), 1, "30"),
            (expires - Duration::days(7) + Duration::hours(1), 2, "7"),
            (expires - Duration::hours(1), 3, "1"),
        ] {
            clock.set(at);
            server
                .run_job("license-expiry")
                .await?
                .map_err(anyhow::Error::msg)?;
            let (sent, subject) = expiry_mails(server).await?;
            assert_eq!(sent, count, "{name}: the {days}-day notice");
            assert!(
                subject.contains(&format!("in {days} day(s)")),
                "{name}: {subject}"
            );
            clock.advance(Duration::minutes(1));
            server
                .run_job("license-expiry")
                .await?
                .map_err(anyhow::Error::msg)?;
            assert_eq!(expiry_mails(server).await?.0, count, "{name}: once");
        }

        // After Expires the validation disables the organization, and the page says so.
        clock.set(expires + Duration::hours(1));
        server
            .run_job("license-validation")
            .await?
            .map_err(anyhow::Error::msg)?;
        let session = login(server, &owner).await?;
        let read: Value = session
            .get(server, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        assert_eq!(read["enabled"], false, "{name}: {read}");
        let shown = page().await?;
        assert!(shown.contains("This license expired on"), "{name}");
        server
            .run_job("license-expiry")
            .await?
            .map_err(anyhow::Error::msg)?;
        assert_eq!(
            expiry_mails(server).await?.0,
            3,
            "{name}: nothing after expiry"
        );
        pair.stop().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_automatic_refresh_is_shown_where_sync_license_is() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        // A little ahead of the cloud, whose licenses are issued on its own clock.
        let clock = Arc::new(ManualClock::new(Utc::now() + Duration::minutes(5)));
        let cloud_clock = Arc::new(ManualClock::new(Utc::now()));
        let pair = pair_setup(
            backend,
            10,
            PairOptions {
                extra: &[("kinwarden__licenseAutoRefresh", "true")],
                self_hosted_clock: Some(clock.clone()),
                cloud_clock: Some(cloud_clock.clone()),
                ..PairOptions::default()
            },
        )
        .await?;
        let server = &pair.self_hosted;
        let (session, org_id) = connected_org(&pair).await?;
        let store = server.store().ok_or_else(|| anyhow::anyhow!("stopped"))?;
        let org: kinwarden_core::ids::OrganizationId = org_id.parse()?;

        // A year left: nothing is fetched.
        server
            .run_job("license-refresh")
            .await?
            .map_err(anyhow::Error::msg)?;
        assert!(
            store
                .recent_outcomes(org, "license-sync", 5)
                .await?
                .is_empty(),
            "{name}"
        );

        // Ten days before Expires the job fetches a fresh license.
        let read: Value = session
            .get(server, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        let expires: DateTime<Utc> = read["expirationDate"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no expiration: {read}"))?
            .parse()?;
        // An annual license's Expires holds 60 days of grace past the paid year, and its token
        // lives a year from issue: a refresh is due a year on, by both clocks. Unpaid, the
        // cloud's fresh license ends with the paid year, already past: the refresh fails, is
        // recorded and shown with its cause, and the warning stays.
        let refresh_at = expires - Duration::days(10);
        clock.set(refresh_at);
        cloud_clock.set(refresh_at - Duration::minutes(5));
        let ran = server.run_job("license-refresh").await?;
        let last = store.recent_outcomes(org, "license-sync", 1).await?;
        assert!(
            last.first()
                .is_some_and(|o| o.started_by == "job" && !o.succeeded),
            "{name}: {ran:?} {last:?}"
        );
        let client = no_redirects(server)?;
        let owner = kinwarden_testkit::ClientAccount::new(
            "admin@selfhost.test",
            "self hosted pw!",
            kinwarden_testkit::Kdf::DEFAULT_ITERATIONS,
        )?;
        let subscription = async || -> anyhow::Result<String> {
            let cookies = page_session(server, &client, &owner).await?;
            Ok(client
                .get(server.at(&format!("/organizations/{org_id}/billing/subscription")))
                .header(COOKIE, &cookies)
                .send()
                .await?
                .text()
                .await?)
        };
        let shown = subscription().await?;
        assert!(
            shown.contains("last-license-sync-attempt")
                && shown.contains("automatic refresh: failed"),
            "{name}: {shown}"
        );
        assert!(
            shown.contains("license-expiry-warning"),
            "{name}: ten days left"
        );

        // Paid on the cloud, the next day's refresh brings the next year: recorded and shown
        // where Sync license's outcome is, and the warning is gone.
        renew_on_cloud(&pair, expires - Duration::days(60)).await?;
        clock.advance(Duration::days(1));
        cloud_clock.advance(Duration::days(1));
        server
            .run_job("license-refresh")
            .await?
            .map_err(anyhow::Error::msg)?;
        let last = store.recent_outcomes(org, "license-sync", 1).await?;
        assert!(
            last.first()
                .is_some_and(|o| o.started_by == "job" && o.succeeded),
            "{name}: {last:?}"
        );
        let shown = subscription().await?;
        assert!(
            shown.contains("automatic refresh: succeeded"),
            "{name}: {shown}"
        );
        assert!(!shown.contains("license-expiry-warning"), "{name}: renewed");
        pair.stop().await?;
    }
    Ok(())
}
