//! The language of the mails a request causes: its `Accept-Language`, or the account's setting
//! where the mail goes to the signed-in user. The mails themselves are rendered and queued by the
//! use-cases.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use kinwarden_mail::Lang;

/// The language of a mail caused by this request: its `Accept-Language`.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    reader_lang(headers, None)
}

/// The language of a mail to a reader whose account setting (a culture such as `sv-SE`) is
/// `culture`: that setting, else the request's `Accept-Language`.
pub fn reader_lang(headers: &HeaderMap, culture: Option<&str>) -> Lang {
    Lang::pick(
        culture,
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    )
}
