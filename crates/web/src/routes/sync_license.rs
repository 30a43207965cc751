//! *Sync license* (reference §5.1 L2; SPEC §5 step 10): a self-hosted owner fetches a fresh
//! license from the cloud through the billing sync connection, checks it and applies it. Every
//! attempt is recorded (when, by whom, result, reason) and the outcome is the answer.

use axum::Json;
use axum::extract::State;
use kinwarden_proto::connections::{BillingSyncConfig, OutcomeResponse};
use kinwarden_proto::installations::LicenseSyncRequest;
use kinwarden_store::OutcomeRecord;
use serde_json::{Value, json};

use crate::deployment::self_hosted_only;
use crate::error::ApiError;
use crate::org_access::OrgOwner;
use crate::routes::connections::BILLING_SYNC;
use crate::routes::self_hosted_licenses::apply;
use crate::state::AppState;
use kinwarden_app::cloud_errors;
use kinwarden_app::licenses::self_hosted as self_hosted_license;
use kinwarden_app::wire_time;

pub const KIND: &str = "license-sync";

#[utoipa::path(
    post,
    path = "/organizations/licenses/self-hosted/{org_id}/sync",
    tag = "licenses",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OutcomeResponse), crate::openapi::OrganizationErrors)
)]
pub async fn sync(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
) -> Result<Json<OutcomeResponse>, ApiError> {
    self_hosted_only(&state)?;
    let org_id = access.org.id.clone();
    // The first billing sync connection, enabled or not, as the reference takes it.
    let connection = state
        .store
        .connections_of(&org_id, BILLING_SYNC)
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)?;
    let started_at = state.clock.now_millis();
    let started_by = format!(
        "owner:{}",
        access.membership.user_id.clone().unwrap_or_default()
    );
    let result = fetch_and_apply(
        &state,
        &org_id,
        connection.config.as_deref(),
        access.org.license_key.as_deref(),
    )
    .await;
    let (succeeded, code, message, counts) = match &result {
        Ok(seats) => (true, None, None, Some(json!({ "seats": seats }))),
        Err((code, err)) => (false, Some(code.clone()), Some(error_text(err)), None),
    };
    let outcome = OutcomeRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org_id.clone(),
        kind: KIND.to_string(),
        started_by,
        started_at,
        finished_at: state.clock.now_millis(),
        succeeded,
        code,
        message,
        counts: counts.as_ref().map(Value::to_string),
    };
    state.store.record_outcome(&outcome).await?;
    if let Ok(_seats) = &result {
        // Remember when, on the connection too, as Bitwarden clients read it there.
        let mut record = connection.clone();
        if let Some(mut config) = record
            .config
            .as_deref()
            .and_then(|text| serde_json::from_str::<BillingSyncConfig>(text).ok())
        {
            config.last_license_sync = Some(wire_time::from_millis(outcome.finished_at));
            record.config = Some(serde_json::to_string(&config).map_err(ApiError::internal)?);
            record.updated_at = outcome.finished_at;
            state.store.save_connection(&record).await?;
        }
    }
    match result {
        Ok(_) => Ok(Json(outcome_response(&outcome))),
        Err((_, err)) => Err(err),
    }
}

type Failure = (String, ApiError);

async fn fetch_and_apply(
    state: &AppState,
    org_id: &str,
    config: Option<&str>,
    license_key: Option<&str>,
) -> Result<Option<i32>, Failure> {
    let config: BillingSyncConfig = config
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or_else(|| {
            (
                "connection_config".to_string(),
                ApiError::BadRequest(format!(
                    "No saved Connection config for organization {org_id}"
                )),
            )
        })?;
    let link = state.cloud.as_deref().ok_or_else(|| {
        (
            "cloud_link".to_string(),
            ApiError::internal("a self-hosted server without its cloud link"),
        )
    })?;
    let request = LicenseSyncRequest {
        license_key: license_key.unwrap_or_default().to_string(),
        billing_sync_key: config.billing_sync_key.clone(),
    };
    let fresh = link
        .fetch_license(&config.cloud_organization_id, &request)
        .await
        .map_err(|err| {
            (
                err.code().to_string(),
                cloud_errors::explain("Syncing the license", &err).into(),
            )
        })?;
    let bytes = serde_json::to_vec(&fresh)
        .map_err(|err| ("bad_answer".to_string(), ApiError::internal(err)))?;
    let verified = self_hosted_license::check(state, &bytes)
        .map_err(|err| ("license_refused".to_string(), err.into()))?;
    let org = apply(state, org_id, verified.license())
        .await
        .map_err(|err| ("license_not_applied".to_string(), err))?;
    tracing::info!(organization = %org_id, seats = ?org.seats, "license synced from the cloud");
    Ok(org.seats)
}

fn error_text(err: &ApiError) -> String {
    match err {
        ApiError::BadRequest(message) => message.clone(),
        other => other.to_string(),
    }
}

pub fn outcome_response(outcome: &OutcomeRecord) -> OutcomeResponse {
    OutcomeResponse {
        kind: outcome.kind.clone(),
        started_by: outcome.started_by.clone(),
        started_at: wire_time::from_millis(outcome.started_at),
        finished_at: wire_time::from_millis(outcome.finished_at),
        succeeded: outcome.succeeded,
        code: outcome.code.clone(),
        message: outcome.message.clone(),
        counts: outcome
            .counts
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok()),
        object: "syncOutcome".to_string(),
    }
}
