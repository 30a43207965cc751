//! Portal login: the form, the mailed single-use link, the *Continue* step that POSTs it (so a
//! mail scanner that opens links consumes nothing), and logout.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_core::{email, secrets};
use kinwarden_mail::messages::AdminLogin;
use serde::Deserialize;

use super::form::PortalForm;
use super::session::{self, AdminSession};
use super::texts;
use crate::console::i18n::Texts;
use crate::mails::request_lang;
use crate::state::AppState;

const LINK_MINUTES: u32 = 15;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    t: &'static Texts,
    lang: &'static str,
    csrf: String,
    sent: bool,
}

#[derive(Template)]
#[template(path = "admin/confirm.html")]
struct ConfirmPage {
    t: &'static Texts,
    lang: &'static str,
    csrf: String,
    token: String,
    error: Option<String>,
}

pub use crate::forms::page;

#[utoipa::path(
    get,
    path = "/",
    tag = "portal",
    security((), ("portalSession" = [])),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn home(session: Result<AdminSession, Response>) -> Redirect {
    match session {
        Ok(_) => Redirect::to("/admin/organizations"),
        Err(_) => Redirect::to("/admin/login"),
    }
}

#[utoipa::path(
    get,
    path = "/login",
    tag = "portal",
    responses(crate::openapi::PortalAnswers)
)]
pub async fn login_form(headers: HeaderMap) -> Response {
    let (csrf, set) = session::csrf_token(&headers);
    let (t, lang) = texts::for_request(&headers);
    page(
        &LoginPage {
            t,
            lang,
            csrf,
            sent: false,
        },
        set,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    csrf: String,
}

/// Answers the same page whoever asks; only an admin's address gets a link.
#[utoipa::path(
    post,
    path = "/login",
    tag = "portal",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Fields `email`, `csrf`"),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<LoginForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let admin =
        email::normalize(&form.email).filter(|address| state.config.admins.contains(address));
    if let Some(address) = admin
        && let Err(err) = send_link(&state, &address, &headers).await
    {
        tracing::error!(error = %err, "could not queue the Portal login link");
    }
    let (t, lang) = texts::for_request(&headers);
    page(
        &LoginPage {
            t,
            lang,
            csrf: form.csrf,
            sent: true,
        },
        None,
    )
}

async fn send_link(state: &AppState, address: &str, headers: &HeaderMap) -> Result<(), String> {
    let now = state.clock.now();
    let token = state
        .tokens
        .sign(
            &EmailClaims {
                iss: state.tokens.issuer().to_string(),
                aud: audience::ADMIN_LOGIN.to_string(),
                nbf: now.timestamp(),
                exp: (now + Duration::minutes(i64::from(LINK_MINUTES))).timestamp(),
                email: address.to_string(),
                subject: Some(secrets::random_token().map_err(|err| err.to_string())?),
            },
            "JWT",
        )
        .map_err(|err| err.to_string())?;
    let mail = AdminLogin {
        email: address,
        token: &token,
        minutes: LINK_MINUTES,
    }
    .render(&state.urls.vault, request_lang(headers));
    state
        .store
        .enqueue_mail(&mail, now.timestamp_millis())
        .await
        .map(|_| ())
        .map_err(|err| err.to_string())
}

#[derive(Deserialize)]
pub struct ConfirmQuery {
    #[serde(default)]
    token: String,
}

#[utoipa::path(
    get,
    path = "/login/confirm",
    tag = "portal",
    params(("token" = Option<String>, Query, description = "The single-use login token from the e-mail")),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn confirm_form(headers: HeaderMap, Query(query): Query<ConfirmQuery>) -> Response {
    let (csrf, set) = session::csrf_token(&headers);
    let (t, lang) = texts::for_request(&headers);
    page(
        &ConfirmPage {
            t,
            lang,
            csrf,
            token: query.token,
            error: None,
        },
        set,
    )
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    token: String,
    csrf: String,
}

#[utoipa::path(
    post,
    path = "/login/confirm",
    tag = "portal",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Fields `token`, `csrf`"),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<ConfirmForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let (t, lang) = texts::for_request(&headers);
    let refuse = |message: &str| {
        page(
            &ConfirmPage {
                t,
                lang,
                csrf: form.csrf.clone(),
                token: String::new(),
                error: Some(message.to_string()),
            },
            None,
        )
    };
    let Ok(claims) =
        state
            .tokens
            .verify::<EmailClaims>(&form.token, audience::ADMIN_LOGIN, state.now_seconds())
    else {
        return refuse("This login link is not valid or has expired (links work for 15 minutes).");
    };
    if !state.config.admins.contains(&claims.email) {
        return refuse("This address may no longer use the Portal.");
    }
    let link_id = claims.subject.clone().unwrap_or_default();
    match state
        .store
        .use_admin_login_link(&link_id, state.clock.now_millis())
        .await
    {
        Ok(true) => {}
        Ok(false) => return refuse("This login link was used already; each link works once."),
        Err(err) => return crate::ApiError::from(err).into_response(),
    }
    let Ok(token) = session::session_token(&state, &claims.email) else {
        return refuse("The session could not be started; try again.");
    };
    tracing::info!(admin = %claims.email, "Portal login");
    (
        [session::set_cookie(
            session::SESSION_COOKIE,
            &token,
            session::session_max_age(),
        )],
        Redirect::to("/admin/organizations"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[utoipa::path(
    post,
    path = "/logout",
    tag = "portal",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Field `csrf`"),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn logout(headers: HeaderMap, PortalForm(form): PortalForm<CsrfForm>) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    (
        [session::set_cookie(session::SESSION_COOKIE, "", 0)],
        Redirect::to("/admin/login"),
    )
        .into_response()
}
