//! `/api/organizations/{org_id}/groups…` and `…/users/{member_id}/groups` (SPEC §11 "groups"):
//! an organization's groups, their members, and a member's groups
//! (`kinwarden_app::groups`). Who may read and who may change is checked by the extractors
//! here before a body is read, so a caller without the role gets 404 whatever it sends.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kinwarden_app::groups;
use kinwarden_app::id_in_path;
use kinwarden_proto::groups::{
    GroupBulkDeleteRequest, GroupRequest, GroupResponse, MemberGroupsRequest,
};
use kinwarden_proto::members::ListResponse;

use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::org_access::{OrgAccess, OrgMember};
use crate::http::state::AppState;

/// Owners, admins, and custom members who manage groups or users; anyone else gets 404.
pub struct GroupReader(pub OrgAccess);

/// Owners, admins, and custom members who manage groups; anyone else gets 404.
pub struct GroupManager(pub OrgAccess);

/// Whoever manages groups, and custom members who manage users; anyone else gets 404.
pub struct MemberGroupsSetter(pub OrgAccess);

async fn member_who(
    parts: &mut Parts,
    state: &AppState,
    allowed: fn(&OrgAccess) -> bool,
) -> Result<OrgAccess, ApiError> {
    let OrgMember(access) = OrgMember::from_request_parts(parts, state).await?;
    if allowed(&access) {
        Ok(access)
    } else {
        Err(ApiError::NotFound)
    }
}

impl FromRequestParts<AppState> for GroupReader {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        member_who(parts, state, groups::may_read).await.map(Self)
    }
}

impl FromRequestParts<AppState> for GroupManager {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        member_who(parts, state, groups::may_manage).await.map(Self)
    }
}

impl FromRequestParts<AppState> for MemberGroupsSetter {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        member_who(parts, state, groups::may_set_member_groups)
            .await
            .map(Self)
    }
}

/// Ids of a body: one that is not an id names no group of the organization (404).
fn ids_in_body<Id: std::str::FromStr>(ids: &[String]) -> Result<Vec<Id>, ApiError> {
    ids.iter()
        .map(|id| id_in_path(id).map_err(ApiError::from))
        .collect()
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/groups",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization")),
    security(("bearer" = [])),
    responses((status = 200, description = "The organization's groups (`groupDetails`)", body = ListResponse<GroupResponse>), crate::openapi::OrganizationErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    GroupReader(access): GroupReader,
) -> Result<Json<ListResponse<GroupResponse>>, ApiError> {
    let groups = groups::list(&state, &access).await?;
    Ok(Json(ListResponse::new(
        groups.iter().map(groups::details_response).collect(),
    )))
}

#[utoipa::path(
    post,
    path = "/organizations/{org_id}/groups",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = GroupRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The new group (`groupDetails`)", body = GroupResponse), crate::openapi::OrganizationErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    GroupManager(access): GroupManager,
    ApiJson(request): ApiJson<GroupRequest>,
) -> Result<Json<GroupResponse>, ApiError> {
    let group = groups::create(&state, &access, &request).await?;
    Ok(Json(groups::details_response(&group)))
}

#[utoipa::path(
    delete,
    path = "/organizations/{org_id}/groups",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = GroupBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Every group named is deleted; none is when one is not the organization's (404)"), crate::openapi::OrganizationErrors)
)]
pub async fn delete_many(
    State(state): State<AppState>,
    GroupManager(access): GroupManager,
    ApiJson(request): ApiJson<GroupBulkDeleteRequest>,
) -> Result<StatusCode, ApiError> {
    let ids = ids_in_body(&request.ids)?;
    groups::delete_many(&state, &access, &ids).await?;
    Ok(StatusCode::OK)
}

/// The reference's alias of the bulk `DELETE`.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/groups/delete",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization")),
    request_body = GroupBulkDeleteRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Every group named is deleted; none is when one is not the organization's (404)"), crate::openapi::OrganizationErrors)
)]
pub async fn delete_many_post(
    state: State<AppState>,
    access: GroupManager,
    request: ApiJson<GroupBulkDeleteRequest>,
) -> Result<StatusCode, ApiError> {
    delete_many(state, access, request).await
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/groups/{group_id}",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group")),
    security(("bearer" = [])),
    responses((status = 200, description = "The group (`group`, with its collections)", body = GroupResponse), crate::openapi::OrganizationErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    GroupReader(access): GroupReader,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<GroupResponse>, ApiError> {
    let group = groups::get(&state, &access, id_in_path(&id)?).await?;
    Ok(Json(groups::group_response(&group)))
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/groups/{group_id}/details",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group")),
    security(("bearer" = [])),
    responses((status = 200, description = "The group (`groupDetails`)", body = GroupResponse), crate::openapi::OrganizationErrors)
)]
pub async fn details(
    State(state): State<AppState>,
    GroupReader(access): GroupReader,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<GroupResponse>, ApiError> {
    let group = groups::get(&state, &access, id_in_path(&id)?).await?;
    Ok(Json(groups::details_response(&group)))
}

/// `PUT`, and the reference's `POST` alias.
#[utoipa::path(
    method(put, post),
    path = "/organizations/{org_id}/groups/{group_id}",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group")),
    request_body = GroupRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The changed group (`groupDetails`)", body = GroupResponse), crate::openapi::OrganizationErrors)
)]
pub async fn update(
    State(state): State<AppState>,
    GroupManager(access): GroupManager,
    Path((_, id)): Path<(String, String)>,
    ApiJson(request): ApiJson<GroupRequest>,
) -> Result<Json<GroupResponse>, ApiError> {
    let group = groups::update(&state, &access, id_in_path(&id)?, &request).await?;
    Ok(Json(groups::details_response(&group)))
}

#[utoipa::path(
    delete,
    path = "/organizations/{org_id}/groups/{group_id}",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted, with its collection access and memberships"), crate::openapi::OrganizationErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    GroupManager(access): GroupManager,
    Path((_, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    groups::delete(&state, &access, id_in_path(&id)?).await?;
    Ok(StatusCode::OK)
}

/// The reference's alias of `DELETE`.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/groups/{group_id}/delete",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group")),
    security(("bearer" = [])),
    responses((status = 200, description = "Deleted, with its collection access and memberships"), crate::openapi::OrganizationErrors)
)]
pub async fn delete_post(
    state: State<AppState>,
    access: GroupManager,
    path: Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    delete(state, access, path).await
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/groups/{group_id}/users",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group")),
    security(("bearer" = [])),
    responses((status = 200, description = "The group's members (organization user ids)", body = Vec<String>), crate::openapi::OrganizationErrors)
)]
pub async fn users(
    State(state): State<AppState>,
    GroupReader(access): GroupReader,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<Vec<String>>, ApiError> {
    let members = groups::users(&state, &access, id_in_path(&id)?).await?;
    Ok(Json(members.iter().map(ToString::to_string).collect()))
}

#[utoipa::path(
    delete,
    path = "/organizations/{org_id}/groups/{group_id}/user/{member_id}",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "The member is not in the group (any more)"), crate::openapi::OrganizationErrors)
)]
pub async fn remove_user(
    State(state): State<AppState>,
    GroupManager(access): GroupManager,
    Path((_, id, member_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    groups::remove_member(&state, &access, id_in_path(&id)?, id_in_path(&member_id)?).await?;
    Ok(StatusCode::OK)
}

/// The reference's alias of `DELETE …/user/{member_id}`.
#[utoipa::path(
    post,
    path = "/organizations/{org_id}/groups/{group_id}/delete-user/{member_id}",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("group_id" = String, Path, description = "The group"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "The member is not in the group (any more)"), crate::openapi::OrganizationErrors)
)]
pub async fn remove_user_post(
    state: State<AppState>,
    access: GroupManager,
    path: Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    remove_user(state, access, path).await
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/users/{member_id}/groups",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    security(("bearer" = [])),
    responses((status = 200, description = "The member's groups (group ids)", body = Vec<String>), crate::openapi::OrganizationErrors)
)]
pub async fn member_groups(
    State(state): State<AppState>,
    GroupReader(access): GroupReader,
    Path((_, member_id)): Path<(String, String)>,
) -> Result<Json<Vec<String>>, ApiError> {
    let ids = groups::member_groups(&state, &access, id_in_path(&member_id)?).await?;
    Ok(Json(ids.iter().map(ToString::to_string).collect()))
}

/// `PUT`, and the reference's `POST` alias: the member's groups, replaced whole.
#[utoipa::path(
    method(put, post),
    path = "/organizations/{org_id}/users/{member_id}/groups",
    tag = "groups",
    params(("org_id" = String, Path, description = "The organization"), ("member_id" = String, Path, description = "The organization user (membership)")),
    request_body = MemberGroupsRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The member is in exactly these groups; a group that is not the organization's is 404 and nothing changes"), crate::openapi::OrganizationErrors)
)]
pub async fn set_member_groups(
    State(state): State<AppState>,
    MemberGroupsSetter(access): MemberGroupsSetter,
    Path((_, member_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<MemberGroupsRequest>,
) -> Result<StatusCode, ApiError> {
    let ids = ids_in_body(&request.group_ids)?;
    groups::set_member_groups(&state, &access, id_in_path(&member_id)?, &ids).await?;
    Ok(StatusCode::OK)
}
