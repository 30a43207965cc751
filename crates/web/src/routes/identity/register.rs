//! Registration (SPEC §9 "register"): a verification token proves the address (from the
//! e-mailed link, or answered directly when e-mail verification is off), then `finish` creates
//! the account from what the client derived. The server never sees the master password.

use axum::Json;
use axum::extract::State;
use chrono::Duration;
use kinwarden_core::kdf::KdfSettings;
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_core::{email, password, secrets};
use kinwarden_proto::identity::RegisterFinishRequest;
use kinwarden_store::{NewUser, StoreError};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// How long a verification link works.
const VERIFICATION_DAYS: i64 = 5;
/// Bitwarden's limit on the hint.
const MAX_HINT_CHARS: usize = 50;

pub const REGISTRATION_CLOSED: &str =
    "Open registration has been disabled by the system administrator.";

/// A signed token proving control of `email`, for the verification link.
pub fn verification_token(state: &AppState, email: &str) -> Result<String, ApiError> {
    let now = state.clock.now();
    let claims = EmailClaims {
        iss: state.tokens.issuer().to_string(),
        aud: audience::REGISTER.to_string(),
        nbf: now.timestamp(),
        exp: (now + Duration::days(VERIFICATION_DAYS)).timestamp(),
        email: email.to_string(),
        subject: None,
    };
    state
        .tokens
        .sign(&claims, "JWT")
        .map_err(ApiError::internal)
}

/// How the address was proven.
enum Proof {
    EmailToken,
    Invitation,
    SponsorshipOffer,
}

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
    let email = email::normalize(&request.email).ok_or_else(|| {
        ApiError::field("Email", "The Email field is not a valid e-mail address.")
    })?;
    let proof = prove_address(&state, &request, &email).await?;
    if state.config.disable_user_registration && matches!(proof, Proof::EmailToken) {
        return Err(ApiError::BadRequest(REGISTRATION_CLOSED.into()));
    }
    let kdf = KdfSettings {
        kdf: request.kdf,
        iterations: request.kdf_iterations,
        memory: request.kdf_memory,
        parallelism: request.kdf_parallelism,
    };
    kdf.validate()
        .map_err(|(field, message)| ApiError::field(field, message))?;
    if request.master_password_hash.is_empty() || request.master_password_hash.len() > 300 {
        return Err(ApiError::field(
            "MasterPasswordHash",
            "The MasterPasswordHash field is required.",
        ));
    }
    if request
        .master_password_hint
        .as_deref()
        .is_some_and(|hint| hint.chars().count() > MAX_HINT_CHARS)
    {
        return Err(ApiError::field(
            "MasterPasswordHint",
            "The hint may be at most 50 characters.",
        ));
    }
    if !request.user_symmetric_key.starts_with("2.")
        && !request.user_symmetric_key.starts_with("0.")
    {
        return Err(ApiError::field(
            "UserSymmetricKey",
            "The user key must be an encrypted key (EncString).",
        ));
    }

    let received = request.master_password_hash.clone();
    let iterations = state.config.password_iterations;
    let stored = state
        .hash_work(move || password::hash(&received, iterations))
        .await?
        .map_err(ApiError::internal)?;
    let now = state.clock.now_millis();
    let user = NewUser {
        id: kinwarden_core::ids::UserId::new().to_string(),
        email: email.clone(),
        name: None,
        email_verified: true,
        password_hash: stored.hash,
        password_salt: stored.salt,
        password_iterations: i32::try_from(stored.iterations).unwrap_or(i32::MAX),
        master_password_hint: request.master_password_hint.filter(|hint| !hint.is_empty()),
        kdf: kdf.kdf,
        kdf_iterations: kdf.iterations,
        kdf_memory: kdf.memory,
        kdf_parallelism: kdf.parallelism,
        user_key: request.user_symmetric_key,
        public_key: request.user_asymmetric_keys.public_key,
        private_key: Some(request.user_asymmetric_keys.encrypted_private_key),
        user_key_id: None,
        security_stamp: uuid::Uuid::new_v4().to_string(),
        api_key: secrets::random_alphanumeric(30).map_err(ApiError::internal)?,
        culture: "en-US".to_string(),
        revision_date: now,
        created_at: now,
        updated_at: now,
    };
    match state.store.create_user(&user).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => {
            return Err(ApiError::field(
                "Email",
                format!("Email '{email}' is already taken."),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    tracing::info!(user = %user.id, "account registered");
    Ok(Json(
        json!({ "captchaBypassToken": null, "object": "register" }),
    ))
}

async fn prove_address(
    state: &AppState,
    request: &RegisterFinishRequest,
    email: &str,
) -> Result<Proof, ApiError> {
    if let Some(token) = request
        .email_verification_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        let claims: EmailClaims = state
            .tokens
            .verify(token, audience::REGISTER, state.now_seconds())
            .map_err(|_| ApiError::BadRequest("Expired link. Please restart registration or try logging in. You may already have an account".into()))?;
        if claims.email != email {
            return Err(ApiError::BadRequest(
                "The verification link was made for another e-mail address.".into(),
            ));
        }
        return Ok(Proof::EmailToken);
    }
    if let (Some(token), Some(member_id)) = (
        request.org_invite_token.as_deref(),
        request.organization_user_id.as_deref(),
    ) {
        let claims: EmailClaims = state
            .tokens
            .verify(token, audience::INVITE, state.now_seconds())
            .map_err(|_| ApiError::BadRequest("Invalid invitation token.".into()))?;
        if claims.email != email || claims.subject.as_deref() != Some(member_id) {
            return Err(ApiError::BadRequest("Invalid invitation token.".into()));
        }
        return Ok(Proof::Invitation);
    }
    if let Some(token) = request
        .org_sponsored_free_family_plan_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        // The offer e-mail proves the address it was sent to (reference §4.5).
        return match crate::routes::redemption::valid_offer(state, token, email).await? {
            Some(_) => Ok(Proof::SponsorshipOffer),
            None => Err(ApiError::BadRequest(
                "Invalid org sponsored free family plan token.".into(),
            )),
        };
    }
    Err(ApiError::BadRequest(
        "A verification token is required: follow the link in the verification e-mail.".into(),
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
    responses((status = 204, description = "The verification link was e-mailed"), (status = 200, description = "E-mail verification is off: the token itself", body = String), crate::openapi::AnonymousErrors)
)]
pub async fn send_verification_email(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiJson(request): ApiJson<kinwarden_proto::identity::SendVerificationEmailRequest>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    if state.config.disable_user_registration {
        return Err(ApiError::BadRequest(REGISTRATION_CLOSED.into()));
    }
    let email = email::normalize(&request.email).ok_or_else(|| {
        ApiError::field("Email", "The Email field is not a valid e-mail address.")
    })?;
    let token = verification_token(&state, &email)?;
    if !state.config.enable_email_verification {
        return Ok(Json(token).into_response());
    }
    if state.store.user_by_email(&email).await?.is_none() {
        let lang = crate::mails::request_lang(&headers);
        crate::mails::queue_verification(&state, &email, &token, lang).await?;
    }
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
