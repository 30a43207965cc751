//! Mails the web layer causes, rendered in the reader's language and queued in the outbox.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use kinwarden_mail::Lang;
use kinwarden_mail::messages::VerifyEmail;

use crate::error::ApiError;
use crate::state::AppState;

/// The language of a mail caused by this request: its `Accept-Language`.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    Lang::pick(
        None,
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    )
}

/// The sign-up verification mail with its link.
pub async fn queue_verification(
    state: &AppState,
    email: &str,
    token: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let mail = VerifyEmail { email, token }.render(&state.urls.vault, lang);
    state
        .store
        .enqueue_mail(&mail, state.clock.now_millis())
        .await?;
    Ok(())
}
