//! `POST /identity/connect/token` (reference §3.2, ui-and-ops §5.4): the password,
//! refresh-token and client-credentials grants. Errors are OAuth-style (`error`,
//! `error_description`), with the message clients show in `ErrorModel`.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kinwarden_config::Mode;
use kinwarden_core::{password, secrets};
use kinwarden_proto::identity::TokenRequest;

use super::session::{self, INSTALLATION_TOKEN_SECONDS};
use crate::error::IdentityErrorResponse;
use crate::state::AppState;

pub const WRONG_PASSWORD: &str = "Username or password is incorrect. Try again.";
const INSTALLATION_SCOPES: [&str; 3] = [scope::INSTALLATION, scope::LICENSING, scope::PUSH];
use kinwarden_proto::installations::scope;

#[utoipa::path(
    post,
    path = "/connect/token",
    tag = "identity",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Success", body = kinwarden_proto::identity::TokenResponse), (status = 400, description = "OAuth error", body = kinwarden_proto::error::IdentityError), (status = 429, description = "Too many attempts", body = kinwarden_proto::error::IdentityError))
)]
pub async fn token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Response {
    let request: TokenRequest = match serde_urlencoded::from_bytes(&body) {
        Ok(request) => request,
        Err(_) => {
            return IdentityErrorResponse::new("invalid_request")
                .with_description("the body must be application/x-www-form-urlencoded")
                .into_response();
        }
    };
    let result =
        match request.grant_type.as_deref() {
            Some("password") => password_grant(&state, peer, &request).await,
            Some("refresh_token") => refresh_grant(&state, &request).await,
            Some("client_credentials") => client_credentials_grant(&state, peer, &request).await,
            Some(_) => Err(IdentityErrorResponse::new("unsupported_grant_type")),
            None => Err(IdentityErrorResponse::new("invalid_request")
                .with_description("grant_type is missing")),
        };
    match result {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

type GrantResult = Result<Response, IdentityErrorResponse>;

/// Why a password login was refused.
#[derive(Debug)]
pub enum LoginRefused {
    RateLimited,
    WrongPassword,
    Internal(String),
}

/// The account whose master password hash this is, within the login limits: the check the
/// password grant and the pages' login form share. An unknown address costs the same work.
pub async fn check_password(
    state: &AppState,
    ip: std::net::IpAddr,
    username: &str,
    received: String,
) -> Result<kinwarden_store::UserRecord, LoginRefused> {
    let email = username.trim().to_lowercase();
    if !state.login_limiter.allow(ip, &email) {
        return Err(LoginRefused::RateLimited);
    }
    let failed = |err: &dyn std::fmt::Display| LoginRefused::Internal(err.to_string());
    let user = state
        .store
        .user_by_email(&email)
        .await
        .map_err(|err| failed(&err))?;
    let iterations = state.config.password_iterations;
    let verified = match &user {
        Some(user) => {
            let stored = password::StoredPassword {
                hash: user.password_hash.clone(),
                salt: user.password_salt.clone(),
                iterations: u32::try_from(user.password_iterations).unwrap_or(1),
            };
            state
                .hash_work(move || password::verify(&received, &stored))
                .await
                .map_err(|err| failed(&err))?
        }
        None => {
            state
                .hash_work(move || password::burn(&received, iterations))
                .await
                .map_err(|err| failed(&err))?;
            false
        }
    };
    user.filter(|_| verified).ok_or(LoginRefused::WrongPassword)
}

fn internal(err: impl std::fmt::Display) -> IdentityErrorResponse {
    tracing::error!(%err, "token grant failed");
    let mut response = IdentityErrorResponse::new("server_error");
    response.status = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

fn rate_limited() -> IdentityErrorResponse {
    let mut response = IdentityErrorResponse::new("invalid_grant")
        .with_description("too_many_requests")
        .with_message("Too many login attempts. Try again later.");
    response.status = StatusCode::TOO_MANY_REQUESTS;
    response
}

fn scopes(request: &TokenRequest) -> Vec<String> {
    request
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

async fn password_grant(state: &AppState, peer: SocketAddr, request: &TokenRequest) -> GrantResult {
    let (Some(username), Some(received)) =
        (request.username.as_deref(), request.password.as_deref())
    else {
        return Err(IdentityErrorResponse::new("invalid_request")
            .with_description("username and password are required"));
    };
    let scopes = scopes(request);
    if !scopes.iter().any(|s| s == "api") {
        return Err(IdentityErrorResponse::new("invalid_scope"));
    }
    let user = match check_password(state, peer.ip(), username, received.to_string()).await {
        Ok(user) => user,
        Err(LoginRefused::RateLimited) => return Err(rate_limited()),
        Err(LoginRefused::WrongPassword) => {
            return Err(IdentityErrorResponse::new("invalid_grant")
                .with_description("invalid_username_or_password")
                .with_message(WRONG_PASSWORD));
        }
        Err(LoginRefused::Internal(err)) => return Err(internal(err)),
    };
    let client_id = request
        .client_id
        .clone()
        .unwrap_or_else(|| "web".to_string());
    let tokens = session::user_tokens(
        state,
        &user,
        &client_id,
        scopes,
        request.device_identifier.clone(),
        true,
    )
    .await
    .map_err(internal)?;
    Ok(Json(tokens).into_response())
}

async fn refresh_grant(state: &AppState, request: &TokenRequest) -> GrantResult {
    let invalid = || IdentityErrorResponse::new("invalid_grant");
    let token = request.refresh_token.as_deref().ok_or_else(invalid)?;
    let (user_id, client_id, device) = state
        .store
        .take_refresh_token(&secrets::sha256_hex(token), state.clock.now_millis())
        .await
        .map_err(internal)?
        .ok_or_else(invalid)?;
    let user = state
        .store
        .user_by_id(&user_id)
        .await
        .map_err(internal)?
        .ok_or_else(invalid)?;
    let scopes = vec!["api".to_string(), "offline_access".to_string()];
    let tokens = session::user_tokens(state, &user, &client_id, scopes, device, true)
        .await
        .map_err(internal)?;
    Ok(Json(tokens).into_response())
}

async fn client_credentials_grant(
    state: &AppState,
    peer: SocketAddr,
    request: &TokenRequest,
) -> GrantResult {
    let invalid_client = || IdentityErrorResponse::new("invalid_client");
    let client_id = request.client_id.as_deref().ok_or_else(invalid_client)?;
    let secret = request
        .client_secret
        .as_deref()
        .ok_or_else(invalid_client)?;
    // The client type is what precedes the first dot (reference §3.1).
    let (kind, id) = client_id.split_once('.').ok_or_else(invalid_client)?;
    match kind {
        "user" => user_api_key_grant(state, peer, request, id, secret).await,
        "installation" => installation_grant(state, request, id, secret).await,
        _ => Err(invalid_client()),
    }
}

async fn user_api_key_grant(
    state: &AppState,
    peer: SocketAddr,
    request: &TokenRequest,
    id: &str,
    secret: &str,
) -> GrantResult {
    let scopes = scopes(request);
    if scopes != ["api"] {
        return Err(IdentityErrorResponse::new("invalid_scope"));
    }
    let id = id.to_ascii_lowercase();
    if !state.login_limiter.allow(peer.ip(), &format!("user.{id}")) {
        return Err(rate_limited());
    }
    let user = state.store.user_by_id(&id).await.map_err(internal)?;
    let Some(user) = user.filter(|user| secrets::constant_time_eq(&user.api_key, secret)) else {
        return Err(IdentityErrorResponse::new("invalid_client"));
    };
    let client_id = format!("user.{}", user.id);
    let tokens = session::user_tokens(
        state,
        &user,
        &client_id,
        scopes,
        request.device_identifier.clone(),
        false,
    )
    .await
    .map_err(internal)?;
    Ok(Json(tokens).into_response())
}

async fn installation_grant(
    state: &AppState,
    request: &TokenRequest,
    id: &str,
    secret: &str,
) -> GrantResult {
    if state.config.mode != Mode::Cloud {
        return Err(
            IdentityErrorResponse::new("invalid_client").with_description(
                "installation clients are served by a cloud, not by a self-hosted server",
            ),
        );
    }
    let scopes = scopes(request);
    if scopes.is_empty()
        || !scopes
            .iter()
            .all(|s| INSTALLATION_SCOPES.contains(&s.as_str()))
    {
        return Err(IdentityErrorResponse::new("invalid_scope"));
    }
    let Ok(installation_id) = id.parse::<kinwarden_core::ids::InstallationId>() else {
        return Err(IdentityErrorResponse::new("invalid_client"));
    };
    let installation = state
        .store
        .installation(&installation_id.to_string())
        .await
        .map_err(internal)?;
    let accepted = installation.as_ref().is_some_and(|installation| {
        installation.enabled
            && secrets::constant_time_eq(&installation.key_hash, &secrets::sha256_hex(secret))
    });
    if !accepted {
        return Err(IdentityErrorResponse::new("invalid_client"));
    }
    let id = installation_id.to_string();
    state
        .store
        .touch_installation(&id, state.clock.now_millis())
        .await
        .map_err(internal)?;
    let tokens = session::client_token(
        state,
        &format!("installation.{id}"),
        &id,
        scopes,
        INSTALLATION_TOKEN_SECONDS,
    )
    .map_err(internal)?;
    Ok(Json(tokens).into_response())
}
