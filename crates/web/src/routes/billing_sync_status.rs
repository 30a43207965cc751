//! `GET /api/organizations/{org_id}/billing-sync/status` (SPEC §9 "sync status"): the recorded
//! outcomes of the sponsorship sync, for an owner: last attempt, last success, next run, last
//! error, and the counts of the last attempt.

use axum::Json;
use axum::extract::State;
use kinwarden_core::schedule::Schedule;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::org_access::OrgOwner;
use crate::sponsorship_sync::KIND;
use crate::state::AppState;
use crate::wire_time;

pub async fn status(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
) -> Result<Json<Value>, ApiError> {
    let outcomes = state
        .store
        .recent_outcomes(&access.org.id, KIND, 50)
        .await?;
    let last = outcomes.first();
    let last_success = outcomes.iter().find(|outcome| outcome.succeeded);
    let last_error = outcomes.iter().find(|outcome| !outcome.succeeded);
    let next_run =
        Schedule::daily_at(&[state.config.sync_time_minutes]).next_slot(state.clock.now());
    Ok(Json(json!({
        "lastAttempt": last.map(|o| wire_time::from_millis(o.started_at)),
        "lastResult": last.map(|o| if o.succeeded { "succeeded" } else { "failed" }),
        "lastSuccess": last_success.map(|o| wire_time::from_millis(o.finished_at)),
        "nextRun": wire_time::from_millis(next_run.timestamp_millis()),
        "lastError": last_error.map(|o| json!({
            "code": o.code,
            "message": o.message,
            "at": wire_time::from_millis(o.started_at),
        })),
        "counts": last.and_then(|o| o.counts.as_deref()).and_then(|text| serde_json::from_str::<Value>(text).ok()),
        "object": "billingSyncStatus",
    })))
}
