//! A member's offer made on a cloud (reference §4.1 C2, C3, C12): the same rules as on a
//! self-hosted server, but the cloud is where offers are mailed, so the offer e-mail goes out with
//! the row, and can be sent again.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kinwarden_core::sponsorships::{CreateError, Offer};
use kinwarden_proto::sponsorships::SponsorshipCreateRequest;
use kinwarden_store::StoreError;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::deployment::cloud_only;
use crate::error::ApiError;
use crate::org_access::OrgManageUsers;
use crate::routes::sponsorships::{create_error, decide_offer, validate};
use crate::state::AppState;
use kinwarden_app::sponsorships::offers::offer_draft;
use kinwarden_app::sponsorships::rows::{to_domain, to_record};

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
    let body: SponsorshipCreateRequest = crate::json::decode(&body)?;
    let request = validate(body)?;
    let (org, offer) = decide_offer(&state, &user, &org_id.to_ascii_lowercase(), &request).await?;
    let now = state.clock.now_millis();
    match offer {
        Offer::Existing(existing) => {
            if let Some(mail) = offer_draft(&state, &org.name, &existing) {
                state.store.enqueue_draft(&mail, now).await?;
            }
        }
        Offer::Save { sponsorship, .. } => {
            let Some(mail) = offer_draft(&state, &org.name, &sponsorship) else {
                return Err(ApiError::internal("an offer without an address"));
            };
            match state
                .store
                .save_offer_with_mail(&to_record(&sponsorship), &mail, now)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Conflict) => return Err(create_error(CreateError::OnePerMember)),
                Err(err) => return Err(err.into()),
            }
        }
    }
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
    let wanted = query.sponsored_friendly_name.to_lowercase();
    let found = state
        .store
        .sponsorships_of_organization(&access.org.id)
        .await?
        .into_iter()
        .find(|row| {
            row.friendly_name
                .as_deref()
                .is_some_and(|name| name.to_lowercase() == wanted)
        });
    let Some(row) = found else {
        return Ok(StatusCode::OK);
    };
    let sponsorship = to_domain(&row)?;
    let Some(mail) = offer_draft(&state, &access.org.name, &sponsorship) else {
        return Err(ApiError::BadRequest(
            "Cannot find an outstanding sponsorship offer for this organization.".into(),
        ));
    };
    state
        .store
        .enqueue_draft(&mail, state.clock.now_millis())
        .await?;
    Ok(StatusCode::OK)
}
