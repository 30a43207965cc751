//! `GET /api/licenses/organization/{org_id}` (reference §5.1 L1): a self-hosted server fetches a
//! fresh license with its installation token (scope `api.licensing`), proving the organization
//! with its license key and the billing sync token. Each refusal says which input was wrong, after
//! a fixed delay so secrets cannot be guessed quickly.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::license::{CURRENT_VERSION, Casing};
use kinwarden_core::secrets::constant_time_eq;
use kinwarden_proto::installations::{LicenseSyncRequest, scope};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::InstallationCaller;
use crate::deployment::cloud_only;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;
use kinwarden_app::licenses::issue::{self, IssueError};
use kinwarden_app::org_api_keys::validate_billing_sync_key;

const REFUSAL_DELAY: Duration = Duration::from_secs(2);

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
    let org_id: OrganizationId = org_id.parse().map_err(|_| ApiError::NotFound)?;
    let org = state
        .store
        .organization(&org_id.to_string())
        .await?
        .ok_or(ApiError::NotFound)?;
    let license_key_matches = org
        .license_key
        .as_deref()
        .is_some_and(|key| constant_time_eq(key, &request.license_key));
    if !license_key_matches {
        tokio::time::sleep(REFUSAL_DELAY).await;
        return Err(ApiError::BadRequest(
            "Invalid license key. The license uploaded on the self-hosted server is not this cloud organization's; download a new one from the cloud.".into(),
        ));
    }
    let token_valid = validate_billing_sync_key(
        &state.store,
        &state.data_key,
        &org.id,
        &request.billing_sync_key,
    )
    .await
    .map_err(ApiError::internal)?;
    if !token_valid {
        tokio::time::sleep(REFUSAL_DELAY).await;
        return Err(ApiError::BadRequest(
            "Invalid Billing Sync Key. The token was rotated or belongs to another organization; copy the current one from the cloud's Billing → Subscription → Self-hosting.".into(),
        ));
    }
    let keys = state
        .licensing
        .as_deref()
        .ok_or_else(|| ApiError::internal("a cloud server without its license key"))?;
    let installation_id: Uuid = caller
        .installation_id
        .parse()
        .map_err(|_| ApiError::Forbidden)?;
    let license = issue::issue(
        &state.store,
        keys,
        &org.id,
        installation_id,
        CURRENT_VERSION,
        state.clock.now(),
    )
    .await
    .map_err(|err| match err {
        IssueError::InvalidInstallation => ApiError::BadRequest("Invalid installation id".into()),
        IssueError::OrganizationNotFound(_) => ApiError::NotFound,
        other => ApiError::internal(other),
    })?;
    tracing::info!(organization = %org.id, installation = %installation_id, "license synced");
    Ok(Json(license.to_value(Casing::Camel)))
}
