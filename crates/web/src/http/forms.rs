//! What every server-rendered area (the Portal, the pages) shares: `__Host-` cookies, the CSRF
//! token every form repeats, bound to the browser and to its session, and rendering a template
//! into a response.
//!
//! Every cookie is a `__Host-` cookie (Secure, `Path=/`, no `Domain`), so neither a sibling
//! subdomain nor a plain-HTTP answer can set or overwrite it. Each area has a CSRF cookie holding
//! a random secret of the browser; a form's token is an HMAC under that secret of the area's
//! session cookie (or of nothing, before login). A token therefore works only in the browser that
//! holds the secret and only for the session it was made for: a form from before login, from
//! another session, or from another browser is refused.

use askama::Template;
use aws_lc_rs::hmac;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kinwarden_core::secrets;

/// The prefix browsers accept only on a Secure cookie with `Path=/` and no `Domain`.
pub const HOST_PREFIX: &str = "__Host-";

/// How long a browser keeps its CSRF secret.
const CSRF_MAX_AGE_SECONDS: i64 = 8 * 3600;

/// The shortest CSRF secret taken from a cookie (the server makes 43 characters).
const CSRF_SECRET_MIN_LEN: usize = 32;

/// Says what a form token is, so an HMAC under the same secret made for anything else never
/// passes for one.
const FORM_TOKEN_CONTEXT: &[u8] = b"kinwarden form token v1";

/// An area's two cookies: its session, which its forms are bound to, and its CSRF secret.
#[derive(Debug, Clone, Copy)]
pub struct CookieScope {
    pub session_cookie: &'static str,
    pub csrf_cookie: &'static str,
}

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

/// A `Set-Cookie` for a `__Host-` cookie (HttpOnly, Secure, SameSite=Strict, `Path=/`, no
/// `Domain`); `max_age` 0 removes it with the same attributes, as browsers match a removal to the
/// cookie by name, path and domain.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64) -> (HeaderName, HeaderValue) {
    // A name without the prefix would lose the guarantees above; every caller passes a constant.
    debug_assert!(
        name.starts_with(HOST_PREFIX),
        "{name} is not a __Host- cookie"
    );
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_seconds}"
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

/// Removes a cookie.
pub fn clear_cookie(name: &str) -> (HeaderName, HeaderValue) {
    set_cookie(name, "", 0)
}

/// The token of a form shown to the browser holding `secret` in the session `session` (empty
/// when there is none): HMAC-SHA256 under the secret of the context, the session cookie's name
/// and its value, URL-safe (it also travels in query strings).
fn form_token(scope: CookieScope, secret: &str, session: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut context = hmac::Context::with_key(&key);
    context.update(FORM_TOKEN_CONTEXT);
    context.update(&[0]);
    context.update(scope.session_cookie.as_bytes());
    context.update(&[0]);
    context.update(session.as_bytes());
    URL_SAFE_NO_PAD.encode(context.sign().as_ref())
}

/// The browser's CSRF secret, if it holds a usable one.
fn csrf_secret(scope: CookieScope, headers: &HeaderMap) -> Option<String> {
    cookie(headers, scope.csrf_cookie).filter(|value| value.len() >= CSRF_SECRET_MIN_LEN)
}

/// The session a form is bound to: the area's session cookie, empty before login.
fn session_of(scope: CookieScope, headers: &HeaderMap) -> String {
    cookie(headers, scope.session_cookie).unwrap_or_default()
}

/// A `Set-Cookie` with a new CSRF secret, or `None` when the system's random generator fails.
pub fn new_csrf_cookie(scope: CookieScope) -> Option<(HeaderName, HeaderValue)> {
    new_csrf_secret(scope).map(|(_, set)| set)
}

fn new_csrf_secret(scope: CookieScope) -> Option<(String, (HeaderName, HeaderValue))> {
    let secret = secrets::random_token().ok()?;
    let set = set_cookie(scope.csrf_cookie, &secret, CSRF_MAX_AGE_SECONDS);
    Some((secret, set))
}

/// The CSRF token for this browser's forms in its current session, and the cookie to set when
/// it has no secret yet. Should the random generator fail, the token is empty and every form is
/// refused, which is the safe way to fail.
pub fn csrf_token(
    scope: CookieScope,
    headers: &HeaderMap,
) -> (String, Option<(HeaderName, HeaderValue)>) {
    let (secret, set) = match csrf_secret(scope, headers) {
        Some(secret) => (secret, None),
        None => match new_csrf_secret(scope) {
            Some((secret, set)) => (secret, Some(set)),
            None => return (String::new(), None),
        },
    };
    (form_token(scope, &secret, &session_of(scope, headers)), set)
}

/// A form whose CSRF field was not made for this browser and session.
pub struct CsrfRefused;

impl IntoResponse for CsrfRefused {
    fn into_response(self) -> Response {
        (
            StatusCode::FORBIDDEN,
            "The form has expired or did not come from this site; reload the page and try again.",
        )
            .into_response()
    }
}

/// Refuses a form whose CSRF field is not the token of this browser's secret and its current
/// session.
pub fn check_csrf(
    scope: CookieScope,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<(), CsrfRefused> {
    let Some(secret) = csrf_secret(scope, headers) else {
        return Err(CsrfRefused);
    };
    let expected = form_token(scope, &secret, &session_of(scope, headers));
    if secrets::constant_time_eq(&expected, submitted) {
        Ok(())
    } else {
        Err(CsrfRefused)
    }
}

/// Renders a page, with the CSRF cookie when the browser has none yet.
pub fn page<T: Template>(template: &T, set_csrf: Option<(HeaderName, HeaderValue)>) -> Response {
    match template.render() {
        Ok(html) => match set_csrf {
            Some(cookie) => ([cookie], Html(html)).into_response(),
            None => Html(html).into_response(),
        },
        Err(err) => crate::ApiError::internal(err).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPE: CookieScope = CookieScope {
        session_cookie: "__Host-s",
        csrf_cookie: "__Host-c",
    };
    const SECRET: &str = "0123456789abcdef0123456789abcdef01";

    fn headers(cookies: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static(cookies));
        headers
    }

    #[test]
    fn the_token_is_bound_to_the_secret_and_the_session() {
        let mut none = HeaderMap::new();
        assert!(check_csrf(SCOPE, &none, "").is_err());
        let before = headers("__Host-c=0123456789abcdef0123456789abcdef01");
        let (token, set) = csrf_token(SCOPE, &before);
        assert!(set.is_none(), "the browser's secret is kept");
        assert_eq!(token, form_token(SCOPE, SECRET, ""));
        assert!(check_csrf(SCOPE, &before, &token).is_ok());
        assert!(
            check_csrf(SCOPE, &before, SECRET).is_err(),
            "not the secret"
        );
        // Signed in: the token from before is refused, and so is another session's.
        let alice = headers("__Host-c=0123456789abcdef0123456789abcdef01; __Host-s=alice");
        let bob = headers("__Host-s=bob; __Host-c=0123456789abcdef0123456789abcdef01");
        assert!(check_csrf(SCOPE, &alice, &token).is_err());
        let (alices, _) = csrf_token(SCOPE, &alice);
        assert!(check_csrf(SCOPE, &alice, &alices).is_ok());
        assert!(check_csrf(SCOPE, &bob, &alices).is_err());
        // Another area's session names another message.
        let other = CookieScope {
            session_cookie: "__Host-t",
            ..SCOPE
        };
        assert_ne!(form_token(other, SECRET, "alice"), alices);
        // A short secret is none: a new one is made and set.
        none.insert(COOKIE, HeaderValue::from_static("__Host-c=short"));
        assert!(check_csrf(SCOPE, &none, &form_token(SCOPE, "short", "")).is_err());
        let (_, set) = csrf_token(SCOPE, &none);
        assert!(set.is_some());
        assert_eq!(cookie(&alice, "__Host-s").as_deref(), Some("alice"));
    }

    #[test]
    fn cookies_are_host_cookies_and_removed_alike() {
        let (name, value) = set_cookie("__Host-x", "v", 60);
        assert_eq!(name, SET_COOKIE);
        assert_eq!(
            value,
            "__Host-x=v; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=60"
        );
        let (_, cleared) = clear_cookie("__Host-x");
        assert_eq!(
            cleared,
            "__Host-x=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
        );
    }
}
