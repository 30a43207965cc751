//! `GET /api/sync`: the profile with its organizations; Kinwarden holds no vault items, so the
//! item lists are empty.

use axum::Json;
use axum::extract::{Query, State};
use kinwarden_proto::sync::SyncResponse;
use serde::Deserialize;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use kinwarden_app::accounts::profile;

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
    let profile = profile::build(&state, &current.user).await?;
    let user = &current.user;
    let domains = (!query.exclude_domains.unwrap_or(false)).then(
        || json!({ "equivalentDomains": [], "globalEquivalentDomains": [], "object": "domains" }),
    );
    Ok(Json(SyncResponse {
        profile,
        folders: Vec::new(),
        collections: Vec::new(),
        policies: Vec::new(),
        ciphers: Vec::new(),
        domains,
        sends: Vec::new(),
        user_decryption: json!({
            "masterPasswordUnlock": {
                "kdf": {
                    "kdfType": user.kdf,
                    "iterations": user.kdf_iterations,
                    "memory": user.kdf_memory,
                    "parallelism": user.kdf_parallelism,
                },
                "masterKeyEncryptedUserKey": user.user_key,
                "masterKeyWrappedUserKey": user.user_key,
                "salt": user.email,
            }
        }),
        object: "sync".to_string(),
    }))
}
