//! `POST /api/organizations/{org_id}/users/invite` and `…/{id}/reinvite` (SPEC §9 "members"):
//! each invited address gets a member row and an invitation mail, stored together
//! (`kinwarden_app::members::invite`), written in the request's language, then the request's
//! `collections` and `groups` (checked first: an id that is not the organization's is a 400 and
//! nobody is invited).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use kinwarden_app::members::invite as inviting;
use kinwarden_proto::members::InviteRequest;

use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::mails::request_lang;
use crate::http::org_access::OrgManageUsers;
use crate::http::state::AppState;

#[utoipa::path(
    post,
    path = "/organizations/{org_id}/users/invite",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = InviteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Invited"), crate::openapi::OrganizationErrors)
)]
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    OrgManageUsers(access): OrgManageUsers,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<StatusCode, ApiError> {
    inviting::invite(&state, &access, &request, request_lang(&headers)).await?;
    Ok(StatusCode::OK)
}

#[utoipa::path(
    post,
    path = "/organizations/{org_id}/users/{member_id}/reinvite",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "Invited again"), crate::openapi::OrganizationErrors)
)]
pub async fn reinvite(
    State(state): State<AppState>,
    headers: HeaderMap,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, member_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    inviting::reinvite(
        &state,
        &access,
        kinwarden_app::id_in_path(&member_id)?,
        request_lang(&headers),
    )
    .await?;
    Ok(StatusCode::OK)
}
