//! Page sessions: the login form's script derives the master password hash in the browser and
//! POSTs it; the server answers with an HttpOnly, Secure, SameSite=Strict cookie holding an
//! access token of this server, checked like the API's bearer token (same stamp, same expiry).
//! Every form repeats a CSRF token bound to this browser and to its session (`http::forms`); a
//! login starts a new CSRF secret as well as the session.

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use kinwarden_app::accounts::settings::DEFAULT_CULTURE;
use kinwarden_app::accounts::tokens::{self, TokenClient};
use kinwarden_app::records::UserRecord;
use kinwarden_config::Mode;
use kinwarden_mail::Lang;
use kinwarden_proto::identity::TokenResponse;

use super::i18n::{self, Texts};
use crate::http::forms::{self, CookieScope, CsrfRefused};
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "__Host-kw_session";
pub const LANG_COOKIE: &str = "__Host-kw_lang";
pub const SCOPE: CookieScope = CookieScope {
    session_cookie: SESSION_COOKIE,
    csrf_cookie: "__Host-kw_csrf",
};

/// A signed-in user of the pages; anyone else is sent to the login page and back.
pub struct PageUser {
    pub user: UserRecord,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".to_string());
        let to_login = || {
            let next = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("next", &here)
                .finish();
            Redirect::to(&format!("/login?{next}")).into_response()
        };
        let token = forms::cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        let user = crate::http::auth::user_of_token(state, &token)
            .await
            .map_err(|_| to_login())?;
        Ok(Self { user })
    }
}

/// The cookies of a new session for a user who just proved the master password or made the
/// account.
pub async fn session_cookies(
    state: &AppState,
    user: &UserRecord,
) -> Result<Vec<(HeaderName, HeaderValue)>, crate::ApiError> {
    let tokens = tokens::user_tokens(state, user, TokenClient::page_session()).await?;
    Ok(session_cookies_of(&tokens))
}

/// The cookies of a new session: the session cookie holding a page session's access token
/// (issued for [`TokenClient::page_session`]), which lapses with the token, and a new CSRF
/// secret, so nothing about the forms from before the login carries over.
pub fn session_cookies_of(tokens: &TokenResponse) -> Vec<(HeaderName, HeaderValue)> {
    let session = forms::set_cookie(SESSION_COOKIE, &tokens.access_token, tokens.expires_in);
    std::iter::once(session)
        .chain(forms::new_csrf_cookie(SCOPE))
        .collect()
}

pub fn clear_session() -> (HeaderName, HeaderValue) {
    forms::clear_cookie(SESSION_COOKIE)
}

pub fn check_csrf(headers: &HeaderMap, submitted: &str) -> Result<(), CsrfRefused> {
    forms::check_csrf(SCOPE, headers, submitted)
}

/// The language of a page: the switch's cookie, else the account's setting once chosen, else
/// the browser's `Accept-Language`.
pub fn page_lang(headers: &HeaderMap, user: Option<&UserRecord>) -> Lang {
    let switch = forms::cookie(headers, LANG_COOKIE);
    let account = user
        .map(|u| u.culture.as_str())
        .filter(|culture| *culture != DEFAULT_CULTURE);
    Lang::pick(
        switch.as_deref().or(account),
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    )
}

/// What the layout around every page needs.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: &'static str,
    pub csrf: String,
    pub email: Option<String>,
    pub cloud: bool,
    /// This page's path and query, where the language switch comes back to.
    pub here: String,
    /// An error to show at the top of the page.
    pub error: Option<String>,
    /// A success message to show at the top of the page.
    pub notice: Option<String>,
    set_csrf: Option<(HeaderName, HeaderValue)>,
}

impl Chrome {
    pub fn new(
        state: &AppState,
        headers: &HeaderMap,
        user: Option<&UserRecord>,
        here: &str,
    ) -> Self {
        let lang = page_lang(headers, user);
        let (csrf, set_csrf) = forms::csrf_token(SCOPE, headers);
        Self {
            t: i18n::texts(lang),
            lang: lang.tag(),
            csrf,
            email: user.map(|u| u.email.clone()),
            cloud: state.config.mode == Mode::Cloud,
            here: here.to_string(),
            error: None,
            notice: None,
            set_csrf,
        }
    }

    /// The CSRF cookie to set with the page, when the browser had none.
    pub fn take_cookie(&mut self) -> Option<(HeaderName, HeaderValue)> {
        self.set_csrf.take()
    }
}

/// Renders a page with its chrome's CSRF cookie.
pub fn render<T: askama::Template>(
    template: &T,
    cookie: Option<(HeaderName, HeaderValue)>,
) -> Response {
    forms::page(template, cookie)
}

/// A local path to go to after a form (never another site: `core::redirect`).
pub fn local_path(next: Option<&str>, fallback: &str) -> String {
    next.and_then(kinwarden_core::redirect::same_site_path)
        .unwrap_or(fallback)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(local_path(Some("/organizations"), "/"), "/organizations");
        assert_eq!(local_path(Some("//evil.example"), "/"), "/");
        assert_eq!(local_path(Some("https://evil.example"), "/"), "/");
        assert_eq!(local_path(Some("/\\evil.example"), "/"), "/");
        assert_eq!(local_path(Some("/\t/evil.example"), "/"), "/");
        assert_eq!(local_path(None, "/x"), "/x");
    }

    #[test]
    fn the_switch_wins_then_the_account_then_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("sv-SE,sv;q=0.9"));
        assert_eq!(page_lang(&headers, None), Lang::Sv);
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("__Host-kw_lang=en"),
        );
        assert_eq!(page_lang(&headers, None), Lang::En);
    }
}
