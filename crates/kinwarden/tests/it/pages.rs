//! The pages without a browser (the browser walk is `browser.rs`): language choice, the login
//! redirect, CSRF refusals, security headers, and the static assets.

use kinwarden_testkit::TestServer;
use reqwest::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION,
};

fn no_redirects(server: &TestServer) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(server.bwdata.join("ssl/ca.crt"))?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// The CSRF token the page set in its cookie and repeated in its forms.
fn csrf_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix("kw_csrf="))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_string)
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
        .header(COOKIE, "kw_lang=en")
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

    // Forms without the CSRF cookie's value are refused before anything happens.
    let page = client.get(server.at("/host")).send().await?;
    let csrf = csrf_of(&page).expect("the page sets a CSRF cookie");
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
            .header(COOKIE, format!("kw_csrf={csrf}"))
            .form(&form)
            .send()
            .await?;
        assert_eq!(missing.status(), 403, "{path} without a token");
        let mut forged = form.clone();
        forged.push(("csrf", "forged-forged-forged-forged-forged-forged"));
        let forged = client
            .post(server.at(path))
            .header(COOKIE, format!("kw_csrf={csrf}"))
            .form(&forged)
            .send()
            .await?;
        assert_eq!(forged.status(), 403, "{path} with a forged token");
    }
    // With the token, the host page answers an installation and the env lines.
    let made = client
        .post(server.at("/host"))
        .header(COOKIE, format!("kw_csrf={csrf}"))
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
        let csrf = csrf_of(&page).expect("the page sets a CSRF cookie");
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
                .header(COOKIE, format!("kw_csrf={csrf}"))
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
                .header(COOKIE, format!("kw_csrf={csrf}"))
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
