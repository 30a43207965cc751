//! `POST /identity/accounts/prelogin` and `…/prelogin/password`: the KDF settings a client needs
//! to derive the master key. An unknown address gets the defaults, so the answer does not tell
//! whether an account exists.

use axum::Json;
use axum::extract::State;
use kinwarden_core::kdf::KdfSettings;
use kinwarden_proto::identity::{KdfSettingsModel, PreloginRequest, PreloginResponse};

use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/accounts/prelogin",
    tag = "identity",
    request_body = PreloginRequest,
    responses((status = 200, description = "Success", body = PreloginResponse), crate::openapi::AnonymousErrors)
)]
pub async fn prelogin(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PreloginRequest>,
) -> Result<Json<PreloginResponse>, ApiError> {
    let salt = request.email.trim().to_lowercase();
    let kdf = match kinwarden_core::email::normalize(&request.email) {
        Some(email) => state
            .store
            .user_by_email(&email)
            .await?
            .map(|user| KdfSettings {
                kdf: user.kdf,
                iterations: user.kdf_iterations,
                memory: user.kdf_memory,
                parallelism: user.kdf_parallelism,
            })
            .unwrap_or_else(KdfSettings::default_pbkdf2),
        None => KdfSettings::default_pbkdf2(),
    };
    Ok(Json(PreloginResponse {
        kdf: kdf.kdf,
        kdf_iterations: kdf.iterations,
        kdf_memory: kdf.memory,
        kdf_parallelism: kdf.parallelism,
        kdf_settings: KdfSettingsModel {
            kdf_type: kdf.kdf,
            iterations: kdf.iterations,
            memory: kdf.memory,
            parallelism: kdf.parallelism,
        },
        salt,
    }))
}

/// The newer clients' address for the same answer.
#[utoipa::path(
    post,
    path = "/accounts/prelogin/password",
    tag = "identity",
    request_body = PreloginRequest,
    responses((status = 200, description = "Success", body = PreloginResponse), crate::openapi::AnonymousErrors)
)]
pub async fn prelogin_password(
    state: State<AppState>,
    request: ApiJson<PreloginRequest>,
) -> Result<Json<PreloginResponse>, ApiError> {
    prelogin(state, request).await
}
