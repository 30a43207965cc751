//! `/api/organizations/{org_id}/users…` (SPEC §9 "members"): list and read (each member with
//! their own collections and their groups), accept, confirm, change role, collections and
//! groups, remove, leave (`kinwarden_app::members`). Invitations are in `invitations.rs`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_app::members::{
    accept as accepting, confirm as confirming, list as listing, remove as removing, role,
};
use kinwarden_proto::members::{
    AcceptRequest, ConfirmRequest, ListResponse, MemberResponse, UpdateMemberRequest,
};

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::org_access::{OrgManageUsers, OrgMember};
use crate::http::state::AppState;

/// Every member with their collections and groups (`includeGroups` and `includeCollections`
/// are accepted; both lists are always there).
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/users",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = ListResponse<MemberResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
) -> Result<Json<ListResponse<MemberResponse>>, ApiError> {
    Ok(Json(ListResponse::new(
        listing::list(&state, &access).await?,
    )))
}

/// One member (`organizationUserDetails`) with their collections and groups.
#[utoipa::path(
    get,
    path = "/organizations/{org_id}/users/{member_id}",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = MemberResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, member_id)): Path<(String, String)>,
) -> Result<Json<MemberResponse>, ApiError> {
    Ok(Json(
        listing::get(&state, &access, kinwarden_app::id_in_path(&member_id)?).await?,
    ))
}

/// The invitee, logged in with the invited address, accepts with the token from the mail.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/users/{member_id}/accept",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    request_body = AcceptRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Accepted"), crate::openapi::UserErrors)
)]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    Path((org_id, member_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AcceptRequest>,
) -> Result<StatusCode, ApiError> {
    accepting::accept(
        &state,
        &user,
        kinwarden_app::id_in_path(&org_id)?,
        kinwarden_app::id_in_path(&member_id)?,
        &request,
    )
    .await?;
    Ok(StatusCode::OK)
}

/// An admin hands an accepted member the organization key, wrapped for that member.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/users/{member_id}/confirm",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    request_body = ConfirmRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Confirmed"), crate::openapi::OrganizationErrors)
)]
pub async fn confirm(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, member_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<StatusCode, ApiError> {
    confirming::confirm(
        &state,
        &access,
        kinwarden_app::id_in_path(&member_id)?,
        &request,
    )
    .await?;
    Ok(StatusCode::OK)
}

/// Changes the role; replaces the member's collections and groups where the body has them
/// (null or absent: left as they are). Bad ids answer 400 and change nothing.
#[utoipa::path(
    method(put, post),
    path = "/organizations/{org_id}/users/{member_id}",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    request_body = UpdateMemberRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Updated"), crate::openapi::OrganizationErrors)
)]
pub async fn update(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, member_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<UpdateMemberRequest>,
) -> Result<StatusCode, ApiError> {
    role::update(
        &state,
        &access,
        kinwarden_app::id_in_path(&member_id)?,
        request,
    )
    .await?;
    Ok(StatusCode::OK)
}

#[utoipa::path(
    delete,
    path = "/organizations/{org_id}/users/{member_id}",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed"), crate::openapi::OrganizationErrors)
)]
pub async fn remove(
    State(state): State<AppState>,
    OrgManageUsers(access): OrgManageUsers,
    Path((_, member_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    removing::remove(&state, &access, kinwarden_app::id_in_path(&member_id)?).await?;
    Ok(StatusCode::OK)
}

/// The same as `DELETE`, for clients that cannot send one.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/users/{member_id}/remove",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed"), crate::openapi::OrganizationErrors)
)]
pub async fn remove_post(
    state: State<AppState>,
    access: OrgManageUsers,
    path: Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    remove(state, access, path).await
}

/// A member leaves; the last confirmed owner may not.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/leave",
    tag = "members",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "Left"), crate::openapi::OrganizationErrors)
)]
pub async fn leave(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
) -> Result<StatusCode, ApiError> {
    removing::leave(&state, &access).await?;
    Ok(StatusCode::OK)
}
