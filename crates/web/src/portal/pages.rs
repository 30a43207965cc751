//! Portal login: the form, the mailed single-use link, the *Continue* step that POSTs it (so a
//! mail scanner that opens links consumes nothing), and logout.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use kinwarden_app::AppError;
use kinwarden_app::portal::login as portal_login;
use serde::Deserialize;

use super::form::PortalForm;
use super::session::{self, AdminSession};
use super::texts;
use crate::http::client_ip::ClientIp;
use crate::http::mails::request_lang;
use crate::http::state::AppState;
use crate::pages::i18n::Texts;

#[derive(Template)]
#[template(path = "portal/login.html")]
struct LoginPage {
    t: &'static Texts,
    lang: &'static str,
    csrf: String,
    sent: bool,
    /// Why no link was sent, when the request was refused.
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/confirm.html")]
struct ConfirmPage {
    t: &'static Texts,
    lang: &'static str,
    csrf: String,
    token: String,
    error: Option<String>,
}

pub use crate::http::forms::page;

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
            error: None,
        },
        set,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    csrf: String,
}

/// Answers the same page whoever asks; only an admin's address gets a link. Too many requests
/// for one address or from one client get 429 and no link, whoever the address belongs to.
#[utoipa::path(
    post,
    path = "/login",
    tag = "portal",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Fields `email`, `csrf`"),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PortalForm(form): PortalForm<LoginForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let (t, lang) = texts::for_request(&headers);
    if let Err(limited) = state.mail_limiter.admit(ip, &form.email) {
        let page = page(
            &LoginPage {
                t,
                lang,
                csrf: form.csrf,
                sent: false,
                error: Some(t.mail_limited.to_string()),
            },
            None,
        );
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(RETRY_AFTER, limited.retry_after_seconds().to_string())],
            page,
        )
            .into_response();
    }
    if let Err(err) = portal_login::send_link(&state, &form.email, request_lang(&headers)).await {
        tracing::error!(error = %err, "could not queue the Portal login link");
    }
    page(
        &LoginPage {
            t,
            lang,
            csrf: form.csrf,
            sent: true,
            error: None,
        },
        None,
    )
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
    let email = match portal_login::use_link(&state, &form.token).await {
        Ok(email) => email,
        Err(AppError::BadRequest(message)) => return refuse(&message),
        Err(err) => return crate::ApiError::from(err).into_response(),
    };
    let Ok(token) = session::session_token(&state, &email) else {
        return refuse("The session could not be started; try again.");
    };
    tracing::info!(admin = %email, "Portal login");
    (
        // Appended, not inserted: the session and the new CSRF secret are two `Set-Cookie`s.
        AppendHeaders(session::session_cookies(&token)),
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
    ([session::clear_session()], Redirect::to("/admin/login")).into_response()
}
