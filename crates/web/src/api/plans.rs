//! `GET /api/plans` (anonymous): the offered plans from the one table in `core::plans`
//! (`kinwarden_app::billing::plans`).

use axum::Json;
use kinwarden_app::billing::plans;
use kinwarden_proto::members::ListResponse;
use kinwarden_proto::plans::PlanResponse;

#[utoipa::path(
    get,
    path = "/plans",
    tag = "organizations",
    responses((status = 200, description = "Success", body = ListResponse<PlanResponse>))
)]
pub async fn list() -> Json<ListResponse<PlanResponse>> {
    Json(ListResponse::new(plans::list()))
}
