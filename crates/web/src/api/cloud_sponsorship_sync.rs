//! `POST /api/organization/sponsorship/sync` (reference §4.1 C1, §4.2): the cloud's side of the
//! sponsorship sync. A self-hosted server sends its organization's sponsorships with its
//! installation token (scope `api.installation`) and the billing sync token; the use-case
//! `kinwarden_app::sponsorships::cloud_sync` writes what CloudSyncSponsorships decides and
//! answers each item, with the items it left out and why in `skipped` (SPEC §6). The self-hosted
//! sender is `kinwarden_app::sponsorships::self_hosted_sync`.

use axum::Json;
use axum::extract::State;
use kinwarden_app::sponsorships::cloud_sync;
use kinwarden_proto::sponsorship_sync::{SyncRequest, SyncResponse};

use crate::http::auth::InstallationCaller;
use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

#[utoipa::path(
    post,
    path = "/organization/sponsorship/sync",
    tag = "billing sync",
    request_body = SyncRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = SyncResponse), crate::openapi::InstallationErrors)
)]
pub async fn sync(
    State(state): State<AppState>,
    caller: InstallationCaller,
    ApiJson(request): ApiJson<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    caller.require_scope(kinwarden_proto::installations::scope::INSTALLATION)?;
    cloud_only(&state)?;
    let answer = cloud_sync::sync(&state, caller.installation_id, request).await?;
    Ok(Json(answer))
}
