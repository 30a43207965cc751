//! Portal sessions and CSRF: an HttpOnly, Secure, SameSite=Strict cookie holding a signed session
//! token, and a double-submit CSRF cookie whose value every form repeats.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use kinwarden_core::secrets;
use kinwarden_core::tokens::{EmailClaims, audience};

use crate::state::AppState;

pub const SESSION_COOKIE: &str = "kw_admin";
pub const CSRF_COOKIE: &str = "kw_admin_csrf";
const SESSION_HOURS: i64 = 8;

/// The value of a cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` for the Portal's path; `max_age` 0 removes it.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_seconds: i64,
) -> (axum::http::HeaderName, HeaderValue) {
    let text = format!(
        "{name}={value}; Path=/admin; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_seconds}"
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

/// The CSRF token of this browser, and the cookie to set when it has none yet.
pub fn csrf_token(headers: &HeaderMap) -> (String, Option<(axum::http::HeaderName, HeaderValue)>) {
    match cookie(headers, CSRF_COOKIE).filter(|value| value.len() >= 32) {
        Some(token) => (token, None),
        None => {
            let token = secrets::random_token().unwrap_or_default();
            let set = set_cookie(CSRF_COOKIE, &token, 8 * 3600);
            (token, Some(set))
        }
    }
}

/// A form whose CSRF field did not repeat the cookie.
pub struct CsrfRefused;

impl IntoResponse for CsrfRefused {
    fn into_response(self) -> Response {
        (
            StatusCode::FORBIDDEN,
            "The form has expired or did not come from this Portal; reload the page and try again.",
        )
            .into_response()
    }
}

/// Refuses a form whose CSRF field does not repeat the cookie.
pub fn check_csrf(headers: &HeaderMap, submitted: &str) -> Result<(), CsrfRefused> {
    let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    if !expected.is_empty() && secrets::constant_time_eq(&expected, submitted) {
        Ok(())
    } else {
        Err(CsrfRefused)
    }
}

/// A session token for an admin, for the cookie.
pub fn session_token(
    state: &AppState,
    email: &str,
) -> Result<String, kinwarden_core::tokens::TokenError> {
    let now = state.clock.now();
    state.tokens.sign(
        &EmailClaims {
            iss: state.tokens.issuer().to_string(),
            aud: audience::ADMIN_SESSION.to_string(),
            nbf: now.timestamp(),
            exp: (now + Duration::hours(SESSION_HOURS)).timestamp(),
            email: email.to_string(),
            subject: None,
        },
        "JWT",
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
