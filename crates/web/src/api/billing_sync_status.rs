//! `GET /api/organizations/{org_id}/billing-sync/status` (SPEC §9 "sync status"): the recorded
//! outcomes of the sponsorship sync, for an owner: last attempt, last success, next run, last
//! error, and the counts of the last attempt.

use axum::Json;
use axum::extract::State;
use kinwarden_app::sponsorships::sync_status::SyncStatus;
use kinwarden_app::wire_time;
use serde_json::{Value, json};

use crate::http::error::ApiError;
use crate::http::org_access::OrgOwner;
use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/billing-sync/status",
    tag = "billing sync",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "`{lastAttempt, lastResult, lastSuccess, nextRun, lastError{code, message, at}, counts, object: \"billingSyncStatus\"}`", body = Object), crate::openapi::OrganizationErrors)
)]
pub async fn status(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
) -> Result<Json<Value>, ApiError> {
    let status = SyncStatus::load(&state, access.org.id).await?;
    let last = status.last.as_ref();
    Ok(Json(json!({
        "lastAttempt": last.map(|o| wire_time::from_millis(o.started_at)),
        "lastResult": last.map(|o| if o.succeeded { "succeeded" } else { "failed" }),
        "lastSuccess": status.last_success.as_ref().map(|o| wire_time::from_millis(o.finished_at)),
        "nextRun": wire_time::from_millis(status.next_run),
        "lastError": status.last_error.as_ref().map(|o| json!({
            "code": o.code,
            "message": o.message,
            "at": wire_time::from_millis(o.started_at),
        })),
        "counts": last.and_then(|o| o.counts.as_deref()).and_then(|text| serde_json::from_str::<Value>(text).ok()),
        "object": "billingSyncStatus",
    })))
}
