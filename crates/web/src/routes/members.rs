//! `/api/organizations/{org_id}/users…` (SPEC §9 "members"): list, read, accept, confirm, change
//! role, remove, leave. Invitations are in `invitations.rs`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kinwarden_core::members::{self, MemberStatus, MemberType};
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_proto::members::{
    AcceptRequest, ConfirmRequest, ListResponse, MemberResponse, UpdateMemberRequest,
};
use kinwarden_store::{MemberDetails, StoreError};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::org_access::{OrgManageUsers, OrgMember};
use crate::state::AppState;

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
    let rows = state.store.members(&access.org.id).await?;
    Ok(Json(ListResponse::new(rows.iter().map(response).collect())))
}

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
    let row = state
        .store
        .member(&access.org.id, &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(response(&row)))
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
    let invalid = || ApiError::BadRequest("Invalid token.".into());
    let claims: EmailClaims = state
        .tokens
        .verify(&request.token, audience::INVITE, state.now_seconds())
        .map_err(|_| invalid())?;
    if claims.subject.as_deref() != Some(member_id.as_str()) {
        return Err(invalid());
    }
    let row = state
        .store
        .member(&org_id.to_ascii_lowercase(), &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.member.status != MemberStatus::Invited.code() {
        return Err(ApiError::BadRequest("Already accepted.".into()));
    }
    if row.member.email.as_deref() != Some(claims.email.as_str()) || claims.email != user.email {
        return Err(ApiError::BadRequest(
            "User email does not match invite.".into(),
        ));
    }
    if state
        .store
        .membership(&row.member.organization_id, &user.id)
        .await?
        .is_some()
    {
        return Err(ApiError::BadRequest(
            "You are already part of this organization.".into(),
        ));
    }
    match state
        .store
        .accept_member(&member_id, &user.id, state.clock.now_millis())
        .await
    {
        Ok(true) => {}
        Ok(false) => return Err(ApiError::BadRequest("Already accepted.".into())),
        // Accepted a second invitation to the same organization at the same moment.
        Err(StoreError::Conflict) => {
            return Err(ApiError::BadRequest(
                "You are already part of this organization.".into(),
            ));
        }
        Err(err) => return Err(err.into()),
    }
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
    let row = state
        .store
        .member(&access.org.id, &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.member.status != MemberStatus::Accepted.code() {
        return Err(ApiError::BadRequest("User not valid.".into()));
    }
    if !request.key.starts_with("4.") {
        return Err(ApiError::field(
            "Key",
            "The key must be the organization key wrapped for the member (EncString type 4).",
        ));
    }
    let target_role = MemberType::from_code(row.member.member_type).unwrap_or(MemberType::User);
    if !members::may_assign(access.role(), target_role) {
        return Err(ApiError::BadRequest(
            "Only an Owner can confirm another Owner.".into(),
        ));
    }
    if !state
        .store
        .confirm_member(&member_id, &request.key, state.clock.now_millis())
        .await?
    {
        return Err(ApiError::BadRequest("User not valid.".into()));
    }
    Ok(StatusCode::OK)
}

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
    let new_role = MemberType::from_code(request.member_type)
        .ok_or_else(|| ApiError::field("Type", "Invalid member type."))?;
    let row = state
        .store
        .member(&access.org.id, &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let old_role = MemberType::from_code(row.member.member_type).unwrap_or(MemberType::User);
    if !members::may_assign(access.role(), new_role)
        || !members::may_assign(access.role(), old_role)
    {
        return Err(ApiError::BadRequest(
            "Only an Owner can configure another Owner's account.".into(),
        ));
    }
    if old_role == MemberType::Owner && new_role != MemberType::Owner {
        ensure_another_owner(&state, &access.org.id, &row).await?;
    }
    let permissions = match new_role {
        MemberType::Custom => Some(
            serde_json::to_string(&request.permissions.unwrap_or_default())
                .map_err(ApiError::internal)?,
        ),
        _ => None,
    };
    state
        .store
        .update_member_role(
            &member_id,
            new_role.code(),
            permissions.as_deref(),
            state.clock.now_millis(),
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
    let row = state
        .store
        .member(&access.org.id, &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.member.id == access.membership.id {
        return Err(ApiError::BadRequest("You cannot remove yourself.".into()));
    }
    let role = MemberType::from_code(row.member.member_type).unwrap_or(MemberType::User);
    if !members::may_assign(access.role(), role) {
        return Err(ApiError::BadRequest(
            "Only owners can delete other owners.".into(),
        ));
    }
    if role == MemberType::Owner {
        ensure_another_owner(&state, &access.org.id, &row).await?;
    }
    let keep_unsynced = self_hosted_cloud_may_know(&state, &access.org.id).await?;
    state.store.remove_member(&member_id, keep_unsynced).await?;
    // A removed member's sponsorship ends: the cloud should hear of it soon.
    crate::routes::sponsorships::sync_soon(&state, &access.org.id);
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
    if access.role() == MemberType::Owner
        && state.store.confirmed_owner_count(&access.org.id).await? <= 1
    {
        return Err(ApiError::BadRequest(
            "Organization must have at least one confirmed owner.".into(),
        ));
    }
    let keep_unsynced = self_hosted_cloud_may_know(&state, &access.org.id).await?;
    state
        .store
        .remove_member(&access.membership.id, keep_unsynced)
        .await?;
    crate::routes::sponsorships::sync_soon(&state, &access.org.id);
    Ok(StatusCode::OK)
}

async fn ensure_another_owner(
    state: &AppState,
    org_id: &str,
    row: &MemberDetails,
) -> Result<(), ApiError> {
    let confirmed_owner = row.member.status == MemberStatus::Confirmed.code();
    if confirmed_owner && state.store.confirmed_owner_count(org_id).await? <= 1 {
        return Err(ApiError::BadRequest(
            "Organization must have at least one confirmed owner.".into(),
        ));
    }
    Ok(())
}

pub fn response(row: &MemberDetails) -> MemberResponse {
    let member = &row.member;
    let permissions = members::parse_permissions(member.permissions.as_deref());
    MemberResponse {
        id: member.id.clone(),
        user_id: member.user_id.clone(),
        member_type: member.member_type,
        status: member.status,
        email: row.user_email.clone().or_else(|| member.email.clone()),
        name: row.user_name.clone(),
        permissions,
        access_secrets_manager: member.access_secrets_manager,
        external_id: None,
        reset_password_enrolled: false,
        uses_key_connector: false,
        two_factor_enabled: false,
        sso_bound: false,
        has_master_password: member.user_id.is_some(),
        avatar_color: None,
        collections: Vec::new(),
        groups: Vec::new(),
        object: "organizationUserUserDetails".to_string(),
    }
}

/// On a self-hosted server, whether a removed member's unsynced offer may be known to the cloud
/// and must be kept, marked, for the next sync (SPEC §10; `sponsorships::self_hosted_revoke`).
async fn self_hosted_cloud_may_know(state: &AppState, org_id: &str) -> Result<bool, ApiError> {
    match state.config.mode {
        kinwarden_config::Mode::SelfHosted => {
            crate::routes::sponsorships::cloud_may_know(state, org_id).await
        }
        kinwarden_config::Mode::Cloud => Ok(false),
    }
}
