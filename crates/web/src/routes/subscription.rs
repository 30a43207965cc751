//! `GET|POST /api/organizations/{org_id}/subscription` (SPEC §9 "organizations (cloud)"): the
//! plan, seats and current period from the billing ledger, and seat changes recorded in it.

use axum::Json;
use axum::extract::State;
use kinwarden_config::Mode;
use kinwarden_core::plans;
use kinwarden_core::subscription::{EntryKind, adjust_seats};
use kinwarden_proto::billing::{
    LedgerEntryResponse, OrganizationSubscriptionResponse, SeatAdjustmentRequest,
    SubscriptionResponse,
};
use kinwarden_store::{OrganizationRecord, StoreError, SubscriptionPeriodRecord};

use crate::error::ApiError;
use crate::json::ApiJson;
use crate::org_access::{OrgAdmin, OrgOwner};
use crate::routes::plans::plan_response;
use crate::state::AppState;
use kinwarden_app::wire_time;

const CLOUD_ONLY: &str = "Only allowed when not self hosted.";

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/subscription",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationSubscriptionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    OrgAdmin(access): OrgAdmin,
) -> Result<Json<OrganizationSubscriptionResponse>, ApiError> {
    Ok(Json(subscription(&state, &access.org).await?))
}

#[utoipa::path(
    post,
    path = "/organizations/{org_id}/subscription",
    tag = "organizations",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = SeatAdjustmentRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationSubscriptionResponse), crate::openapi::OrganizationErrors)
)]
pub async fn adjust(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
    ApiJson(request): ApiJson<SeatAdjustmentRequest>,
) -> Result<Json<OrganizationSubscriptionResponse>, ApiError> {
    if state.config.mode == Mode::SelfHosted {
        return Err(ApiError::BadRequest(CLOUD_ONLY.into()));
    }
    let org = &access.org;
    let plan = plans::plan(org.plan_type)
        .ok_or_else(|| ApiError::BadRequest("Plan does not allow additional seats.".into()))?;
    let occupied = state.store.occupied_seats(&org.id).await?;
    let current = org.seats.unwrap_or(plan.base_seats);
    let seats = adjust_seats(plan, current, request.seat_adjustment, occupied)
        .map_err(|err| ApiError::BadRequest(err.to_string()))?;
    let now = state.clock.now_millis();
    // The change lasts for the rest of the current period.
    let periods = state.store.subscription_periods(&org.id).await?;
    let current_end = current_period(&periods).and_then(|period| period.end_date);
    let entry = SubscriptionPeriodRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org.id.clone(),
        kind: EntryKind::SeatChange.name().to_string(),
        start_date: now,
        end_date: current_end,
        plan_type: org.plan_type,
        seats: Some(seats),
        recorded_by: access.membership.user_id.clone(),
        created_at: now,
    };
    match state.store.change_seats(org.seats, &entry).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => {
            return Err(ApiError::BadRequest(
                "The seats changed meanwhile; reload and try again.".into(),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    tracing::info!(organization = %org.id, seats, "seats changed");
    let updated = state
        .store
        .organization(&org.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(subscription(&state, &updated).await?))
}

/// The entry that opened the current period: the latest one that starts a period.
fn current_period(periods: &[SubscriptionPeriodRecord]) -> Option<&SubscriptionPeriodRecord> {
    periods
        .iter()
        .rev()
        .find(|period| EntryKind::from_name(&period.kind).is_some_and(EntryKind::starts_a_period))
}

pub async fn subscription(
    state: &AppState,
    org: &OrganizationRecord,
) -> Result<OrganizationSubscriptionResponse, ApiError> {
    let periods = state.store.subscription_periods(&org.id).await?;
    let occupied_seats = state.store.occupied_seats(&org.id).await?;
    let now = state.clock.now_millis();
    let current = current_period(&periods);
    let (start, end) = match current {
        Some(period) => (Some(period.start_date), period.end_date),
        None => (Some(org.created_at), org.expiration_date),
    };
    let ended = end.is_some_and(|end| end <= now);
    Ok(OrganizationSubscriptionResponse {
        id: org.id.clone(),
        name: org.name.clone(),
        plan_type: org.plan_type,
        plan: plans::plan(org.plan_type).map(plan_response),
        seats: org.seats,
        occupied_seats,
        enabled: org.enabled,
        expiration: org.expiration_date.map(wire_time::from_millis),
        subscription: SubscriptionResponse {
            period_start_date: start.map(wire_time::from_millis),
            period_end_date: end.map(wire_time::from_millis),
            status: if org.enabled && !ended {
                "active"
            } else {
                "unpaid"
            }
            .to_string(),
            cancelled: false,
        },
        ledger: periods.iter().map(ledger_entry).collect(),
        object: "organizationSubscription".to_string(),
    })
}

fn ledger_entry(period: &SubscriptionPeriodRecord) -> LedgerEntryResponse {
    LedgerEntryResponse {
        id: period.id.clone(),
        kind: period.kind.clone(),
        start_date: wire_time::from_millis(period.start_date),
        end_date: period.end_date.map(wire_time::from_millis),
        plan_type: period.plan_type,
        seats: period.seats,
        recorded_by: period.recorded_by.clone(),
        recorded_date: wire_time::from_millis(period.created_at),
        object: "subscriptionPeriod".to_string(),
    }
}
