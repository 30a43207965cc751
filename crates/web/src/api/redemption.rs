//! Redeeming a sponsorship on the cloud (reference §4.1 C4 and C5, §4.5–4.6; SPEC §5 step 8):
//! the recipient checks the token from the offer e-mail, then redeems it onto a Families
//! organization they own. The use-cases are `kinwarden_app::sponsorships::redemption`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use kinwarden_app::sponsorships::redemption;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::CurrentUser;
use crate::http::deployment::cloud_only;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenQuery {
    #[serde(default)]
    sponsorship_token: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedeemRequest {
    // `planSponsorshipType` is sent too; the reference reads it from the offer instead.
    pub sponsored_organization_id: String,
}

/// C4 `POST /api/organization/sponsorship/validate-token?sponsorshipToken=…`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/validate-token",
    tag = "sponsorships",
    params(("sponsorshipToken" = String, Query, description = "The offer token from the e-mail")),
    security(("bearer" = [])),
    responses((status = 200, description = "`{isTokenValid, isFreeFamilyPolicyEnabled}`", body = Object), crate::openapi::UserErrors)
)]
pub async fn validate_token(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Query(query): Query<TokenQuery>,
) -> Result<Json<Value>, ApiError> {
    cloud_only(&state)?;
    let valid = redemption::offer_for(&state, &query.sponsorship_token, &user.email)
        .await?
        .is_some();
    Ok(Json(
        json!({"isTokenValid": valid, "isFreeFamilyPolicyEnabled": false}),
    ))
}

/// C5 `POST /api/organization/sponsorship/redeem?sponsorshipToken=…`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/redeem",
    tag = "sponsorships",
    params(("sponsorshipToken" = String, Query, description = "The offer token from the e-mail")),
    request_body = RedeemRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The Families organization is sponsored"), crate::openapi::UserErrors)
)]
pub async fn redeem(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Query(query): Query<TokenQuery>,
    ApiJson(request): ApiJson<RedeemRequest>,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    redemption::redeem(
        &state,
        &user,
        &query.sponsorship_token,
        &request.sponsored_organization_id,
    )
    .await?;
    Ok(StatusCode::OK)
}
