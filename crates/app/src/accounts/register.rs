//! Registration (SPEC §9 "register"): a verification token proves the address (from the
//! e-mailed link, or answered directly when e-mail verification is off), then [`finish`] creates
//! the account from what the client derived. The server never sees the master password.

use chrono::Duration;
use kinwarden_core::kdf::KdfSettings;
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_core::{email, password, secrets};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::VerifyEmail;
use kinwarden_proto::identity::RegisterFinishRequest;
use kinwarden_store::StoreError;

use crate::records::{NewUser, UserRecord};
use crate::{App, AppError};

/// How long a verification link works.
const VERIFICATION_DAYS: i64 = 5;
/// Bitwarden's limit on the hint.
const MAX_HINT_CHARS: usize = 50;

pub const REGISTRATION_CLOSED: &str =
    "Open registration has been disabled by the system administrator.";

/// What asking for a verification link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerificationSent {
    /// E-mail verification is on: the link was mailed (or, for an address that already has an
    /// account, silently not, so the answer does not tell).
    Mailed,
    /// E-mail verification is off: the token itself, for the caller to finish with.
    Token(String),
}

/// A signed token proving control of `email`, for the verification link.
fn verification_token(app: &App, email: &str) -> Result<String, AppError> {
    app.tokens
        .sign_email(
            audience::REGISTER,
            email,
            None,
            app.clock.now(),
            Duration::days(VERIFICATION_DAYS),
        )
        .map_err(AppError::internal)
}

fn normalized(raw: &str) -> Result<String, AppError> {
    email::normalize(raw)
        .ok_or_else(|| AppError::field("Email", "The Email field is not a valid e-mail address."))
}

/// The first step of an open sign-up: a verification link for the address, mailed in `lang`
/// when e-mail verification is on, answered directly when it is off.
pub async fn send_verification_email(
    app: &App,
    address: &str,
    lang: Lang,
) -> Result<VerificationSent, AppError> {
    if app.config.disable_user_registration {
        return Err(AppError::BadRequest(REGISTRATION_CLOSED.into()));
    }
    let email = normalized(address)?;
    let token = verification_token(app, &email)?;
    if !app.config.enable_email_verification {
        return Ok(VerificationSent::Token(token));
    }
    if app.store.user_by_email(&email).await?.is_none() {
        let mail = VerifyEmail {
            email: &email,
            token: &token,
        }
        .render(&app.urls.vault, lang);
        app.store
            .enqueue_mail(&mail, app.clock.now_millis())
            .await?;
    }
    Ok(VerificationSent::Mailed)
}

/// How the address was proven.
enum Proof {
    EmailToken,
    Invitation,
    SponsorshipOffer,
}

/// Creates the account, with `culture` as its language setting, once the request proves its
/// address; answers the new account.
pub async fn finish(
    app: &App,
    request: RegisterFinishRequest,
    culture: &str,
) -> Result<UserRecord, AppError> {
    let email = normalized(&request.email)?;
    let proof = prove_address(app, &request, &email).await?;
    if app.config.disable_user_registration && matches!(proof, Proof::EmailToken) {
        return Err(AppError::BadRequest(REGISTRATION_CLOSED.into()));
    }
    let kdf = KdfSettings {
        kdf: request.kdf,
        iterations: request.kdf_iterations,
        memory: request.kdf_memory,
        parallelism: request.kdf_parallelism,
    };
    kdf.validate()
        .map_err(|(field, message)| AppError::field(field, message))?;
    if request.master_password_hash.is_empty() || request.master_password_hash.len() > 300 {
        return Err(AppError::field(
            "MasterPasswordHash",
            "The MasterPasswordHash field is required.",
        ));
    }
    if request
        .master_password_hint
        .as_deref()
        .is_some_and(|hint| hint.chars().count() > MAX_HINT_CHARS)
    {
        return Err(AppError::field(
            "MasterPasswordHint",
            "The hint may be at most 50 characters.",
        ));
    }
    if !request.user_symmetric_key.starts_with("2.")
        && !request.user_symmetric_key.starts_with("0.")
    {
        return Err(AppError::field(
            "UserSymmetricKey",
            "The user key must be an encrypted key (EncString).",
        ));
    }

    let received = request.master_password_hash.clone();
    let iterations = app.config.password_iterations;
    let stored = app
        .hash_work(move || password::hash(&received, iterations))
        .await?
        .map_err(AppError::internal)?;
    let now = app.clock.now_millis();
    let user = NewUser {
        id: kinwarden_core::ids::UserId::new(),
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
        api_key: secrets::random_alphanumeric(30).map_err(AppError::internal)?,
        culture: culture.to_string(),
        revision_date: now,
        created_at: now,
        updated_at: now,
    };
    match app.store.create_user(&user).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => {
            return Err(AppError::field(
                "Email",
                format!("Email '{email}' is already taken."),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    tracing::info!(user = %user.id, "account registered");
    Ok(user)
}

async fn prove_address(
    app: &App,
    request: &RegisterFinishRequest,
    email: &str,
) -> Result<Proof, AppError> {
    if let Some(token) = request
        .email_verification_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        let claims: EmailClaims = app
            .tokens
            .verify(token, audience::REGISTER, app.now_seconds())
            .map_err(|_| AppError::BadRequest("Expired link. Please restart registration or try logging in. You may already have an account".into()))?;
        if claims.email != email {
            return Err(AppError::BadRequest(
                "The verification link was made for another e-mail address.".into(),
            ));
        }
        return Ok(Proof::EmailToken);
    }
    if let (Some(token), Some(member_id)) = (
        request.org_invite_token.as_deref(),
        request.organization_user_id.as_deref(),
    ) {
        let claims: EmailClaims = app
            .tokens
            .verify(token, audience::INVITE, app.now_seconds())
            .map_err(|_| AppError::BadRequest("Invalid invitation token.".into()))?;
        if claims.email != email || claims.subject.as_deref() != Some(member_id) {
            return Err(AppError::BadRequest("Invalid invitation token.".into()));
        }
        return Ok(Proof::Invitation);
    }
    if let Some(token) = request
        .org_sponsored_free_family_plan_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        // The offer e-mail proves the address it was sent to (reference §4.5).
        return if crate::sponsorships::redemption::offer_for(app, token, email)
            .await?
            .is_some()
        {
            Ok(Proof::SponsorshipOffer)
        } else {
            Err(AppError::BadRequest(
                "Invalid org sponsored free family plan token.".into(),
            ))
        };
    }
    Err(AppError::BadRequest(
        "A verification token is required: follow the link in the verification e-mail.".into(),
    ))
}
