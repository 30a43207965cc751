//! Portal login: a single-use link mailed to an address of `adminSettings__admins`, and its use.
//! Whoever asks gets the same answer; only an admin's address gets a link.

use chrono::Duration;
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_core::{email, secrets};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::AdminLogin;

use crate::{App, AppError};

/// How long a login link works.
pub const LINK_MINUTES: u32 = 15;

/// Queues a login link for `address` if it is an admin's; anyone else gets nothing, and the
/// caller answers the same either way.
pub async fn send_link(app: &App, address: &str, lang: Lang) -> Result<(), AppError> {
    let Some(address) = email::normalize(address).filter(|a| app.config.admins.contains(a)) else {
        return Ok(());
    };
    let now = app.clock.now();
    // The link's id as its subject, so it works once.
    let link_id = secrets::random_token().map_err(AppError::internal)?;
    let token = app
        .tokens
        .sign_email(
            audience::ADMIN_LOGIN,
            &address,
            Some(link_id),
            now,
            Duration::minutes(i64::from(LINK_MINUTES)),
        )
        .map_err(AppError::internal)?;
    let mail = AdminLogin {
        email: &address,
        token: &token,
        minutes: LINK_MINUTES,
    }
    .render(&app.urls.vault, lang);
    app.store
        .enqueue_mail(&mail, now.timestamp_millis())
        .await?;
    Ok(())
}

/// Uses a login link's token once; the answer is the admin's address, for the session. A
/// refusal is an [`AppError::BadRequest`] with the text the login page shows.
pub async fn use_link(app: &App, token: &str) -> Result<String, AppError> {
    let refuse = |message: &str| AppError::BadRequest(message.to_string());
    let claims = app
        .tokens
        .verify::<EmailClaims>(token, audience::ADMIN_LOGIN, app.now_seconds())
        .map_err(|_| {
            refuse("This login link is not valid or has expired (links work for 15 minutes).")
        })?;
    if !app.config.admins.contains(&claims.email) {
        return Err(refuse("This address may no longer use the Portal."));
    }
    let link_id = claims.subject.clone().unwrap_or_default();
    if !app
        .store
        .use_admin_login_link(&link_id, app.clock.now_millis())
        .await?
    {
        return Err(refuse(
            "This login link was used already; each link works once.",
        ));
    }
    Ok(claims.email)
}
