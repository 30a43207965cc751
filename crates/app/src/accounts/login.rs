//! Logging in (reference §3.2): the master password hash, a refresh token, or the user API key
//! buys a user's tokens. The rate limits around these are the HTTP layer's (per client address);
//! a refusal here is `Ok(None)`, so the caller answers in its own words (OAuth error or page).

use kinwarden_core::ids::UserId;
use kinwarden_core::{password, secrets};
use kinwarden_proto::identity::TokenResponse;

use super::tokens::{self, TokenClient};
use crate::records::UserRecord;
use crate::{App, AppError};

/// The address a login names, as accounts are stored and login attempts are counted.
pub fn login_email(username: &str) -> String {
    username.trim().to_lowercase()
}

/// The account whose master password hash this is; `None` for a wrong password or an unknown
/// address, which costs the same work so the time does not tell them apart.
pub async fn check_password(
    app: &App,
    email: &str,
    received: String,
) -> Result<Option<UserRecord>, AppError> {
    let user = app.store.user_by_email(email).await?;
    let iterations = app.config.password_iterations;
    let verified = match &user {
        Some(user) => {
            let stored = password::StoredPassword {
                hash: user.password_hash.clone(),
                salt: user.password_salt.clone(),
                iterations: u32::try_from(user.password_iterations).unwrap_or(1),
            };
            app.hash_work(move || password::verify(&received, &stored))
                .await?
        }
        None => {
            app.hash_work(move || password::burn(&received, iterations))
                .await?;
            false
        }
    };
    Ok(user.filter(|_| verified))
}

/// The password grant, and the pages' login form: the user's tokens if the master password hash
/// is right, `None` otherwise.
pub async fn password_login(
    app: &App,
    email: &str,
    received: String,
    client: TokenClient,
) -> Result<Option<TokenResponse>, AppError> {
    let Some(user) = check_password(app, email, received).await? else {
        return Ok(None);
    };
    tokens::user_tokens(app, &user, client).await.map(Some)
}

/// The refresh grant: a refresh token works once, for the client and device it was issued to;
/// `None` for an unknown, used or expired token, or an account that is gone.
pub async fn refresh(app: &App, refresh_token: &str) -> Result<Option<TokenResponse>, AppError> {
    let Some((user_id, client_id, device)) = app
        .store
        .take_refresh_token(&secrets::sha256_hex(refresh_token), app.clock.now_millis())
        .await?
    else {
        return Ok(None);
    };
    let Some(user) = app.store.user_by_id(user_id).await? else {
        return Ok(None);
    };
    let client = TokenClient {
        client_id,
        scopes: vec!["api".to_string(), "offline_access".to_string()],
        device,
        refresh_token: true,
    };
    tokens::user_tokens(app, &user, client).await.map(Some)
}

/// The user API key grant (`client_id` `user.<id>`): tokens without a refresh token; `None` for
/// an unknown account or a wrong key (compared in constant time).
pub async fn api_key_login(
    app: &App,
    user_id: UserId,
    secret: &str,
    scopes: Vec<String>,
    device: Option<String>,
) -> Result<Option<TokenResponse>, AppError> {
    let user = app.store.user_by_id(user_id).await?;
    let Some(user) = user.filter(|user| secrets::constant_time_eq(&user.api_key, secret)) else {
        return Ok(None);
    };
    let client = TokenClient {
        client_id: format!("user.{}", user.id),
        scopes,
        device,
        refresh_token: false,
    };
    tokens::user_tokens(app, &user, client).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_names_the_stored_address_whatever_its_case_and_spaces() {
        assert_eq!(login_email("  Ada@Example.COM "), "ada@example.com");
    }
}
