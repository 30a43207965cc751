//! The user's organizations, and a new one: on a self-hosted server from the cloud's license
//! file (reference ui-and-ops §2.7), with the organization's keys made in the browser.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kinwarden_app::licenses::upload;
use kinwarden_app::organizations::create;
use kinwarden_app::records::UserRecord;
use kinwarden_config::Mode;
use kinwarden_core::members::MemberType;
use kinwarden_proto::organizations::{CreateOrganizationRequest, OrganizationKeysModel};
use serde::Deserialize;

use super::session::{self, Chrome, PageUser, render};
use super::{OnCloud, OnSelfHosted, message_of};
use crate::http::error::ApiError;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "pages/organizations.html")]
struct OrganizationsPage {
    c: Chrome,
    organizations: Vec<Row>,
    self_hosted: bool,
    public_key: String,
    upload_error: Option<String>,
    email: String,
}

struct Row {
    id: String,
    name: String,
    role: &'static str,
    owner: bool,
    enabled: bool,
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    upload_error: Option<String>,
) -> Response {
    let mut c = Chrome::new(state, headers, Some(user), "/organizations");
    let profile = match kinwarden_app::accounts::profile::build(state, user).await {
        Ok(profile) => profile,
        Err(err) => return super::error_page(c, &err.into()),
    };
    let t = c.t;
    let organizations = profile
        .organizations
        .iter()
        .map(|org| {
            let role = MemberType::from_code(org.member_type).unwrap_or(MemberType::User);
            Row {
                id: org.id.clone(),
                name: org.name.clone(),
                role: super::role_name(t, role),
                owner: role == MemberType::Owner,
                enabled: org.enabled,
            }
        })
        .collect();
    let cookie = c.take_cookie();
    render(
        &OrganizationsPage {
            c,
            organizations,
            self_hosted: state.config.mode == Mode::SelfHosted,
            public_key: user.public_key.clone().unwrap_or_default(),
            upload_error,
            email: user.email.clone(),
        },
        cookie,
    )
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
) -> Response {
    list_page(&state, &headers, &user, None).await
}

#[derive(Deserialize)]
pub struct CsrfQuery {
    #[serde(default)]
    csrf: String,
}

/// A self-hosted organization from an uploaded license file. The form is multipart, so its CSRF
/// token travels in the query string.
pub async fn create_from_license(
    _: OnSelfHosted,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Query(query): Query<CsrfQuery>,
    multipart: Multipart,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &query.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let created = async {
        let form = crate::http::license_form::read(Ok(multipart)).await?;
        Ok::<_, ApiError>(upload::create_organization(&state, &user, form).await?)
    }
    .await;
    match created {
        Ok(org) => {
            Redirect::to(&format!("/organizations/{}/billing/subscription", org.id)).into_response()
        }
        Err(err) => list_page(&state, &headers, &user, Some(message_of(&err, t))).await,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    billing_email: String,
    #[serde(default)]
    plan_type: i32,
    #[serde(default)]
    additional_seats: i32,
    #[serde(default)]
    key: String,
    #[serde(default)]
    public_key: String,
    #[serde(default)]
    encrypted_private_key: String,
    #[serde(default)]
    collection_name: String,
}

/// A new organization on a cloud plan (no card processor: the first period goes in the ledger),
/// with the keys made in the browser; the owner lands on its subscription.
pub async fn create_on_plan(
    _: OnCloud,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    axum::Form(form): axum::Form<CreateForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let request = CreateOrganizationRequest {
        name: form.name,
        billing_email: form.billing_email,
        plan_type: form.plan_type,
        additional_seats: form.additional_seats,
        key: form.key,
        keys: Some(OrganizationKeysModel {
            public_key: form.public_key,
            encrypted_private_key: form.encrypted_private_key,
        }),
        collection_name: Some(form.collection_name).filter(|name| !name.is_empty()),
    };
    match create::create(&state, &user, request).await {
        Ok(org) => {
            Redirect::to(&format!("/organizations/{}/billing/subscription", org.id)).into_response()
        }
        Err(err) => list_page(&state, &headers, &user, Some(message_of(&err.into(), t))).await,
    }
}
