//! Admin Console → Members: the list with roles and statuses, invite, confirm (the organization
//! key is opened and wrapped for the member in the browser, after the master password), role
//! change and removal; and the invitee's accept link.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use kinwarden_core::members::{self, MemberStatus, MemberType};
use kinwarden_store::UserRecord;
use serde::Deserialize;

use super::session::{self, Chrome, PageUser, render};
use super::{from_json, message_of, role_name};
use crate::auth::CurrentUser;
use crate::org_access::{OrgAccess, OrgManageUsers, access_of};
use crate::routes;
use crate::state::AppState;
use crate::{ApiError, ApiJson};

#[derive(Template)]
#[template(path = "console/members.html")]
struct MembersPage {
    c: Chrome,
    org_id: String,
    org_name: String,
    rows: Vec<Row>,
    email: String,
    iterations: i32,
    user_key: String,
    private_key: String,
    org_key: String,
}

struct Row {
    id: String,
    email: String,
    role: &'static str,
    role_code: i32,
    status: &'static str,
    /// The member's public key, for an accepted member waiting to be confirmed.
    confirm_key: Option<String>,
    is_self: bool,
}

async fn manager_access(
    state: &AppState,
    user: &UserRecord,
    org_id: &str,
) -> Result<OrgAccess, ApiError> {
    let access = access_of(state, user, &org_id.to_ascii_lowercase()).await?;
    if members::can_manage_users(access.role(), &access.permissions()) {
        Ok(access)
    } else {
        Err(ApiError::NotFound)
    }
}

fn copy(access: &OrgAccess) -> OrgManageUsers {
    OrgManageUsers(OrgAccess {
        org: access.org.clone(),
        membership: access.membership.clone(),
    })
}

async fn members_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    org_id: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let mut c = Chrome::new(
        state,
        headers,
        Some(user),
        &format!("/organizations/{org_id}/members"),
    );
    c.notice = notice;
    c.error = error;
    let access = match manager_access(state, user, org_id).await {
        Ok(access) => access,
        Err(err) => return super::error_page(c, &err),
    };
    let listed = match routes::members::list(State(state.clone()), copy(&access)).await {
        Ok(Json(list)) => list.data,
        Err(err) => return super::error_page(c, &err),
    };
    let t = c.t;
    let mut rows = Vec::new();
    for member in listed {
        let status = MemberStatus::from_code(member.status);
        let confirm_key = match (status, member.user_id.as_deref()) {
            (Some(MemberStatus::Accepted), Some(user_id)) => state
                .store
                .user_by_id(user_id)
                .await
                .ok()
                .flatten()
                .and_then(|member_user| member_user.public_key),
            _ => None,
        };
        let role = MemberType::from_code(member.member_type).unwrap_or(MemberType::User);
        rows.push(Row {
            is_self: member.user_id.as_deref() == Some(user.id.as_str()),
            id: member.id,
            email: member.email.unwrap_or_default(),
            role: role_name(t, role),
            role_code: role.code(),
            status: match status {
                Some(MemberStatus::Invited) => t.status_invited,
                Some(MemberStatus::Accepted) => t.status_accepted,
                Some(MemberStatus::Confirmed) => t.status_confirmed,
                Some(MemberStatus::Revoked) | None => t.status_revoked,
            },
            confirm_key,
        });
    }
    let cookie = c.take_cookie();
    render(
        &MembersPage {
            c,
            org_id: access.org.id.clone(),
            org_name: access.org.name.clone(),
            rows,
            email: user.email.clone(),
            iterations: user.kdf_iterations,
            user_key: user.user_key.clone(),
            private_key: user.private_key.clone().unwrap_or_default(),
            org_key: access.membership.key.clone().unwrap_or_default(),
        },
        cookie,
    )
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
) -> Response {
    members_page(&state, &headers, &user, &org_id, None, None).await
}

/// Runs a member action after the CSRF check and shows the list again with its outcome.
async fn act<F, Fut>(
    state: AppState,
    headers: HeaderMap,
    user: UserRecord,
    org_id: String,
    csrf: &str,
    done: &'static str,
    action: F,
) -> Response
where
    F: FnOnce(AppState, OrgManageUsers) -> Fut,
    Fut: std::future::Future<Output = Result<StatusCode, ApiError>>,
{
    if let Err(refused) = session::check_csrf(&headers, csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let result = match manager_access(&state, &user, &org_id).await {
        Ok(access) => action(state.clone(), copy(&access)).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(_) => {
            let notice = match done {
                "invite" => t.invitation_sent,
                "confirm" => t.member_confirmed,
                "role" => t.role_saved,
                _ => t.member_removed,
            };
            members_page(
                &state,
                &headers,
                &user,
                &org_id,
                Some(notice.to_string()),
                None,
            )
            .await
        }
        Err(err) => {
            members_page(
                &state,
                &headers,
                &user,
                &org_id,
                None,
                Some(message_of(&err, t)),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    emails: String,
    #[serde(rename = "type")]
    member_type: i32,
}

pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
    Form(form): Form<InviteForm>,
) -> Response {
    let emails: Vec<String> = form
        .emails
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect();
    let member_type = form.member_type;
    let mail_headers = headers.clone();
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "invite",
        move |state, access| async move {
            let request = from_json(serde_json::json!({"emails": emails, "type": member_type}))?;
            routes::invitations::invite(State(state), mail_headers, access, ApiJson(request)).await
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path((org_id, member_id)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let path = (org_id.clone(), member_id);
    let key = form.key.clone();
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "confirm",
        move |state, access| async move {
            let request = from_json(serde_json::json!({"key": key}))?;
            routes::members::confirm(State(state), access, Path(path), ApiJson(request)).await
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(rename = "type")]
    member_type: i32,
}

pub async fn role(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path((org_id, member_id)): Path<(String, String)>,
    Form(form): Form<RoleForm>,
) -> Response {
    let path = (org_id.clone(), member_id);
    let member_type = form.member_type;
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "role",
        move |state, access| async move {
            let request = from_json(serde_json::json!({"type": member_type}))?;
            routes::members::update(State(state), access, Path(path), ApiJson(request)).await
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path((org_id, member_id)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let path = (org_id.clone(), member_id);
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "remove",
        move |state, access| async move {
            routes::members::remove(State(state), access, Path(path)).await
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptQuery {
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    organization_user_id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    token: String,
}

/// The invitation link: a signed-in invitee joins at once; anyone else logs in (or registers
/// with the invitation as proof of the address) and comes back.
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Result<PageUser, Response>,
    Query(query): Query<AcceptQuery>,
) -> Response {
    let Ok(PageUser { user }) = user else {
        let back = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("organizationId", &query.organization_id)
            .append_pair("organizationUserId", &query.organization_user_id)
            .append_pair("email", &query.email)
            .append_pair("token", &query.token)
            .finish();
        let target = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("email", &query.email)
            .append_pair("next", &format!("/accept-organization?{back}"))
            .finish();
        return Redirect::to(&format!("/login?{target}")).into_response();
    };
    let mut c = Chrome::new(&state, &headers, Some(&user), "/organizations");
    let accepted = match from_json(serde_json::json!({"token": query.token})) {
        Ok(request) => {
            routes::members::accept(
                State(state.clone()),
                CurrentUser { user: user.clone() },
                Path((
                    query.organization_id.clone(),
                    query.organization_user_id.clone(),
                )),
                ApiJson(request),
            )
            .await
        }
        Err(err) => Err(err),
    };
    let title = match accepted {
        Ok(_) => c.t.invitation_accepted.to_string(),
        Err(ApiError::BadRequest(message)) => format!("{} {message}", c.t.invite_accept_failed),
        Err(_) => c.t.invite_accept_failed.to_string(),
    };
    let cookie = c.take_cookie();
    let page = super::account::MessagePage {
        link: Some(("/organizations".to_string(), c.t.organizations.to_string())),
        c,
        title,
    };
    render(&page, cookie)
}
