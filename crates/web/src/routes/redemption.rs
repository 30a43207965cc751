//! Redeeming a sponsorship on the cloud (reference §4.1 C4 and C5, §4.5–4.6; SPEC §5 step 8):
//! the recipient checks the token from the offer e-mail, then redeems it onto a Families
//! organization they own, which is then sponsored for a year, as its ledger shows.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use kinwarden_core::members::MemberType;
use kinwarden_core::redemption::{self, Offer};
use kinwarden_core::subscription::EntryKind;
use kinwarden_core::tokens::{SponsorshipOfferClaims, audience};
use kinwarden_store::{SponsorshipRecord, SubscriptionPeriodRecord};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::deployment::cloud_only;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

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

fn offer(row: &SponsorshipRecord) -> Offer {
    Offer {
        id: row.id.clone(),
        plan_sponsorship_type: row.plan_sponsorship_type,
        offered_to_email: row.offered_to_email.clone(),
        last_sync_date: row.last_sync_date,
    }
}

/// The sponsorship a token names, if the token is good for `email` (reference §4.5).
pub async fn valid_offer(
    state: &AppState,
    token: &str,
    email: &str,
) -> Result<Option<SponsorshipRecord>, ApiError> {
    let Ok(claims) = state.tokens.verify::<SponsorshipOfferClaims>(
        token,
        audience::SPONSORSHIP_OFFER,
        state.now_seconds(),
    ) else {
        return Ok(None);
    };
    let row = state.store.sponsorship(&claims.sid).await?;
    let valid = redemption::token_is_valid(
        row.as_ref().map(offer).as_ref(),
        &claims.sid,
        claims.sponsorship_type,
        &claims.email,
        email,
    );
    Ok(row.filter(|_| valid))
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
    let valid = valid_offer(&state, &query.sponsorship_token, &user.email)
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
    let row = valid_offer(&state, &query.sponsorship_token, &user.email)
        .await?
        .ok_or_else(|| ApiError::BadRequest("Failed to parse sponsorship token.".into()))?;
    let target_id: kinwarden_core::ids::OrganizationId =
        request.sponsored_organization_id.parse().map_err(|_| {
            ApiError::field(
                "SponsoredOrganizationId",
                "The SponsoredOrganizationId field is not a valid id.",
            )
        })?;
    let target_id = target_id.to_string();
    let owns = state
        .store
        .membership(&target_id, &user.id)
        .await?
        .is_some_and(|m| m.status == 2 && m.member_type == MemberType::Owner.code());
    if !owns {
        return Err(ApiError::BadRequest(
            "Can only redeem sponsorship for an organization you own.".into(),
        ));
    }
    let target = state
        .store
        .organization(&target_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let already = state
        .store
        .sponsorship_of_sponsored(&target_id)
        .await?
        .is_some();
    let now = state.clock.now();
    if let Err(err) = redemption::check(Some(&offer(&row)), already, target.plan_type, now) {
        if err == redemption::RedeemError::Expired {
            state.store.delete_sponsorship(&row.id).await?;
        }
        return Err(ApiError::BadRequest(err.to_string()));
    }
    let until = redemption::sponsored_until(now).timestamp_millis();
    let period = SubscriptionPeriodRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: target_id.clone(),
        kind: EntryKind::Sponsored.name().to_string(),
        start_date: now.timestamp_millis(),
        end_date: Some(until),
        plan_type: target.plan_type,
        seats: target.seats,
        recorded_by: Some(format!("sponsorship:{}", row.id)),
        created_at: now.timestamp_millis(),
    };
    if !state
        .store
        .redeem_sponsorship(&row.id, &target_id, until, &period, now.timestamp_millis())
        .await?
    {
        return Err(ApiError::BadRequest(
            "No unredeemed sponsorship offer exists for you.".into(),
        ));
    }
    tracing::info!(sponsorship = %row.id, organization = %target_id, "sponsorship redeemed");
    Ok(StatusCode::OK)
}
