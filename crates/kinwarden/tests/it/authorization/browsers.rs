//! The pages' side of a caller: a browser's CSRF cookie and the form token bound to it and to the
//! browser's session, and for a signed-in user the console's session cookie, got through the
//! login form as its script sends it (the master password hash derived in the browser).

use kinwarden_testkit::{ClientAccount, TestServer};
use reqwest::header::{COOKIE, SET_COOKIE};

use crate::portal::hidden;

const CSRF_COOKIE: &str = "__Host-kw_csrf";
const SESSION_COOKIE: &str = "__Host-kw_session";

/// A caller's browser on the pages.
#[derive(Clone)]
pub(super) struct Browser {
    /// The `__Host-kw_csrf` cookie: the browser's CSRF secret.
    csrf_secret: String,
    /// The token every form repeats, as a page shown in this browser and session gave it.
    pub(super) csrf: String,
    /// The `__Host-kw_session` cookie: a real session, a forged or expired one, or none.
    pub(super) session: Option<String>,
}

impl Browser {
    pub(super) fn cookies(&self) -> String {
        let mut cookies = format!("{CSRF_COOKIE}={}", self.csrf_secret);
        if let Some(session) = &self.session {
            cookies.push_str(&format!("; {SESSION_COOKIE}={session}"));
        }
        cookies
    }

    /// This browser with `session` as its session cookie, and the form token a page then shows.
    pub(super) async fn with_session(
        &self,
        server: &TestServer,
        client: &reqwest::Client,
        session: &str,
    ) -> anyhow::Result<Self> {
        let mut browser = Self {
            session: Some(session.to_string()),
            ..self.clone()
        };
        browser.csrf = form_token(server, client, &browser.cookies()).await?;
        Ok(browser)
    }
}

/// The value a response sets for a cookie.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix(name)?.strip_prefix('='))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_string)
}

/// The form token of the login page shown with `cookies` (it opens with any session, or none).
async fn form_token(
    server: &TestServer,
    client: &reqwest::Client,
    cookies: &str,
) -> anyhow::Result<String> {
    let page = client
        .get(server.at("/login"))
        .header(COOKIE, cookies)
        .send()
        .await?;
    anyhow::ensure!(page.status() == 200, "login page: {}", page.status());
    hidden(&page.text().await?, "csrf").ok_or_else(|| anyhow::anyhow!("no CSRF field"))
}

/// A browser that opened the login page: a CSRF cookie and no session.
pub(super) async fn fresh(
    server: &TestServer,
    client: &reqwest::Client,
) -> anyhow::Result<Browser> {
    let form = client.get(server.at("/login")).send().await?;
    anyhow::ensure!(form.status() == 200, "login page: {}", form.status());
    let csrf_secret = set_cookie(&form, CSRF_COOKIE)
        .ok_or_else(|| anyhow::anyhow!("the login page sets no CSRF cookie"))?;
    let csrf = hidden(&form.text().await?, "csrf")
        .ok_or_else(|| anyhow::anyhow!("the login page has no CSRF field"))?;
    Ok(Browser {
        csrf_secret,
        csrf,
        session: None,
    })
}

/// A browser signed in as `account` through the login form; `client` follows no redirects.
pub(super) async fn signed_in(
    server: &TestServer,
    client: &reqwest::Client,
    account: &ClientAccount,
) -> anyhow::Result<Browser> {
    let mut browser = fresh(server, client).await?;
    let answer = client
        .post(server.at("/login"))
        .header(COOKIE, browser.cookies())
        .form(&[
            ("csrf", browser.csrf.as_str()),
            ("email", account.email.as_str()),
            ("masterPasswordHash", account.master_password_hash.as_str()),
            ("next", "/organizations"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        answer.status() == 303,
        "page login as {}: {}",
        account.email,
        answer.status()
    );
    let session = set_cookie(&answer, SESSION_COOKIE)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| anyhow::anyhow!("no page session for {}", account.email))?;
    // The login starts a new CSRF secret, as a browser would keep it.
    if let Some(secret) = set_cookie(&answer, CSRF_COOKIE) {
        browser.csrf_secret = secret;
    }
    browser.with_session(server, client, &session).await
}
