//! `POST /identity/accounts/prelogin` and `…/prelogin/password`: the KDF settings a client needs
//! to derive the master key. An unknown address gets the defaults, so the answer does not tell
//! whether an account exists.

use axum::Json;
use axum::extract::State;
use kinwarden_proto::identity::{PreloginRequest, PreloginResponse};

use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

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
    Ok(Json(
        kinwarden_app::accounts::prelogin::prelogin(&state, &request).await?,
    ))
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
