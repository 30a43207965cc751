//! Portal sessions and CSRF: an HttpOnly, Secure, SameSite=Strict `__Host-` cookie holding a
//! signed session token, and a CSRF secret cookie; every form repeats a token bound to this
//! browser and to its Portal session (`http::forms`). The cookies live at `Path=/` as every
//! `__Host-` cookie must, under names of their own so they never meet the pages' cookies.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use kinwarden_core::tokens::{EmailClaims, audience};

use crate::http::forms::{self, CookieScope, CsrfRefused, cookie};
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "__Host-kw_admin_session";
pub const CSRF_COOKIE: &str = "__Host-kw_admin_csrf";
const SESSION_HOURS: i64 = 8;

/// The Portal's cookies.
const SCOPE: CookieScope = CookieScope {
    session_cookie: SESSION_COOKIE,
    csrf_cookie: CSRF_COOKIE,
};

/// The cookies of a new Portal session: the session token and a new CSRF secret, so nothing
/// about the forms from before the login carries over.
pub fn session_cookies(token: &str) -> Vec<(HeaderName, HeaderValue)> {
    let session = forms::set_cookie(SESSION_COOKIE, token, session_max_age());
    std::iter::once(session)
        .chain(forms::new_csrf_cookie(SCOPE))
        .collect()
}

/// Removes the session cookie.
pub fn clear_session() -> (HeaderName, HeaderValue) {
    forms::clear_cookie(SESSION_COOKIE)
}

/// The CSRF token of this browser, and the cookie to set when it has none yet.
pub fn csrf_token(headers: &HeaderMap) -> (String, Option<(HeaderName, HeaderValue)>) {
    forms::csrf_token(SCOPE, headers)
}

/// Refuses a form whose CSRF field was not made for this browser and its Portal session.
pub fn check_csrf(headers: &HeaderMap, submitted: &str) -> Result<(), CsrfRefused> {
    forms::check_csrf(SCOPE, headers, submitted)
}

/// A session token for an admin, for the cookie.
pub fn session_token(
    state: &AppState,
    email: &str,
) -> Result<String, kinwarden_core::tokens::TokenError> {
    state.tokens.sign_email(
        audience::ADMIN_SESSION,
        email,
        None,
        state.clock.now(),
        Duration::hours(SESSION_HOURS),
    )
}

fn session_max_age() -> i64 {
    SESSION_HOURS * 3600
}

/// A logged-in System Administrator; anyone else is sent to the login page.
pub struct AdminSession {
    pub email: String,
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let to_login = || Redirect::to("/admin/login").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        let claims: EmailClaims = state
            .tokens
            .verify(&token, audience::ADMIN_SESSION, state.now_seconds())
            .map_err(|_| to_login())?;
        // Removed from the admins list: the session ends at once.
        if !state.config.admins.contains(&claims.email) {
            return Err(to_login());
        }
        Ok(Self {
            email: claims.email,
        })
    }
}
