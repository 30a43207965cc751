//! `GET|POST /api/organizations/{org_id}/subscription` (SPEC §9 "organizations (cloud)"): the
//! plan, seats and current period from the billing ledger, and seat changes recorded in it
//! (`kinwarden_app::billing::{subscription, seats}`).

use axum::Json;
use axum::extract::State;
use kinwarden_app::billing::seats;
use kinwarden_proto::billing::{OrganizationSubscriptionResponse, SeatAdjustmentRequest};

use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::org_access::{OrgAdmin, OrgOwner};
use crate::http::state::AppState;

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
    Ok(Json(
        kinwarden_app::billing::subscription::subscription(&state, &access.org).await?,
    ))
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
    Ok(Json(seats::adjust(&state, &access, &request).await?))
}
