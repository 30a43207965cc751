//! Portal sessions and CSRF: an HttpOnly, Secure, SameSite=Strict cookie holding a signed session
//! token, and a double-submit CSRF cookie whose value every form repeats.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use kinwarden_core::tokens::{EmailClaims, audience};

use crate::http::forms::{self, CookieScope, CsrfRefused, cookie};
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "kw_admin";
pub const CSRF_COOKIE: &str = "kw_admin_csrf";
const SESSION_HOURS: i64 = 8;

/// Where the Portal's cookies live.
const SCOPE: CookieScope = CookieScope {
    path: "/admin",
    csrf_cookie: CSRF_COOKIE,
};

/// A `Set-Cookie` for the Portal's path; `max_age` 0 removes it.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_seconds: i64,
) -> (axum::http::HeaderName, HeaderValue) {
    forms::set_cookie(SCOPE, name, value, max_age_seconds)
}

/// The CSRF token of this browser, and the cookie to set when it has none yet.
pub fn csrf_token(headers: &HeaderMap) -> (String, Option<(axum::http::HeaderName, HeaderValue)>) {
    forms::csrf_token(SCOPE, headers)
}

/// Refuses a form whose CSRF field does not repeat the cookie.
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

pub fn session_max_age() -> i64 {
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
