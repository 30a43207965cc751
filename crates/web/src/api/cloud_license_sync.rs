//! `GET /api/licenses/organization/{org_id}` (reference §5.1 L1): the cloud's side of *Sync
//! license*. A self-hosted server fetches a fresh license with its installation token (scope
//! `api.licensing`), proving the organization with its license key and the billing sync token.
//! The use-case is `kinwarden_app::licenses::cloud_sync`.

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_app::licenses::cloud_sync;
use kinwarden_core::license::Casing;
use kinwarden_proto::installations::{LicenseSyncRequest, scope};
use serde_json::Value;

use crate::http::auth::InstallationCaller;
use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/licenses/organization/{org_id}",
    tag = "licenses",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = LicenseSyncRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The signed license file", body = Object), crate::openapi::InstallationErrors)
)]
pub async fn cloud_license(
    State(state): State<AppState>,
    caller: InstallationCaller,
    Path(org_id): Path<String>,
    ApiJson(request): ApiJson<LicenseSyncRequest>,
) -> Result<Json<Value>, ApiError> {
    cloud_only(&state)?;
    caller.require_scope(scope::LICENSING)?;
    let org_id = kinwarden_app::id_in_path(&org_id)?;
    let license =
        cloud_sync::license_for_installation(&state, caller.installation_id, org_id, &request)
            .await?;
    Ok(Json(license.to_value(Casing::Camel)))
}
