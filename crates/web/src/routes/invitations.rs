//! `POST /api/organizations/{org_id}/users/invite` and `…/{id}/reinvite` (SPEC §9 "members"):
//! each invited address gets a member row and an invitation mail, stored together.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Duration;
use kinwarden_core::email;
use kinwarden_core::ids::OrganizationUserId;
use kinwarden_core::members::{self, MemberStatus, MemberType};
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_mail::messages::OrganizationInvite;
use kinwarden_mail::{Lang, Mail};
use kinwarden_proto::members::InviteRequest;
use kinwarden_store::{MemberRecord, OrganizationRecord, StoreError};

use crate::error::ApiError;
use crate::json::ApiJson;
use crate::mails::request_lang;
use crate::org_access::OrgManageUsers;
use crate::state::AppState;

/// How long an invitation link works (Bitwarden: 5 days).
const INVITE_DAYS: i64 = 5;
/// At most this many addresses in one request, as the reference allows.
const MAX_EMAILS: usize = 20;

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
    let role = MemberType::from_code(request.member_type)
        .ok_or_else(|| ApiError::field("Type", "Invalid member type."))?;
    if !members::may_assign(access.role(), role) {
        return Err(ApiError::BadRequest(
            "Only an Owner can configure another Owner's account.".into(),
        ));
    }
    if request.emails.is_empty() || request.emails.len() > MAX_EMAILS {
        return Err(ApiError::field(
            "Emails",
            "You can only invite up to 20 users at a time.",
        ));
    }
    let mut emails = Vec::new();
    for raw in &request.emails {
        let email = email::normalize(raw).ok_or_else(|| {
            ApiError::field("Emails", format!("{raw} is not a valid email address."))
        })?;
        if !emails.contains(&email) {
            emails.push(email);
        }
    }
    let seats_taken = state.store.occupied_seats(&access.org.id).await?;
    let wanted = i64::try_from(emails.len()).unwrap_or(i64::MAX);
    if let Some(seats) = access.org.seats
        && seats_taken.saturating_add(wanted) > i64::from(seats)
    {
        return Err(ApiError::BadRequest(format!(
            "Your organization has {seats} seats and they are all taken; add seats to invite more members."
        )));
    }
    let permissions = match role {
        MemberType::Custom => Some(
            serde_json::to_string(&request.permissions.clone().unwrap_or_default())
                .map_err(ApiError::internal)?,
        ),
        _ => None,
    };
    let now = state.clock.now_millis();
    let lang = request_lang(&headers);
    let mut invited = Vec::with_capacity(emails.len());
    for email in emails {
        let member = MemberRecord {
            id: OrganizationUserId::new().to_string(),
            organization_id: access.org.id.clone(),
            user_id: None,
            email: Some(email),
            key: None,
            status: MemberStatus::Invited.code(),
            member_type: role.code(),
            permissions: permissions.clone(),
            access_secrets_manager: request.access_secrets_manager,
            created_at: now,
            updated_at: now,
        };
        let mail = invitation_mail(&state, &access.org, &member, lang)?;
        invited.push((member, mail));
    }
    match state.store.invite_members(&invited, now).await {
        Ok(()) => Ok(StatusCode::OK),
        Err(StoreError::Conflict) => Err(ApiError::BadRequest(
            "This user has already been invited.".into(),
        )),
        Err(err) => Err(err.into()),
    }
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
    let row = state
        .store
        .member(&access.org.id, &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.member.status != MemberStatus::Invited.code() {
        return Err(ApiError::BadRequest("User invalid.".into()));
    }
    let mail = invitation_mail(&state, &access.org, &row.member, request_lang(&headers))?;
    state
        .store
        .reinvite_member(&mail, state.clock.now_millis())
        .await?;
    Ok(StatusCode::OK)
}

fn invitation_mail(
    state: &AppState,
    org: &OrganizationRecord,
    member: &MemberRecord,
    lang: Lang,
) -> Result<Mail, ApiError> {
    let email = member.email.clone().ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let token = state
        .tokens
        .sign(
            &EmailClaims {
                iss: state.tokens.issuer().to_string(),
                aud: audience::INVITE.to_string(),
                nbf: now.timestamp(),
                exp: (now + Duration::days(INVITE_DAYS)).timestamp(),
                email: email.clone(),
                subject: Some(member.id.clone()),
            },
            "JWT",
        )
        .map_err(ApiError::internal)?;
    let organization_id = org.id.parse().map_err(ApiError::internal)?;
    let organization_user_id = member.id.parse().map_err(ApiError::internal)?;
    Ok(OrganizationInvite {
        organization_id,
        organization_user_id,
        organization_name: &org.name,
        email: &email,
        token: &token,
    }
    .render(&state.urls.vault, lang))
}
