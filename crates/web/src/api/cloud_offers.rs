//! A member's offer made on a cloud (reference §4.1 C2, C3, C12): the same rules as on a
//! self-hosted server, but the cloud is where offers are mailed, so the offer e-mail goes out with
//! the row, and can be sent again. The use-cases are `kinwarden_app::sponsorships::cloud_offers`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kinwarden_app::sponsorships::{cloud_offers, offer};
use kinwarden_proto::sponsorships::SponsorshipCreateRequest;
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::org_access::OrgManageUsers;
use crate::http::state::AppState;

/// C2 `POST /api/organization/sponsorship/{org_id}/families-for-enterprise`: the caller offers
/// a Families sponsorship; the offer e-mail goes out at once. An offer with the same friendly
/// name is mailed again, unchanged (reference §4.1 C2 step 4).
#[utoipa::path(
    post,
    path = "/organization/sponsorship/{org_id}/families-for-enterprise",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = SponsorshipCreateRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Offered and mailed"), crate::openapi::OrganizationErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    let body: SponsorshipCreateRequest = crate::http::json::decode(&body)?;
    let request = offer::request_of(body)?;
    cloud_offers::create(&state, &user, kinwarden_app::id_in_path(&org_id)?, &request).await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResendQuery {
    #[serde(default)]
    sponsored_friendly_name: String,
}

/// C3 `POST /api/organization/sponsorship/{org_id}/families-for-enterprise/resend
/// ?sponsoredFriendlyName=…`: sends an outstanding offer's e-mail again. No offer of that name
/// is not an error (the reference answers 200 and sends nothing).
#[utoipa::path(
    post,
    path = "/organization/sponsorship/{org_id}/families-for-enterprise/resend",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization"), ("sponsoredFriendlyName" = String, Query, description = "The friendly name of the offer")),
    security(("bearer" = [])),
    responses((status = 200, description = "Mailed again, or no such offer"), crate::openapi::OrganizationErrors)
)]
pub async fn resend(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Query(query): Query<ResendQuery>,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    cloud_offers::resend(&state, &access, &query.sponsored_friendly_name).await?;
    Ok(StatusCode::OK)
}
