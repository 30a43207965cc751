//! The pages without a browser (the browser walk is `browser.rs`): language choice, the login
//! redirect, CSRF refusals, security headers, and the static assets.

use kinwarden_testkit::TestServer;
use reqwest::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION,
};

pub(crate) fn no_redirects(server: &TestServer) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(server.bwdata.join("ssl/ca.crt"))?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// The CSRF cookie a page set (as `name=value`, to send back) and the token its forms repeat.
pub(crate) async fn csrf_of(response: reqwest::Response) -> anyhow::Result<(String, String)> {
    let cookie = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|cookie| cookie.starts_with("__Host-kw_csrf="))
        .and_then(|cookie| cookie.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("the page sets no CSRF cookie"))?;
    let token = crate::portal::hidden(&response.text().await?, "csrf")
        .ok_or_else(|| anyhow::anyhow!("the page has no CSRF field"))?;
    Ok((cookie, token))
}

#[tokio::test]
async fn pages_speak_swedish_refuse_forged_forms_and_send_security_headers() -> anyhow::Result<()> {
    let server = TestServer::cloud().start().await?;
    let client = no_redirects(&server)?;

    // Accept-Language picks Swedish; the switch's cookie wins over it.
    let swedish = client
        .get(server.at("/login"))
        .header(ACCEPT_LANGUAGE, "sv-SE,sv;q=0.9")
        .send()
        .await?;
    assert_eq!(swedish.status(), 200);
    let headers = swedish.headers().clone();
    let body = swedish.text().await?;
    assert!(body.contains("Logga in med huvudlösenord"), "{body}");
    assert!(body.contains(r#"<html lang="sv">"#));
    let csp = headers
        .get(CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        headers.get(CACHE_CONTROL).and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let english = client
        .get(server.at("/host"))
        .header(ACCEPT_LANGUAGE, "sv")
        .header(COOKIE, "__Host-kw_lang=en")
        .send()
        .await?
        .text()
        .await?;
    assert!(english.contains("Get installation id"), "{english}");

    // A page that needs a session sends to the login page and back.
    let away = client.get(server.at("/organizations")).send().await?;
    assert_eq!(away.status(), 303);
    assert_eq!(
        away.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("/login?next=%2Forganizations")
    );

    // Invited without an account: the login page's sign-up link carries the invitation, which
    // proves the address at registration.
    let login = client
        .get(server.at("/login?next=%2Faccept-organization%3ForganizationId%3Do%26organizationUserId%3Dm1%26token%3Dt1"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        login.contains("orgInviteToken=t1") && login.contains("organizationUserId=m1"),
        "{login}"
    );

    // Forms without the page's CSRF token are refused before anything happens; the token is
    // not the cookie's value.
    let page = client.get(server.at("/host")).send().await?;
    let (csrf_cookie, csrf) = csrf_of(page).await?;
    assert!(!csrf_cookie.ends_with(&format!("={csrf}")), "{csrf_cookie}");
    for (path, form) in [
        ("/host", vec![("email", "ops@example.com")]),
        (
            "/login",
            vec![("email", "a@example.com"), ("masterPasswordHash", "x")],
        ),
        ("/lang", vec![("lang", "sv")]),
    ] {
        let missing = client
            .post(server.at(path))
            .header(COOKIE, &csrf_cookie)
            .form(&form)
            .send()
            .await?;
        assert_eq!(missing.status(), 403, "{path} without a token");
        let mut forged = form.clone();
        forged.push(("csrf", "forged-forged-forged-forged-forged-forged"));
        let forged = client
            .post(server.at(path))
            .header(COOKIE, &csrf_cookie)
            .form(&forged)
            .send()
            .await?;
        assert_eq!(forged.status(), 403, "{path} with a forged token");
        // The cookie's own value is no token either (it was one before the token was bound).
        let secret = csrf_cookie
            .split_once('=')
            .map(|(_, v)| v)
            .unwrap_or_default();
        let mut repeated = form.clone();
        repeated.push(("csrf", secret));
        let repeated = client
            .post(server.at(path))
            .header(COOKIE, &csrf_cookie)
            .form(&repeated)
            .send()
            .await?;
        assert_eq!(repeated.status(), 403, "{path} with the cookie's value");
    }
    // With the token, the host page answers an installation and the env lines.
    let made = client
        .post(server.at("/host"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("email", "ops@example.com"), ("csrf", csrf.as_str())])
        .send()
        .await?
        .text()
        .await?;
    assert!(made.contains("globalSettings__installation__id="), "{made}");

    // The script and stylesheet come from the binary with their types.
    for (path, kind) in [
        ("/static/console.js", "text/javascript"),
        ("/static/console.css", "text/css"),
    ] {
        let asset = client.get(server.at(path)).send().await?;
        assert_eq!(asset.status(), 200);
        let content_type = asset
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
    }
    server.stop().await
}

/// After login and the language switch, `next=` only ever leads to a path of this site: the
/// tricks browsers turn into another site (a tab or line break dropped from `/\t/…`, a backslash
/// read as a slash) land on the default page instead.
#[tokio::test]
async fn next_never_leads_off_the_site() -> anyhow::Result<()> {
    const AWAY: [&str; 7] = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/%09/evil.example\u{7f}",
    ];
    for backend in kinwarden_testkit::backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let client = no_redirects(&server)?;
        let account = kinwarden_testkit::ClientAccount::new(
            "next@example.com",
            "a long password",
            kinwarden_testkit::Kdf::DEFAULT_ITERATIONS,
        )?;
        crate::support::register(&server, &account).await?;
        let page = client.get(server.at("/login")).send().await?;
        let (csrf_cookie, csrf) = csrf_of(page).await?;
        let location = |response: &reqwest::Response| {
            response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        for (next, expected_lang, expected_login) in AWAY
            .iter()
            .map(|next| (*next, "/", "/organizations"))
            .chain([("/host", "/host", "/host")])
        {
            let switched = client
                .post(server.at("/lang"))
                .header(COOKIE, &csrf_cookie)
                .form(&[("lang", "sv"), ("next", next), ("csrf", csrf.as_str())])
                .send()
                .await?;
            assert_eq!(switched.status(), 303, "{name}: {next:?}");
            assert_eq!(
                location(&switched).as_deref(),
                Some(expected_lang),
                "{name}: {next:?}"
            );
            let signed_in = client
                .post(server.at("/login"))
                .header(COOKIE, &csrf_cookie)
                .form(&[
                    ("email", account.email.as_str()),
                    ("masterPasswordHash", account.master_password_hash.as_str()),
                    ("next", next),
                    ("csrf", csrf.as_str()),
                ])
                .send()
                .await?;
            assert_eq!(signed_in.status(), 303, "{name}: {next:?}");
            assert_eq!(
                location(&signed_in).as_deref(),
                Some(expected_login),
                "{name}: {next:?}"
            );
        }
        server.stop().await?;
    }
    Ok(())
}

/// Every `Set-Cookie` of `response` named `name`, whole (value and attributes).
pub(crate) fn set_cookies(response: &reqwest::Response, name: &str) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter(|cookie| cookie.starts_with(&format!("{name}=")))
        .map(str::to_string)
        .collect()
}

/// `name=value` of a `Set-Cookie`, to send back.
pub(crate) fn pair_of(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

/// The pages' cookies are `__Host-` cookies (Secure, `Path=/`, no `Domain`, HttpOnly,
/// SameSite=Strict), and a form's CSRF token is bound to the browser's session: a token from
/// before the login, or from another user's session, is refused (issue 16 point 15).
#[tokio::test]
async fn cookies_are_host_cookies_and_form_tokens_are_bound_to_the_session() -> anyhow::Result<()> {
    for backend in kinwarden_testkit::backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let client = no_redirects(&server)?;
        let mut sessions = Vec::new();
        for email in ["ann@example.com", "bo@example.com"] {
            let account = kinwarden_testkit::ClientAccount::new(
                email,
                "a long password",
                kinwarden_testkit::Kdf::DEFAULT_ITERATIONS,
            )?;
            crate::support::register(&server, &account).await?;
            let page = client.get(server.at("/login")).send().await?;
            let csrf_set = set_cookies(&page, "__Host-kw_csrf");
            assert_eq!(csrf_set.len(), 1, "{name}");
            let (csrf_cookie, before_login) = csrf_of(page).await?;
            let signed_in = client
                .post(server.at("/login"))
                .header(COOKIE, &csrf_cookie)
                .form(&[
                    ("email", account.email.as_str()),
                    ("masterPasswordHash", account.master_password_hash.as_str()),
                    ("next", "/settings"),
                    ("csrf", before_login.as_str()),
                ])
                .send()
                .await?;
            assert_eq!(signed_in.status(), 303, "{name}");
            let session_set = set_cookies(&signed_in, "__Host-kw_session");
            let new_csrf_set = set_cookies(&signed_in, "__Host-kw_csrf");
            assert_eq!((session_set.len(), new_csrf_set.len()), (1, 1), "{name}");
            for cookie in [&csrf_set[0], &session_set[0], &new_csrf_set[0]] {
                for attribute in ["; Path=/;", "; Secure", "; HttpOnly", "; SameSite=Strict"] {
                    assert!(cookie.contains(attribute), "{name}: {cookie}");
                }
                assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
            }
            let cookies = format!(
                "{}; {}",
                pair_of(&session_set[0]),
                pair_of(&new_csrf_set[0])
            );
            let settings = client
                .get(server.at("/settings"))
                .header(COOKIE, &cookies)
                .send()
                .await?;
            assert_eq!(settings.status(), 200, "{name}");
            let token = crate::portal::hidden(&settings.text().await?, "csrf")
                .ok_or_else(|| anyhow::anyhow!("no CSRF field on the settings page"))?;
            sessions.push((cookies, before_login, token));
        }
        let switch = |cookies: &str, csrf: &str| {
            client
                .post(server.at("/lang"))
                .header(COOKIE, cookies.to_string())
                .form(&[("lang", "sv"), ("next", "/settings"), ("csrf", csrf)])
                .send()
        };
        let (ann, ann_before, ann_token) = &sessions[0];
        let (bo, _, bo_token) = &sessions[1];
        // The form from before the login is refused in the session it led to.
        assert_eq!(switch(ann, ann_before).await?.status(), 403, "{name}");
        // Ann's token is refused with Bo's cookies, and Bo's with Ann's.
        assert_eq!(switch(bo, ann_token).await?.status(), 403, "{name}");
        assert_eq!(switch(ann, bo_token).await?.status(), 403, "{name}");
        // Each session's own token works.
        assert_eq!(switch(ann, ann_token).await?.status(), 303, "{name}");
        assert_eq!(switch(bo, bo_token).await?.status(), 303, "{name}");
        server.stop().await?;
    }
    Ok(())
}
