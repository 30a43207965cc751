//! The System Administrator Portal (SPEC §9): login by a single-use e-mailed link, CSRF on every
//! form, the organizations list and an organization's Connections section.

use std::time::Duration;

use kinwarden_testkit::{SmtpSink, TestServer};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::organizations::link_param;

/// The cookies a response sets, as `name=value` pairs.
fn cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|text| text.split(';').next().map(str::to_string))
        .collect()
}

pub(crate) fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

pub(crate) fn no_redirects(ca: &std::path::Path) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(ca)?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

#[tokio::test]
async fn login_by_link_and_the_organizations_pages() -> anyhow::Result<()> {
    let sink = SmtpSink::start().await?;
    let server = TestServer::self_hosted()
        .setting("adminSettings__admins", "Ops@Example.com")
        .smtp(&sink)
        .start()
        .await?;
    let client = no_redirects(&server.bwdata.join("ssl/ca.crt"))?;

    // Without a session the Portal sends you to the login form, which sets a CSRF cookie.
    let home = client.get(server.at("/admin/organizations")).send().await?;
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()[LOCATION], "/admin/login");
    let form = client.get(server.at("/admin/login")).send().await?;
    let csrf_cookie = cookies(&form)
        .into_iter()
        .find(|c| c.starts_with("__Host-kw_admin_csrf="))
        .expect("csrf cookie");
    let html = form.text().await?;
    let csrf = hidden(&html, "csrf").expect("csrf field");
    assert!(html.contains("Email address"));

    // A form without the matching token is refused.
    let forged = client
        .post(server.at("/admin/login"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("email", "ops@example.com"), ("csrf", "forged")])
        .send()
        .await?;
    assert_eq!(forged.status(), 403);

    // The same answer for a stranger and an admin; only the admin gets mail.
    for email in ["stranger@example.com", "ops@example.com"] {
        let answer = client
            .post(server.at("/admin/login"))
            .header(COOKIE, &csrf_cookie)
            .form(&[("email", email), ("csrf", csrf.as_str())])
            .send()
            .await?;
        assert_eq!(answer.status(), 200);
        assert!(answer.text().await?.contains("a login link is on its way"));
    }
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    assert_eq!(mail.to().as_deref(), Some("ops@example.com"));
    let body = mail.text_body().unwrap_or_default();
    let token = link_param(&body, "token").expect("token");
    assert!(body.contains("/admin/login/confirm?token="), "{body}");

    // Opening the link changes nothing; Continue posts it.
    let confirm_page = client
        .get(server.at(&format!("/admin/login/confirm?token={token}")))
        .header(COOKIE, &csrf_cookie)
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(
        hidden(&confirm_page, "token").as_deref(),
        Some(token.as_str())
    );
    let confirmed = client
        .post(server.at("/admin/login/confirm"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("token", token.as_str()), ("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(confirmed.status(), 303);
    let set_cookie = confirmed.headers()[SET_COOKIE].to_str()?.to_string();
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("Secure")
            && set_cookie.contains("SameSite=Strict")
    );
    let session = cookies(&confirmed)
        .into_iter()
        .find(|c| c.starts_with("__Host-kw_admin_session="))
        .expect("session");

    // The link works once.
    let again = client
        .post(server.at("/admin/login/confirm"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("token", token.as_str()), ("csrf", csrf.as_str())])
        .send()
        .await?
        .text()
        .await?;
    assert!(again.contains("used already"));

    let both = format!("{session}; {csrf_cookie}");
    let list = client
        .get(server.at("/admin/organizations"))
        .header(COOKIE, &both)
        .send()
        .await?;
    assert_eq!(list.status(), 200);
    let html = list.text().await?;
    assert!(html.contains("Organizations") && html.contains("ops@example.com"));
    let css = client.get(server.at("/admin/portal.css")).send().await?;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    server.stop().await?;
    Ok(())
}

/// Logs in to the Portal of a server without SMTP, reading the link from its outbox directory.
pub(crate) async fn portal_session(
    server: &TestServer,
    client: &reqwest::Client,
    admin: &str,
) -> anyhow::Result<String> {
    let (csrf_cookie, csrf) = request_login_link(server, client, admin).await?;
    let mut token = None;
    for _ in 0..100 {
        token = std::fs::read_dir(server.mail_dir())?
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
            .find(|mail| mail.contains("/admin/login/confirm?token="))
            .and_then(|mail| link_param(&mail.replace("=\r\n", "").replace("=\n", ""), "token"));
        if token.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = token.expect("a login link in the outbox");
    confirm_login(server, client, &csrf_cookie, &csrf, &token).await
}

/// Asks for a login link on the Portal's form; the CSRF cookie and token the confirmation needs.
pub(crate) async fn request_login_link(
    server: &TestServer,
    client: &reqwest::Client,
    admin: &str,
) -> anyhow::Result<(String, String)> {
    let form = client.get(server.at("/admin/login")).send().await?;
    let csrf_cookie = cookies(&form)
        .into_iter()
        .find(|c| c.starts_with("__Host-kw_admin_csrf="))
        .expect("csrf cookie");
    let csrf = hidden(&form.text().await?, "csrf").expect("csrf");
    client
        .post(server.at("/admin/login"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("email", admin), ("csrf", csrf.as_str())])
        .send()
        .await?;
    Ok((csrf_cookie, csrf))
}

/// Confirms a login link's token; the cookies of the Portal session (the session and the new
/// CSRF secret the login sets).
pub(crate) async fn confirm_login(
    server: &TestServer,
    client: &reqwest::Client,
    csrf_cookie: &str,
    csrf: &str,
    token: &str,
) -> anyhow::Result<String> {
    let confirmed = client
        .post(server.at("/admin/login/confirm"))
        .header(COOKIE, csrf_cookie)
        .form(&[("token", token), ("csrf", csrf)])
        .send()
        .await?;
    let set = cookies(&confirmed);
    let session = set
        .iter()
        .find(|c| c.starts_with("__Host-kw_admin_session="))
        .expect("session");
    let csrf_cookie = set
        .iter()
        .find(|c| c.starts_with("__Host-kw_admin_csrf="))
        .map_or(csrf_cookie, String::as_str);
    Ok(format!("{session}; {csrf_cookie}"))
}

/// The CSRF token of a Portal session's forms, from a page shown in it.
pub(crate) async fn portal_csrf(
    server: &TestServer,
    client: &reqwest::Client,
    cookies: &str,
) -> anyhow::Result<String> {
    let page = client
        .get(server.at("/admin/organizations"))
        .header(COOKIE, cookies)
        .send()
        .await?
        .text()
        .await?;
    hidden(&page, "csrf").ok_or_else(|| anyhow::anyhow!("no CSRF field on the Portal: {page}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organization_page_shows_its_connection_and_outcomes() -> anyhow::Result<()> {
    use crate::connections::connected_org;
    let pair = crate::self_hosted_license::pair_with(
        kinwarden_testkit::TestBackend::Sqlite,
        5,
        &[("adminSettings__admins", "ops@example.com")],
    )
    .await?;
    let server = &pair.self_hosted;
    let (session, org_id) = connected_org(&pair).await?;
    let synced = session
        .post(
            server,
            &format!("/api/organizations/licenses/self-hosted/{org_id}/sync"),
            &serde_json::json!({}),
        )
        .await?;
    assert_eq!(synced.status(), 200);

    let client = no_redirects(&server.bwdata.join("ssl/ca.crt"))?;
    let cookie = portal_session(server, &client, "ops@example.com").await?;
    let list = client
        .get(server.at("/admin/organizations?q=acme"))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    assert!(
        list.contains(&format!("/admin/organizations/{org_id}")),
        "{list}"
    );
    let none = client
        .get(server.at("/admin/organizations?q=nothing-like-it"))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    assert!(none.contains("No organization matches."));
    let page = client
        .get(server.at(&format!("/admin/organizations/{org_id}")))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("Connections"), "{page}");
    assert!(
        page.contains(&pair.cloud_org_id),
        "the cloud organization is shown"
    );
    assert!(page.contains("license-sync"), "the recorded sync is shown");

    // In Swedish for a Swedish browser (SPEC §7).
    let swedish = client
        .get(server.at(&format!("/admin/organizations/{org_id}")))
        .header(COOKIE, &cookie)
        .header("Accept-Language", "sv-SE,sv;q=0.9")
        .send()
        .await?
        .text()
        .await?;
    assert!(
        swedish.contains("Synkronisera manuellt") && swedish.contains("lang=\"sv\""),
        "{swedish}"
    );
    let login = client
        .get(server.at("/admin/login"))
        .header("Accept-Language", "sv")
        .send()
        .await?
        .text()
        .await?;
    assert!(login.contains("Logga in"), "{login}");

    // Manually Sync: a POST with the CSRF token; the outcome stays on the page after a refresh.
    let csrf = hidden(&page, "csrf").expect("csrf");
    let synced = client
        .post(server.at(&format!("/admin/organizations/{org_id}/sync")))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(synced.status(), 303);
    for _ in 0..2 {
        let page = client
            .get(server.at(&format!("/admin/organizations/{org_id}")))
            .header(COOKIE, &cookie)
            .send()
            .await?
            .text()
            .await?;
        assert!(
            page.contains("sponsorship-sync") && page.contains("nothing to sync"),
            "{page}"
        );
        assert!(page.contains("portal"), "who started it is shown");
    }
    let forged = client
        .post(server.at(&format!("/admin/organizations/{org_id}/sync")))
        .header(COOKIE, &cookie)
        .form(&[("csrf", "forged")])
        .send()
        .await?;
    assert_eq!(forged.status(), 403);
    pair.stop().await?;
    Ok(())
}

/// SPEC §9: on a cloud the Portal edits an organization's plan, seats, enabled and expiration,
/// and records a payment period in the ledger; a refused change says why and changes nothing.
#[tokio::test]
async fn a_cloud_organization_is_edited_and_paid_for_in_the_portal() -> anyhow::Result<()> {
    use anyhow::Context;
    let cloud = TestServer::cloud()
        .setting("adminSettings__admins", "ops@example.com")
        .start()
        .await?;
    let (_, _, _, org_id) =
        crate::organizations::owner_with_org(&cloud, "owner@acme.test", 20, 5).await?;
    let client = no_redirects(&cloud.bwdata.join("ssl/ca.crt"))?;
    let cookie = portal_session(&cloud, &client, "ops@example.com").await?;
    let page_path = format!("/admin/organizations/{org_id}");
    let page = client
        .get(cloud.at(&page_path))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains("Subscription") && page.contains("initial"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf").context("csrf")?;
    let swedish = client
        .get(cloud.at(&page_path))
        .header(COOKIE, &cookie)
        .header("Accept-Language", "sv")
        .send()
        .await?
        .text()
        .await?;
    assert!(swedish.contains("Registrera en betalning"), "{swedish}");
    let store = cloud.store().context("store")?;
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let cookie = cookie.clone();
        let url = cloud.at(&format!("{page_path}/{path}"));
        async move {
            client
                .post(url)
                .header(COOKIE, cookie)
                .form(&form)
                .send()
                .await
        }
    };

    let bad = post(
        "terms",
        vec![
            ("csrf", csrf.clone()),
            ("plan_type", "20".into()),
            ("seats", "many".into()),
            ("enabled", "on".into()),
        ],
    )
    .await?;
    assert_eq!(bad.status(), 400);
    assert!(
        bad.text()
            .await?
            .contains("Seats: expected a whole number.")
    );
    let too_few = post(
        "terms",
        vec![
            ("csrf", csrf.clone()),
            ("plan_type", "20".into()),
            ("seats", "0".into()),
            ("enabled", "on".into()),
        ],
    )
    .await?;
    assert_eq!(too_few.status(), 400);
    assert_eq!(
        store
            .organization(org_id.parse().expect("an id"))
            .await?
            .context("org")?
            .seats,
        Some(5),
        "nothing changed"
    );

    let saved = post(
        "terms",
        vec![
            ("csrf", csrf.clone()),
            ("plan_type", "20".into()),
            ("seats", "8".into()),
            ("expiration", "2031-01-01".into()),
        ],
    )
    .await?;
    assert_eq!(saved.status(), 200);
    let org = store
        .organization(org_id.parse().expect("an id"))
        .await?
        .context("org")?;
    assert_eq!(org.seats, Some(8));
    assert!(!org.enabled, "the box was not ticked");
    let kinds: Vec<String> = store
        .subscription_periods(org_id.parse().expect("an id"))
        .await?
        .into_iter()
        .map(|p| p.kind)
        .collect();
    assert_eq!(kinds, ["initial", "seatChange"]);

    let paid = post(
        "payment",
        vec![
            ("csrf", csrf.clone()),
            ("start", "2026-01-01".into()),
            ("end", "2032-06-30".into()),
        ],
    )
    .await?;
    assert_eq!(paid.status(), 200);
    assert!(
        paid.text()
            .await?
            .contains("Payment recorded until 2032-06-30.")
    );
    let org = store
        .organization(org_id.parse().expect("an id"))
        .await?
        .context("org")?;
    assert!(org.enabled, "a payment enables");
    let ledger = store
        .subscription_periods(org_id.parse().expect("an id"))
        .await?;
    let payment = ledger.last().context("entry")?;
    assert_eq!(payment.kind, "paymentRecorded");
    assert_eq!(
        payment.recorded_by.as_deref(),
        Some("admin:ops@example.com")
    );
    let backwards = post(
        "payment",
        vec![
            ("csrf", csrf.clone()),
            ("start", "2026-01-01".into()),
            ("end", "2025-01-01".into()),
        ],
    )
    .await?;
    assert_eq!(backwards.status(), 400);

    let forged = post(
        "payment",
        vec![
            ("csrf", "forged".into()),
            ("start", "2026-01-01".into()),
            ("end", "2027-01-01".into()),
        ],
    )
    .await?;
    assert_eq!(forged.status(), 403);
    assert_eq!(
        store
            .subscription_periods(org_id.parse().expect("an id"))
            .await?
            .len(),
        3,
        "forged and refused changes wrote nothing"
    );
    cloud.stop().await?;
    Ok(())
}
