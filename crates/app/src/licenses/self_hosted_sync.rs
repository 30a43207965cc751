//! *Sync license* (reference §5.1 L2; SPEC §5 step 10): a self-hosted owner fetches a fresh
//! license from the cloud through the billing sync connection, checks it and applies it. Every
//! attempt is recorded (when, by whom, result, reason) and the outcome is the answer. The cloud's
//! side of the exchange is `cloud_sync`.

use kinwarden_core::ids::{OrganizationId, OutcomeId};
use kinwarden_proto::connections::OutcomeResponse;
use kinwarden_proto::installations::LicenseSyncRequest;
use serde_json::{Value, json};

use crate::connections::BillingSyncSettings;
use crate::connections::billing_sync::connection_of;
use crate::licenses::self_hosted as self_hosted_license;
use crate::licenses::upload::apply;
use crate::organizations::access::OrgAccess;
use crate::records::{ConnectionRecord, OrganizationRecord, OutcomeRecord};
use crate::{App, AppError, cloud_errors, wire_time};

/// The kind of outcome a *Sync license* records.
pub const KIND: &str = "license-sync";

type Failure = (String, AppError);

/// Syncs the license of the owner's organization; the outcome on success, the failure (after it
/// is recorded) otherwise.
pub async fn sync(app: &App, access: &OrgAccess) -> Result<OutcomeResponse, AppError> {
    let started_by = format!("owner:{}", access.membership.user_id.unwrap_or_default());
    sync_organization(app, &access.org, &started_by).await
}

/// *Sync license* for one organization, started by `started_by` (an owner, or the automatic
/// refresh of `jobs::license_refresh`): recorded the same way whoever starts it, so the
/// subscription page and the Portal show the last one either way.
pub async fn sync_organization(
    app: &App,
    org: &OrganizationRecord,
    started_by: &str,
) -> Result<OutcomeResponse, AppError> {
    let org_id = org.id;
    // The first billing sync connection, enabled or not, as the reference takes it.
    let connection = connection_of(app, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let started_at = app.clock.now_millis();
    let started_by = started_by.to_string();
    let result = fetch_and_apply(app, org_id, &connection, org.license_key.as_deref()).await;
    let (succeeded, code, message, counts) = match &result {
        Ok(seats) => (true, None, None, Some(json!({ "seats": seats }))),
        Err((code, err)) => (false, Some(code.clone()), Some(error_text(err)), None),
    };
    let outcome = OutcomeRecord {
        id: OutcomeId::new(),
        organization_id: org_id,
        kind: KIND.to_string(),
        started_by,
        started_at,
        finished_at: app.clock.now_millis(),
        succeeded,
        code,
        message,
        counts: counts.as_ref().map(Value::to_string),
    };
    app.store.record_outcome(&outcome).await?;
    if result.is_ok() {
        // Remember when, on the connection too, as Bitwarden clients read it there.
        if let Some(mut settings) = BillingSyncSettings::of(&connection, &app.data_key) {
            settings.last_license_sync = Some(wire_time::from_millis(outcome.finished_at));
            let record = ConnectionRecord {
                config: Some(settings.stored(connection.organization_id, &app.data_key)?),
                updated_at: outcome.finished_at,
                ..connection
            };
            app.store.save_connection(&record).await?;
        }
    }
    match result {
        Ok(_) => Ok(response(&outcome)),
        Err((_, err)) => Err(err),
    }
}

async fn fetch_and_apply(
    app: &App,
    org_id: OrganizationId,
    connection: &ConnectionRecord,
    license_key: Option<&str>,
) -> Result<Option<i32>, Failure> {
    let config = BillingSyncSettings::of(connection, &app.data_key).ok_or_else(|| {
        (
            "connection_config".to_string(),
            AppError::BadRequest(format!(
                "No saved Connection config for organization {org_id}"
            )),
        )
    })?;
    let link = app.cloud.as_deref().ok_or_else(|| {
        (
            "cloud_link".to_string(),
            AppError::internal("a self-hosted server without its cloud link"),
        )
    })?;
    let request = LicenseSyncRequest {
        license_key: license_key.unwrap_or_default().to_string(),
        billing_sync_key: config.key.expose().to_string(),
    };
    let fresh = link
        .fetch_license(&config.cloud_organization_id.to_string(), &request)
        .await
        .map_err(|err| {
            (
                err.code().to_string(),
                cloud_errors::explain("Syncing the license", &err),
            )
        })?;
    let bytes = serde_json::to_vec(&fresh)
        .map_err(|err| ("bad_answer".to_string(), AppError::internal(err)))?;
    let verified = self_hosted_license::check(app, &bytes)
        .map_err(|err| ("license_refused".to_string(), err))?;
    let org = apply(app, org_id, verified.license())
        .await
        .map_err(|err| ("license_not_applied".to_string(), err))?;
    tracing::info!(organization = %org_id, seats = ?org.seats, "license synced from the cloud");
    Ok(org.seats)
}

/// The message an outcome records: a refusal's own text, or what kind of failure it was.
fn error_text(err: &AppError) -> String {
    match err {
        AppError::BadRequest(message) => message.clone(),
        other => other.to_string(),
    }
}

/// A recorded outcome as the API answers it.
pub fn response(outcome: &OutcomeRecord) -> OutcomeResponse {
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

/// The organization's last *Sync license* attempt, whoever started it (an owner, or the
/// automatic refresh): what the subscription page shows.
pub async fn last_outcome(
    app: &App,
    org_id: OrganizationId,
) -> Result<Option<OutcomeRecord>, AppError> {
    Ok(app
        .store
        .recent_outcomes(org_id, KIND, 1)
        .await?
        .into_iter()
        .next())
}
