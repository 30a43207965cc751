//! `GET /api/users/{id}/public-key`: what an admin needs to confirm a member.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_core::ids::UserId;
use kinwarden_proto::accounts::UserPublicKeyResponse;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/users/{id}/public-key",
    tag = "accounts",
    params(("id" = String, Path, description = "The user")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = UserPublicKeyResponse), crate::openapi::UserErrors)
)]
pub async fn public_key(
    State(state): State<AppState>,
    _caller: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<UserPublicKeyResponse>, ApiError> {
    let id: UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        kinwarden_app::accounts::public_key::public_key(&state, id).await?,
    ))
}
