//! Registration (SPEC §9 "register"): a verification token proves the address (from the
//! e-mailed link, or answered directly when e-mail verification is off), then `finish` creates
//! the account from what the client derived. The server never sees the master password.
//! The rules are the use-cases' (`kinwarden_app::accounts::register`), shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kinwarden_app::accounts::register::{self, VerificationSent};
use kinwarden_app::accounts::settings::DEFAULT_CULTURE;
use kinwarden_proto::identity::{RegisterFinishRequest, SendVerificationEmailRequest};
use serde_json::{Value, json};

use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::mail_limiter::MailLimited;
use crate::http::state::AppState;

#[utoipa::path(
    post,
    path = "/accounts/register/finish",
    tag = "identity",
    request_body = RegisterFinishRequest,
    responses((status = 200, description = "`{captchaBypassToken: null, object: \"register\"}`", body = Object), crate::openapi::AnonymousErrors)
)]
pub async fn finish(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RegisterFinishRequest>,
) -> Result<Json<Value>, ApiError> {
    // The API's clients choose no language here; the account starts with the default.
    register::finish(&state, request, DEFAULT_CULTURE).await?;
    Ok(Json(
        json!({ "captchaBypassToken": null, "object": "register" }),
    ))
}

/// `POST /identity/accounts/register/send-verification-email`: with e-mail verification on, mails
/// a link carrying `token=` and `email=` and answers 204; with it off, answers the token itself.
/// An address that already has an account gets the same answer and no mail, so the answer does
/// not reveal who has an account.
#[utoipa::path(
    post,
    path = "/accounts/register/send-verification-email",
    tag = "identity",
    request_body = kinwarden_proto::identity::SendVerificationEmailRequest,
    responses((status = 204, description = "The verification link was e-mailed"), (status = 200, description = "E-mail verification is off: the token itself", body = String), (status = 429, description = "Too many e-mails asked for this address or from this client; `Retry-After` says when to try again", body = kinwarden_proto::error::ErrorResponse), crate::openapi::AnonymousErrors)
)]
pub async fn send_verification_email(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SendVerificationEmailRequest>,
) -> Result<Response, ApiError> {
    state
        .mail_limiter
        .admit(ip, &request.email)
        .map_err(MailLimited::into_error)?;
    let lang = crate::http::mails::request_lang(&headers);
    Ok(
        match register::send_verification_email(&state, &request.email, lang).await? {
            VerificationSent::Token(token) => Json(token).into_response(),
            VerificationSent::Mailed => StatusCode::NO_CONTENT.into_response(),
        },
    )
}
