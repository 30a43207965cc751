//! `POST /identity/connect/token` (reference §3.2, ui-and-ops §5.4): the password,
//! refresh-token and client-credentials grants. Errors are OAuth-style (`error`,
//! `error_description`), with the message clients show in `ErrorModel`. The grants are the
//! use-cases' (`kinwarden_app::accounts::login`, `kinwarden_app::installations::token`); this
//! file reads the form, applies the per-address login limits and words the refusals.

use std::net::IpAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kinwarden_app::AppError;
use kinwarden_app::accounts::login;
use kinwarden_app::accounts::tokens::TokenClient;
use kinwarden_app::installations;
use kinwarden_config::Mode;
use kinwarden_proto::identity::{TokenRequest, TokenResponse};
use kinwarden_proto::installations::scope;

use crate::http::client_ip::ClientIp;
use crate::http::error::IdentityErrorResponse;
use crate::http::state::AppState;

pub const WRONG_PASSWORD: &str = "Username or password is incorrect. Try again.";
const INSTALLATION_SCOPES: [&str; 3] = [scope::INSTALLATION, scope::LICENSING, scope::PUSH];

#[utoipa::path(
    post,
    path = "/connect/token",
    tag = "identity",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Success", body = kinwarden_proto::identity::TokenResponse), (status = 400, description = "OAuth error", body = kinwarden_proto::error::IdentityError), (status = 429, description = "Too many attempts", body = kinwarden_proto::error::IdentityError))
)]
pub async fn token(
    State(state): State<AppState>,
    ClientIp(peer): ClientIp,
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
        Ok(tokens) => Json(tokens).into_response(),
        Err(error) => error.into_response(),
    }
}

type GrantResult = Result<TokenResponse, IdentityErrorResponse>;

/// A grant's tokens, or the OAuth error `refused` when the use-case refused the credentials.
fn granted(
    result: Result<Option<TokenResponse>, AppError>,
    refused: impl FnOnce() -> IdentityErrorResponse,
) -> GrantResult {
    match result {
        Ok(Some(tokens)) => Ok(tokens),
        Ok(None) => Err(refused()),
        Err(err) => Err(internal(err)),
    }
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

async fn password_grant(state: &AppState, peer: IpAddr, request: &TokenRequest) -> GrantResult {
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
    let email = login::login_email(username);
    if !state.login_limiter.permits(peer, &email) {
        return Err(rate_limited());
    }
    let client = TokenClient {
        client_id: request
            .client_id
            .clone()
            .unwrap_or_else(|| "web".to_string()),
        scopes,
        device: request.device_identifier.clone(),
        refresh_token: true,
    };
    let result = login::password_login(state, &email, received.to_string(), client).await;
    if matches!(result, Ok(None)) {
        state.login_limiter.failed(peer, &email);
    }
    granted(result, || {
        IdentityErrorResponse::new("invalid_grant")
            .with_description("invalid_username_or_password")
            .with_message(WRONG_PASSWORD)
    })
}

async fn refresh_grant(state: &AppState, request: &TokenRequest) -> GrantResult {
    let invalid = || IdentityErrorResponse::new("invalid_grant");
    let token = request.refresh_token.as_deref().ok_or_else(invalid)?;
    granted(login::refresh(state, token).await, invalid)
}

async fn client_credentials_grant(
    state: &AppState,
    peer: IpAddr,
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
    peer: IpAddr,
    request: &TokenRequest,
    id: &str,
    secret: &str,
) -> GrantResult {
    let scopes = scopes(request);
    if scopes != ["api"] {
        return Err(IdentityErrorResponse::new("invalid_scope"));
    }
    let id = id.to_ascii_lowercase();
    let account = format!("user.{id}");
    if !state.login_limiter.permits(peer, &account) {
        return Err(rate_limited());
    }
    let device = request.device_identifier.clone();
    // An id that does not parse names no account, as an unknown one.
    let Ok(user_id) = id.parse() else {
        state.login_limiter.failed(peer, &account);
        return Err(IdentityErrorResponse::new("invalid_client"));
    };
    let result = login::api_key_login(state, user_id, secret, scopes, device).await;
    if matches!(result, Ok(None)) {
        state.login_limiter.failed(peer, &account);
    }
    granted(result, || IdentityErrorResponse::new("invalid_client"))
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
    granted(
        installations::token::installation_token(state, installation_id, secret, scopes).await,
        || IdentityErrorResponse::new("invalid_client"),
    )
}
