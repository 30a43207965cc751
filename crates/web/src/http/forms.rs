//! What every server-rendered area (the Portal, the pages) shares: cookies scoped to a path, the
//! double-submit CSRF token every form repeats, and rendering a template into a response.

use askama::Template;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use kinwarden_core::secrets;

/// Where an area's cookies live and what its CSRF cookie is called.
#[derive(Debug, Clone, Copy)]
pub struct CookieScope {
    pub path: &'static str,
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

/// A `Set-Cookie` (HttpOnly, Secure, SameSite=Strict) for the scope's path; `max_age` 0 removes it.
pub fn set_cookie(
    scope: CookieScope,
    name: &str,
    value: &str,
    max_age_seconds: i64,
) -> (HeaderName, HeaderValue) {
    let text = format!(
        "{name}={value}; Path={}; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_seconds}",
        scope.path
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

/// The CSRF token of this browser, and the cookie to set when it has none yet.
pub fn csrf_token(
    scope: CookieScope,
    headers: &HeaderMap,
) -> (String, Option<(HeaderName, HeaderValue)>) {
    match cookie(headers, scope.csrf_cookie).filter(|value| value.len() >= 32) {
        Some(token) => (token, None),
        None => {
            let token = secrets::random_token().unwrap_or_default();
            let set = set_cookie(scope, scope.csrf_cookie, &token, 8 * 3600);
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
            "The form has expired or did not come from this site; reload the page and try again.",
        )
            .into_response()
    }
}

/// Refuses a form whose CSRF field does not repeat the cookie.
pub fn check_csrf(
    scope: CookieScope,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<(), CsrfRefused> {
    let expected = cookie(headers, scope.csrf_cookie).unwrap_or_default();
    if !expected.is_empty() && secrets::constant_time_eq(&expected, submitted) {
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
        path: "/",
        csrf_cookie: "c",
    };

    #[test]
    fn csrf_must_repeat_the_cookie() {
        let mut headers = HeaderMap::new();
        assert!(check_csrf(SCOPE, &headers, "").is_err());
        headers.insert(COOKIE, HeaderValue::from_static("a=1; c=abcdef"));
        assert!(check_csrf(SCOPE, &headers, "abcdef").is_ok());
        assert!(check_csrf(SCOPE, &headers, "abcdeg").is_err());
        assert_eq!(cookie(&headers, "a").as_deref(), Some("1"));
    }
}
