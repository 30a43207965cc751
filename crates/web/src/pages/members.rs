//! Admin Console → Members: the list with roles, statuses, groups and collections, invite,
//! confirm (the organization key is opened and wrapped for the member in the browser, after the
//! master password), role change, a member's collections and groups (`members::access`, as
//! `PUT …/users/{id}` sets them) and removal; and the invitee's accept link.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kinwarden_app::AppError;
use kinwarden_app::members::access as member_access;
use kinwarden_app::members::{
    accept, confirm as confirming, invite as inviting, list, remove as removing, role as roles,
};
use kinwarden_app::records::UserRecord;
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_proto::members::{AcceptRequest, ConfirmRequest, InviteRequest, UpdateMemberRequest};
use serde::Deserialize;

use super::member_access::{AccessCells, access_cells};
use super::session::{self, Chrome, PageUser, render};
use super::{message_of, role_name};
use crate::ApiError;
use crate::http::mails::request_lang;
use crate::http::org_access::{OrgAccess, access_of};
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "pages/members.html")]
struct MembersPage {
    c: Chrome,
    org_id: String,
    org_name: String,
    rows: Vec<Row>,
    /// The organization has groups: the edit form offers them.
    has_groups: bool,
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
    /// The member's groups and collections, and the edit form's choices.
    access: AccessCells,
}

async fn manager_access(
    state: &AppState,
    user: &UserRecord,
    org_id: &str,
) -> Result<OrgAccess, ApiError> {
    let access = access_of(state, user, &org_id.to_ascii_lowercase()).await?;
    if access.may_manage_users() {
        Ok(access)
    } else {
        Err(ApiError::NotFound)
    }
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
    let listed = match list::with_confirm_keys(state, &access).await {
        Ok(listed) => listed,
        Err(err) => return super::error_page(c, &err.into()),
    };
    let choices = match member_access::choices(state, &access).await {
        Ok(choices) => choices,
        Err(err) => return super::error_page(c, &err.into()),
    };
    let t = c.t;
    let mut rows = Vec::new();
    for listed in listed {
        let cells = access_cells(t, &choices, &listed);
        let list::ListedMember {
            member,
            confirm_key,
            ..
        } = listed;
        let status = MemberStatus::from_code(member.status);
        let role = MemberType::from_code(member.member_type).unwrap_or(MemberType::User);
        rows.push(Row {
            access: cells,
            is_self: member.user_id == Some(user.id.to_string()),
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
            org_id: access.org.id.to_string(),
            org_name: access.org.name.clone(),
            rows,
            has_groups: !choices.groups.is_empty(),
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
pub(super) async fn act<F, Fut>(
    state: AppState,
    headers: HeaderMap,
    user: UserRecord,
    org_id: String,
    csrf: &str,
    done: &'static str,
    action: F,
) -> Response
where
    F: FnOnce(AppState, OrgAccess) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>>,
{
    if let Err(refused) = session::check_csrf(&headers, csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let result = match manager_access(&state, &user, &org_id).await {
        Ok(access) => action(state.clone(), access).await.map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(_) => {
            let notice = match done {
                "invite" => t.invitation_sent,
                "confirm" => t.member_confirmed,
                "role" => t.role_saved,
                "access" => t.access_saved,
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
    let request = InviteRequest {
        emails,
        member_type: form.member_type,
        permissions: None,
        access_secrets_manager: false,
        collections: None,
        groups: None,
    };
    let lang = request_lang(&headers);
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "invite",
        move |state, access| async move { inviting::invite(&state, &access, &request, lang).await },
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
    let request = ConfirmRequest { key: form.key };
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "confirm",
        move |state, access| async move {
            confirming::confirm(
                &state,
                &access,
                kinwarden_app::id_in_path(&member_id)?,
                &request,
            )
            .await
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
    let request = UpdateMemberRequest {
        member_type: form.member_type,
        permissions: None,
        access_secrets_manager: false,
        collections: None,
        groups: None,
    };
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "role",
        move |state, access| async move {
            roles::update(
                &state,
                &access,
                kinwarden_app::id_in_path(&member_id)?,
                request,
            )
            .await
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
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        "remove",
        move |state, access| async move {
            removing::remove(&state, &access, kinwarden_app::id_in_path(&member_id)?).await
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
    let request = AcceptRequest {
        token: query.token,
        reset_password_key: None,
    };
    let ids = (
        kinwarden_app::id_in_path(&query.organization_id),
        kinwarden_app::id_in_path(&query.organization_user_id),
    );
    let accepted = match ids {
        (Ok(org_id), Ok(member_id)) => {
            accept::accept(&state, &user, org_id, member_id, &request).await
        }
        (Err(err), _) | (_, Err(err)) => Err(err),
    };
    let title = match accepted {
        Ok(_) => c.t.invitation_accepted.to_string(),
        Err(AppError::BadRequest(message)) => format!("{} {message}", c.t.invite_accept_failed),
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
