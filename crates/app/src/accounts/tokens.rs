//! Issuing tokens: the access token (a signed JWT) and, for user logins, a refresh token that is
//! stored only as a digest and works once. The token endpoint's grants and the pages' session
//! cookie both get their tokens here.

use chrono::Duration;
use kinwarden_core::secrets;
use kinwarden_core::tokens::{AccessClaims, audience};
use kinwarden_proto::accounts::AccountKeys;
use kinwarden_proto::identity::{
    KdfPascal, MasterPasswordUnlockPascal, ObjectOnly, TokenResponse, UserDecryptionOptions,
    UserTokenFields,
};

use crate::records::UserRecord;
use crate::{App, AppError};

/// Access tokens of users live an hour; clients refresh them.
pub const USER_TOKEN_SECONDS: i64 = 3600;
/// Installation tokens live a day (reference §3.1).
pub const INSTALLATION_TOKEN_SECONDS: i64 = 86_400;
const REFRESH_TOKEN_DAYS: i64 = 30;

/// The client a user's tokens are issued to, and what they may do.
#[derive(Debug, Clone)]
pub struct TokenClient {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub device: Option<String>,
    /// Whether a refresh token comes too (password and refresh grants; not API keys, not pages).
    pub refresh_token: bool,
}

impl TokenClient {
    /// The pages' session: the web vault's client, scope `api`, no refresh token (the cookie
    /// ends with the access token).
    pub fn page_session() -> Self {
        Self {
            client_id: "web".to_string(),
            scopes: vec!["api".to_string()],
            device: None,
            refresh_token: false,
        }
    }
}

/// A user's tokens after a password, refresh or API-key grant, or a sign-in on the pages.
pub async fn user_tokens(
    app: &App,
    user: &UserRecord,
    client: TokenClient,
) -> Result<TokenResponse, AppError> {
    let TokenClient {
        client_id,
        scopes,
        device,
        refresh_token,
    } = client;
    let claims = AccessClaims {
        sub: Some(user.id.to_string()),
        amr: vec!["Application".to_string()],
        email: Some(user.email.clone()),
        name: user.name.clone(),
        email_verified: Some(user.email_verified),
        sstamp: Some(user.security_stamp.clone()),
        device: device.clone(),
        ..base_claims(app, &client_id, &scopes, USER_TOKEN_SECONDS)
    };
    let access_token = app
        .tokens
        .sign(&claims, "at+jwt")
        .map_err(AppError::internal)?;
    let refresh_token = if refresh_token {
        let token = secrets::random_token().map_err(AppError::internal)?;
        let now_ms = app.clock.now_millis();
        let expires = (app.clock.now() + Duration::days(REFRESH_TOKEN_DAYS)).timestamp_millis();
        app.store
            .insert_refresh_token(
                &secrets::sha256_hex(&token),
                user.id,
                &client_id,
                device.as_deref(),
                now_ms,
                expires,
            )
            .await?;
        Some(token)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token,
        expires_in: USER_TOKEN_SECONDS,
        token_type: "Bearer".to_string(),
        scope: scopes.join(" "),
        refresh_token,
        user: Some(user_fields(user)),
    })
}

/// The decryption material a client needs after logging in.
fn user_fields(user: &UserRecord) -> UserTokenFields {
    UserTokenFields {
        key: user.user_key.clone(),
        private_key: user.private_key.clone(),
        account_keys: user
            .private_key
            .clone()
            .map(|private| AccountKeys::new(private, user.public_key.clone())),
        kdf: user.kdf,
        kdf_iterations: user.kdf_iterations,
        kdf_memory: user.kdf_memory,
        kdf_parallelism: user.kdf_parallelism,
        reset_master_password: false,
        force_password_reset: false,
        master_password_policy: ObjectOnly {
            object: "masterPasswordPolicy".to_string(),
        },
        user_decryption_options: UserDecryptionOptions {
            has_master_password: true,
            master_password_unlock: Some(MasterPasswordUnlockPascal {
                kdf: KdfPascal {
                    kdf_type: user.kdf,
                    iterations: user.kdf_iterations,
                    memory: user.kdf_memory,
                    parallelism: user.kdf_parallelism,
                },
                master_key_encrypted_user_key: user.user_key.clone(),
                master_key_wrapped_user_key: user.user_key.clone(),
                salt: user.email.clone(),
            }),
            object: "userDecryptionOptions".to_string(),
        },
    }
}

/// An access token for a client-credentials caller that is not a user (an installation).
pub fn client_token(
    app: &App,
    client_id: &str,
    client_sub: &str,
    scopes: Vec<String>,
    lifetime_seconds: i64,
) -> Result<TokenResponse, AppError> {
    let claims = AccessClaims {
        client_sub: Some(client_sub.to_string()),
        ..base_claims(app, client_id, &scopes, lifetime_seconds)
    };
    let access_token = app
        .tokens
        .sign(&claims, "at+jwt")
        .map_err(AppError::internal)?;
    Ok(TokenResponse {
        access_token,
        expires_in: lifetime_seconds,
        token_type: "Bearer".to_string(),
        scope: scopes.join(" "),
        refresh_token: None,
        user: None,
    })
}

/// The claims every access token has: issuer, audience, validity, client and scopes.
fn base_claims(
    app: &App,
    client_id: &str,
    scopes: &[String],
    lifetime_seconds: i64,
) -> AccessClaims {
    let now = app.now_seconds();
    AccessClaims {
        iss: app.tokens.issuer().to_string(),
        aud: audience::ACCESS.to_string(),
        nbf: now,
        exp: now + lifetime_seconds,
        sub: None,
        client_id: client_id.to_string(),
        client_sub: None,
        scope: scopes.to_vec(),
        amr: Vec::new(),
        email: None,
        name: None,
        email_verified: None,
        sstamp: None,
        device: None,
        premium: false,
    }
}
