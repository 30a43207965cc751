//! `GET /api/sync`: the profile with its organizations; Kinwarden holds no vault items, so the
//! item lists are empty (`kinwarden_app::accounts::sync`).

use axum::Json;
use axum::extract::{Query, State};
use kinwarden_proto::sync::SyncResponse;
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncQuery {
    #[serde(default)]
    exclude_domains: Option<bool>,
}

#[utoipa::path(
    get,
    path = "/sync",
    tag = "accounts",
    params(("excludeDomains" = Option<bool>, Query, description = "Leave out equivalent domains")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = SyncResponse), crate::openapi::UserErrors)
)]
pub async fn sync(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<SyncQuery>,
) -> Result<Json<SyncResponse>, ApiError> {
    let with_domains = !query.exclude_domains.unwrap_or(false);
    Ok(Json(
        kinwarden_app::accounts::sync::sync(&state, &current.user, with_domains).await?,
    ))
}
