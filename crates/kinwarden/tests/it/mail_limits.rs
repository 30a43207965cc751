//! Limits on mail a request can make the server send (issue 16 point 10): per address and per
//! client on the anonymous requests that mail an address they name (sign-up verification, a new
//! installation's key, the Portal's login link), and a cloud's daily allowance per organization
//! (invitations refused, synced offers held and spread over the following days).

use anyhow::Context;
use kinwarden_testkit::{TestServer, backends};
use reqwest::header::{COOKIE, RETRY_AFTER};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;
use crate::portal::{hidden, no_redirects};
use crate::self_hosted_license::PairOptions;
use crate::support::{is_sponsorship_offer, kinwarden};
use crate::sync_at_scale::connected_pair_with;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A 429 in the error envelope, with a `Retry-After` of at least a second and at most `max_s`.
async fn limited(response: reqwest::Response, max_s: u64, what: &str) -> anyhow::Result<()> {
    anyhow::ensure!(response.status() == 429, "{what}: {}", response.status());
    let wait: u64 = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .with_context(|| format!("{what}: no Retry-After"))?;
    anyhow::ensure!((1..=max_s).contains(&wait), "{what}: Retry-After {wait}");
    let body: Value = response.json().await?;
    anyhow::ensure!(
        body["object"] == "error"
            && body["message"]
                .as_str()
                .is_some_and(|m| m.contains("Too many")),
        "{what}: {body}"
    );
    Ok(())
}

async fn verification_mails(server: &TestServer) -> anyhow::Result<usize> {
    Ok(server
        .store()
        .context("store")?
        .list_mail()
        .await?
        .iter()
        .filter(|mail| mail.kind == "verify-email")
        .count())
}

#[tokio::test]
async fn sign_up_mail_is_limited_per_address_and_per_client() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud()
            .backend(backend)
            .setting("globalSettings__enableEmailVerification", "true")
            .setting("kinwarden__mailRateLimitPerAddress", "2/hour")
            .setting("kinwarden__mailRateLimitPerIp", "4/hour")
            .start()
            .await?;
        let ask = |email: &'static str| {
            server
                .client
                .post(server.at("/identity/accounts/register/send-verification-email"))
                .json(&json!({"email": email, "name": null, "receiveMarketingEmails": false}))
                .send()
        };
        // Two for one address go out; the third is refused, however the address is written.
        for _ in 0..2 {
            assert_eq!(ask("victim@example.com").await?.status(), 204, "{name}");
        }
        limited(ask(" Victim@Example.COM").await?, 3600, name).await?;
        // Other addresses still get theirs, up to the client's four...
        assert_eq!(ask("b@example.com").await?.status(), 204, "{name}");
        assert_eq!(ask("c@example.com").await?.status(), 204, "{name}");
        // ...and then the client is refused for any address.
        limited(ask("d@example.com").await?, 3600, name).await?;
        assert_eq!(
            verification_mails(&server).await?,
            4,
            "{name}: nothing more queued"
        );
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn installations_are_limited_per_address() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud()
            .backend(backend)
            .setting("kinwarden__mailRateLimitPerAddress", "1/hour")
            .start()
            .await?;
        let create = |email: &'static str| {
            server
                .client
                .post(server.at("/api/installations"))
                .json(&json!({"email": email}))
                .send()
        };
        assert_eq!(create("ops@example.com").await?.status(), 200, "{name}");
        limited(create("ops@example.com").await?, 3600, name).await?;
        assert_eq!(create("other@example.com").await?.status(), 200, "{name}");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_portal_login_link_is_limited_per_address() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::self_hosted()
            .backend(backend)
            .setting("adminSettings__admins", "ops@example.com")
            .setting("kinwarden__mailRateLimitPerAddress", "1/hour")
            .start()
            .await?;
        let client = no_redirects(&server.bwdata.join("ssl/ca.crt"))?;
        let form = client.get(server.at("/admin/login")).send().await?;
        let csrf_cookie = form
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|cookie| cookie.starts_with("__Host-kw_admin_csrf="))
            .and_then(|cookie| cookie.split(';').next())
            .context("csrf cookie")?
            .to_string();
        let csrf = hidden(&form.text().await?, "csrf").context("csrf field")?;
        let ask = || {
            client
                .post(server.at("/admin/login"))
                .header(COOKIE, &csrf_cookie)
                .form(&[("email", "ops@example.com"), ("csrf", csrf.as_str())])
                .send()
        };
        assert_eq!(ask().await?.status(), 200, "{name}");
        let refused = ask().await?;
        assert_eq!(refused.status(), 429, "{name}");
        assert!(refused.headers().contains_key(RETRY_AFTER), "{name}");
        let page = refused.text().await?;
        assert!(page.contains("Too many e-mails"), "{name}: {page}");
        let links = server
            .store()
            .context("store")?
            .list_mail()
            .await?
            .iter()
            .filter(|mail| mail.kind == "admin-login")
            .count();
        assert_eq!(links, 1, "{name}: one link");
        server.stop().await?;
    }
    Ok(())
}

/// A cloud organization may have `organizationMailPerDay` invitations (or twice its seats, if
/// more) sent in 24 hours; an invitation beyond is refused with 429 and nothing is queued.
#[tokio::test]
async fn a_cloud_organization_has_a_daily_allowance_of_invitations() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud()
            .backend(backend)
            .setting("kinwarden__organizationMailPerDay", "1")
            .start()
            .await?;
        // Two seats: twice the seats is more than the one configured, so four a day.
        let (_owner, session, _keys, org_id) =
            owner_with_org(&server, "owner@acme.test", 20, 2).await?;
        let body = json!({"emails": ["ann@example.com", "bo@example.com"], "type": 2});
        let path = format!("/api/organizations/{org_id}/users/invite");
        // More addresses at once than the day allows (or the seats): none is invited.
        let answer = session.post(&server, &path, &body).await?;
        assert_eq!(answer.status(), 400, "{name}: the seats");
        let body = json!({"emails": ["ann@example.com"], "type": 2});
        let answer = session.post(&server, &path, &body).await?;
        assert_eq!(answer.status(), 200, "{name}: {}", answer.text().await?);
        let users: Value = session
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        let member = users["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|user| user["email"] == "ann@example.com")
            .and_then(|user| user["id"].as_str())
            .context("the invited member")?
            .to_string();
        let reinvite = format!("/api/organizations/{org_id}/users/{member}/reinvite");
        for _ in 0..3 {
            let answer = session.post(&server, &reinvite, &json!({})).await?;
            assert_eq!(answer.status(), 200, "{name}: {}", answer.text().await?);
        }
        let answer = session.post(&server, &reinvite, &json!({})).await?;
        assert_eq!(answer.status(), 429, "{name}");
        let wait: i64 = answer.headers()[RETRY_AFTER].to_str()?.parse()?;
        assert!((1..=DAY_MS / 1000).contains(&wait), "{name}: {wait}");
        let body: Value = answer.json().await?;
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("sent its 4 invitations and offers")),
            "{name}: {body}"
        );
        let invitations = server
            .store()
            .context("store")?
            .list_mail()
            .await?
            .iter()
            .filter(|mail| mail.kind == "organization-invite")
            .count();
        assert_eq!(invitations, 4, "{name}");
        server.stop().await?;
    }
    Ok(())
}

/// Offers synced beyond the organization's allowance are stored and held: the allowance's worth
/// goes out now, the next a day later, and so on; nothing is refused or lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synced_offers_beyond_the_allowance_are_held_and_spread() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let options = PairOptions {
            cloud_extra: &[("kinwarden__organizationMailPerDay", "5")],
            ..PairOptions::default()
        };
        // Two seats: twice the seats is less than five, so five a day.
        let (pair, _org_id) = connected_pair_with(backend, 2, options, 12).await?;
        let before = chrono::Utc::now().timestamp_millis();
        let (code, out) = kinwarden(&pair.self_hosted, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let cloud = pair.cloud.store().context("cloud store")?;
        let rows = cloud
            .sponsorships_of_organization(pair.cloud_org_id.parse()?)
            .await?;
        assert_eq!(rows.len(), 12, "{name}: every offer is stored");
        let mut days: Vec<i64> = cloud
            .list_mail()
            .await?
            .iter()
            .filter(|mail| is_sponsorship_offer(mail))
            // A held offer counts as queued when it is let go.
            .map(|mail| (mail.created_at - before) / DAY_MS)
            .collect();
        days.sort_unstable();
        assert_eq!(
            days,
            [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2],
            "{name}: five a day"
        );
        pair.stop().await?;
    }
    Ok(())
}
