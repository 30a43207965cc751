//! The pages' side of a caller: a browser's CSRF cookie, and for a signed-in user the console's
//! session cookie, got through the login form as its script sends it (the master password hash
//! derived in the browser).

use kinwarden_testkit::{ClientAccount, TestServer};
use reqwest::header::{COOKIE, SET_COOKIE};

const CSRF_COOKIE: &str = "kw_csrf";
const SESSION_COOKIE: &str = "kw_session";

/// A caller's browser on the pages.
#[derive(Clone)]
pub(super) struct Browser {
    /// The double-submit token: the `kw_csrf` cookie, repeated in every form.
    pub(super) csrf: String,
    /// The `kw_session` cookie: a real session, a forged or expired one, or none.
    pub(super) session: Option<String>,
}

impl Browser {
    pub(super) fn cookies(&self) -> String {
        let mut cookies = format!("{CSRF_COOKIE}={}", self.csrf);
        if let Some(session) = &self.session {
            cookies.push_str(&format!("; {SESSION_COOKIE}={session}"));
        }
        cookies
    }

    pub(super) fn with_session(&self, session: &str) -> Self {
        Self {
            csrf: self.csrf.clone(),
            session: Some(session.to_string()),
        }
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

/// A browser that opened the login page: a CSRF cookie and no session.
pub(super) async fn fresh(
    server: &TestServer,
    client: &reqwest::Client,
) -> anyhow::Result<Browser> {
    let form = client.get(server.at("/login")).send().await?;
    anyhow::ensure!(form.status() == 200, "login page: {}", form.status());
    let csrf = set_cookie(&form, CSRF_COOKIE)
        .ok_or_else(|| anyhow::anyhow!("the login page sets no CSRF cookie"))?;
    Ok(Browser {
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
    let browser = fresh(server, client).await?;
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
    Ok(browser.with_session(&session))
}
