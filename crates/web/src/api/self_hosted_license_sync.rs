//! *Sync license* (reference §5.1 L2; SPEC §5 step 10): a self-hosted owner fetches a fresh
//! license from the cloud through the billing sync connection, checks it and applies it. Every
//! attempt is recorded and the outcome is the answer. The use-case is
//! `kinwarden_app::licenses::self_hosted_sync`.

use axum::Json;
use axum::extract::State;
use kinwarden_app::licenses::self_hosted_sync;
use kinwarden_proto::connections::OutcomeResponse;

use crate::http::deployment::self_hosted_only;
use crate::http::error::ApiError;
use crate::http::org_access::OrgOwner;
use crate::http::state::AppState;

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
    Ok(Json(self_hosted_sync::sync(&state, &access).await?))
}
