//! Ending a sponsorship on the cloud (reference §4.1 C6–C10, §4.9; SPEC §5 step 9): the sponsor
//! revokes their own, someone who manages the sponsoring organization's users revokes one by its
//! friendly name, or the sponsored Families organization's owner removes it. A redeemed
//! sponsorship is only marked to delete here; the daily validation ends it at its period's end.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::sponsorships::{Revoke, cloud_revoke};
use kinwarden_store::SponsorshipRecord;

use crate::auth::CurrentUser;
use crate::deployment::cloud_only;
use crate::error::ApiError;
use crate::org_access::OrgManageUsers;
use crate::routes::sponsorships::find_by_friendly_name;
use crate::state::AppState;
use kinwarden_app::sponsorships::rows::to_domain;

/// C6 `DELETE /api/organization/sponsorship/{org_id}` and C7 `POST …/{org_id}/delete`: the
/// caller revokes the sponsorship they offered as a member of `org_id`.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/{org_id}",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Revoked"), crate::openapi::OrganizationErrors)
)]
pub async fn revoke_own(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    let membership = state
        .store
        .membership(&org_id.to_ascii_lowercase(), &user.id)
        .await?
        .filter(|membership| membership.user_id.as_deref() == Some(user.id.as_str()))
        .ok_or_else(|| ApiError::BadRequest("Can only revoke a sponsorship you granted.".into()))?;
    let own = state.store.sponsorship_of_member(&membership.id).await?;
    revoke(&state, own.as_ref()).await
}

/// C7: the same as C6, for clients that cannot send `DELETE`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/{org_id}/delete",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Revoked"), crate::openapi::OrganizationErrors)
)]
pub async fn revoke_own_post(
    state: State<AppState>,
    user: CurrentUser,
    org_id: Path<String>,
) -> Result<StatusCode, ApiError> {
    revoke_own(state, user, org_id).await
}

/// C8 `DELETE /api/organization/sponsorship/{org_id}/{friendly_name}/revoke`.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/{org_id}/{friendly_name}/revoke",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The organization"), ("friendly_name" = String, Path, description = "The friendly name of the offer")),
    security(("bearer" = [])),
    responses((status = 200, description = "Revoked"), crate::openapi::OrganizationErrors)
)]
pub async fn revoke_by_name(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, friendly_name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    let row = find_by_friendly_name(&state, &access.org.id, &friendly_name).await?;
    revoke(&state, Some(&row)).await
}

async fn revoke(state: &AppState, row: Option<&SponsorshipRecord>) -> Result<StatusCode, ApiError> {
    let sponsorship = row.map(to_domain).transpose()?;
    let decision = cloud_revoke::cloud_revoke(sponsorship.as_ref())
        .map_err(|err| ApiError::BadRequest(err.to_string()))?;
    if let Some(row) = row {
        apply(state, row, decision).await?;
    }
    Ok(StatusCode::OK)
}

async fn apply(
    state: &AppState,
    row: &SponsorshipRecord,
    decision: Revoke,
) -> Result<(), ApiError> {
    match decision {
        Revoke::Delete => state.store.delete_sponsorship(&row.id).await?,
        Revoke::MarkToDelete => state.store.mark_sponsorship_to_delete(&row.id).await?,
    };
    tracing::info!(sponsorship = %row.id, ?decision, "sponsorship revoked on the cloud");
    Ok(())
}

/// C9 `DELETE /api/organization/sponsorship/sponsored/{org_id}` and C10
/// `POST …/sponsored/{org_id}/remove`: the Families organization's owner gives up its
/// sponsorship.
#[utoipa::path(
    delete,
    path = "/organization/sponsorship/sponsored/{org_id}",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The sponsored Families organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed"), crate::openapi::OrganizationErrors)
)]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path(org_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    cloud_only(&state)?;
    let org_id = org_id.to_ascii_lowercase();
    let owner = state
        .store
        .membership(&org_id, &user.id)
        .await?
        .is_some_and(|membership| {
            membership.status == MemberStatus::Confirmed.code()
                && membership.member_type == MemberType::Owner.code()
        });
    if !owner {
        return Err(ApiError::BadRequest(
            "Only the owner of an organization can remove sponsorship.".into(),
        ));
    }
    let row = state.store.sponsorship_of_sponsored(&org_id).await?;
    let sponsorship = row.as_ref().map(to_domain).transpose()?;
    let decision = cloud_revoke::remove(sponsorship.as_ref())
        .map_err(|err| ApiError::BadRequest(err.to_string()))?;
    if let Some(row) = &row {
        apply(&state, row, decision).await?;
    }
    Ok(StatusCode::OK)
}

/// C10: the same as C9, for clients that cannot send `DELETE`.
#[utoipa::path(
    post,
    path = "/organization/sponsorship/sponsored/{org_id}/remove",
    tag = "sponsorships",
    params(("org_id" = String, Path, description = "The sponsored Families organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed"), crate::openapi::OrganizationErrors)
)]
pub async fn remove_post(
    state: State<AppState>,
    user: CurrentUser,
    org_id: Path<String>,
) -> Result<StatusCode, ApiError> {
    remove(state, user, org_id).await
}
