//! `/api/accounts/…`: the signed-in user's own account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kinwarden_app::accounts::secret_check::verify_secret;
use kinwarden_app::accounts::{one_time_code, profile, settings};
use kinwarden_proto::accounts::{ApiKeyResponse, SecretVerificationRequest, UserKeyIdRequest};
use kinwarden_proto::sync::ProfileResponse;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/accounts/profile",
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ProfileResponse), crate::openapi::UserErrors)
)]
pub async fn profile(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<ProfileResponse>, ApiError> {
    Ok(Json(profile::build(&state, &current.user).await?))
}

/// The account's revision date as bare epoch milliseconds (what the CLI expects).
#[utoipa::path(
    get,
    path = "/accounts/revision-date",
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "Milliseconds since the epoch of the last change", body = i64), crate::openapi::UserErrors)
)]
pub async fn revision_date(current: CurrentUser) -> Json<i64> {
    Json(current.user.revision_date)
}

/// The user API key (`client_id` `user.<id>`), after the master password is proven.
#[utoipa::path(
    post,
    path = "/accounts/api-key",
    tag = "accounts",
    request_body = SecretVerificationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ApiKeyResponse), crate::openapi::UserErrors)
)]
pub async fn api_key(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<SecretVerificationRequest>,
) -> Result<Json<ApiKeyResponse>, ApiError> {
    let key = kinwarden_app::accounts::api_key::api_key(&state, &current.user, &request).await?;
    Ok(Json(key))
}

/// A new user API key, after the master password is proven; the old one stops working.
#[utoipa::path(
    post,
    path = "/accounts/rotate-api-key",
    tag = "accounts",
    request_body = SecretVerificationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The new key", body = ApiKeyResponse), crate::openapi::UserErrors)
)]
pub async fn rotate_api_key(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<SecretVerificationRequest>,
) -> Result<Json<ApiKeyResponse>, ApiError> {
    let key = kinwarden_app::accounts::api_key::rotate(&state, &current.user, &request).await?;
    Ok(Json(key))
}

/// Log out everywhere: a new security stamp ends every token and page session of the account.
#[utoipa::path(
    post,
    path = "/accounts/security-stamp",
    tag = "accounts",
    request_body = SecretVerificationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Every session ended"), crate::openapi::UserErrors)
)]
pub async fn security_stamp(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<SecretVerificationRequest>,
) -> Result<StatusCode, ApiError> {
    kinwarden_app::accounts::security_stamp::log_out_everywhere(&state, &current.user, &request)
        .await?;
    Ok(StatusCode::OK)
}

/// Checks the master password without changing anything.
#[utoipa::path(
    post,
    path = "/accounts/verify-password",
    tag = "accounts",
    request_body = SecretVerificationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The password is right"), crate::openapi::UserErrors)
)]
pub async fn verify_password(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<SecretVerificationRequest>,
) -> Result<StatusCode, ApiError> {
    verify_secret(&state, &current.user, &request).await?;
    Ok(StatusCode::OK)
}

/// `POST /api/accounts/request-otp`: mails a one-time code that can stand in for the master
/// password once, for a few minutes.
#[utoipa::path(
    post,
    path = "/accounts/request-otp",
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "A one-time code was e-mailed"), crate::openapi::UserErrors)
)]
pub async fn request_otp(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    current: CurrentUser,
) -> Result<StatusCode, ApiError> {
    let lang = crate::http::mails::reader_lang(&headers, Some(current.user.culture.as_str()));
    one_time_code::request_code(&state, &current.user, lang).await?;
    Ok(StatusCode::OK)
}

/// Records the id of the user key a client uses (newer clients send it after logging in).
#[utoipa::path(
    post,
    path = "/accounts/key-management/user-key-id",
    tag = "accounts",
    request_body = UserKeyIdRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Done"), crate::openapi::UserErrors)
)]
pub async fn user_key_id(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<UserKeyIdRequest>,
) -> Result<StatusCode, ApiError> {
    settings::set_user_key_id(&state, &current.user, &request.user_key_id).await?;
    Ok(StatusCode::OK)
}
