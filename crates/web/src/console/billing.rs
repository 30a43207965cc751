//! Admin Console → Billing → Subscription, for owners. On a cloud: plan, seats, period and the
//! Self-hosting section (*Download license*, *Set up billing sync* → *Generate token*, later
//! *View token* and *Rotate token*). On a self-hosted server: *License and billing management*
//! with *Automatic sync* (*Manage billing sync*, *Sync license*, last and next sync) and
//! *Manual upload* (reference ui-and-ops §1–2, SPEC §5 steps 4–5, §6).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use kinwarden_config::Mode;
use kinwarden_core::plans::{ProductTier, tier_of};
use kinwarden_proto::billing::{OrganizationApiKeyRequest, OrganizationSubscriptionResponse};
use kinwarden_proto::connections::ConnectionRequest;
use kinwarden_store::UserRecord;
use serde::Deserialize;
use serde_json::Value;

use super::session::{self, Chrome, PageUser, render};
use super::{OnCloud, OnSelfHosted, day, from_json, message_of, owner_access, when};
use crate::ApiJson;
use crate::auth::CurrentUser;
use crate::org_access::OrgOwner;
use crate::routes;
use crate::state::AppState;

const BILLING_SYNC: i32 = 1;

#[derive(Template)]
#[template(path = "console/billing_cloud.html")]
struct CloudPage {
    c: Chrome,
    org_id: String,
    org_name: String,
    sub: OrganizationSubscriptionResponse,
    period: String,
    expiration: String,
    self_hosting: bool,
    billing_sync: bool,
    has_token: bool,
    email: String,
    iterations: i32,
    dialog: TokenDialog,
}

/// The billing sync token dialog: closed, asking for the master password (with an error), or
/// showing the token.
#[derive(Default)]
struct TokenDialog {
    open: bool,
    error: Option<String>,
    token: Option<String>,
    status_line: Option<String>,
    rotated: bool,
}

#[derive(Template)]
#[template(path = "console/billing_self_hosted.html")]
struct SelfHostedPage {
    c: Chrome,
    org_id: String,
    org_name: String,
    plan_name: String,
    expiration: String,
    cloud_enabled: bool,
    families_tier: bool,
    connection_id: Option<String>,
    connection_enabled: bool,
    token: String,
    last_license_sync: String,
    last_attempt: String,
    last_success: String,
    next_sync: String,
    last_error: Option<String>,
    sync_mode: bool,
    manage_open: bool,
    manage_error: Option<String>,
    upload_error: Option<String>,
}

fn here(org_id: &str) -> String {
    format!("/organizations/{org_id}/billing/subscription")
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
) -> Response {
    match state.config.mode {
        Mode::Cloud => {
            cloud_page(
                &state,
                &headers,
                &user,
                &org_id,
                TokenDialog::default(),
                None,
            )
            .await
        }
        Mode::SelfHosted => {
            self_hosted_page(&state, &headers, &user, &org_id, Outcome::default()).await
        }
    }
}

async fn cloud_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    org_id: &str,
    dialog: TokenDialog,
    notice: Option<String>,
) -> Response {
    let mut c = Chrome::new(state, headers, Some(user), &here(org_id));
    c.notice = notice;
    let access = match owner_access(state, user, org_id).await {
        Ok(access) => access,
        Err(err) => return super::error_page(c, &err),
    };
    let sub = match routes::subscription::subscription(state, &access.org).await {
        Ok(sub) => sub,
        Err(err) => return super::error_page(c, &err),
    };
    let tier = tier_of(access.org.plan_type);
    let has_token = state
        .store
        .organization_api_keys(&access.org.id, Some(BILLING_SYNC))
        .await
        .map(|keys| !keys.is_empty())
        .unwrap_or(false);
    let period = format!(
        "{} – {}",
        day(sub.subscription.period_start_date.as_deref()),
        day(sub.subscription.period_end_date.as_deref())
    );
    let expiration = sub
        .expiration
        .as_deref()
        .map(|d| day(Some(d)))
        .unwrap_or_else(|| c.t.never_expires.to_string());
    let cookie = c.take_cookie();
    render(
        &CloudPage {
            c,
            org_id: access.org.id.clone(),
            org_name: access.org.name.clone(),
            sub,
            period,
            expiration,
            self_hosting: matches!(
                tier,
                Some(ProductTier::Families | ProductTier::Enterprise | ProductTier::Teams)
            ),
            billing_sync: matches!(tier, Some(ProductTier::Enterprise | ProductTier::Teams)),
            has_token,
            email: user.email.clone(),
            iterations: user.kdf_iterations,
            dialog,
        },
        cookie,
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    master_password_hash: String,
    #[serde(default)]
    action: String,
}

/// *Generate token* / *View token* (get or create) and *Rotate token*, after the master
/// password (its hash, derived in the browser) is verified.
pub async fn token(
    _: OnCloud,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let access = match owner_access(&state, &user, &org_id).await {
        Ok(access) => access,
        Err(err) => {
            return super::error_page(Chrome::new(&state, &headers, Some(&user), "/"), &err);
        }
    };
    let request = OrganizationApiKeyRequest {
        key_type: BILLING_SYNC,
        master_password_hash: Some(form.master_password_hash.clone()),
        otp: None,
    };
    let rotate = form.action == "rotate";
    let result = if rotate {
        routes::api_keys::rotate(
            State(state.clone()),
            CurrentUser { user: user.clone() },
            OrgOwner(access),
            ApiJson(request),
        )
        .await
    } else {
        routes::api_keys::get_or_create(
            State(state.clone()),
            CurrentUser { user: user.clone() },
            OrgOwner(access),
            ApiJson(request),
        )
        .await
    };
    let dialog = match result {
        Ok(Json(key)) => {
            let last_sync = state
                .store
                .latest_sponsorship_sync(&org_id)
                .await
                .ok()
                .flatten();
            TokenDialog {
                open: true,
                error: None,
                status_line: last_sync.map(|ms| format!("{}: {}", t.last_sync, when(ms))),
                token: Some(key.api_key),
                rotated: rotate,
            }
        }
        Err(err) => TokenDialog {
            open: true,
            error: Some(message_of(&err, t)),
            ..TokenDialog::default()
        },
    };
    cloud_page(&state, &headers, &user, &org_id, dialog, None).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseQuery {
    #[serde(default)]
    installation_id: String,
}

/// *Download license*: the license file for an installation id, as an attachment.
pub async fn download_license(
    _: OnCloud,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
    Query(query): Query<LicenseQuery>,
) -> Response {
    let c = Chrome::new(&state, &headers, Some(&user), &here(&org_id));
    let access = match owner_access(&state, &user, &org_id).await {
        Ok(access) => access,
        Err(err) => return super::error_page(c, &err),
    };
    let answer = match from_json(serde_json::json!({"installationId": query.installation_id})) {
        Ok(license_query) => {
            routes::licenses::organization_license(
                State(state.clone()),
                OrgOwner(access),
                Query(license_query),
            )
            .await
        }
        Err(err) => Err(err),
    };
    match answer {
        Ok(Json(license)) => {
            let text = serde_json::to_string_pretty(&license).unwrap_or_default();
            (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"bitwarden_organization_license.json\"",
                    ),
                ],
                text,
            )
                .into_response()
        }
        Err(err) => super::error_page(c, &err),
    }
}

/// The outcome of an action on the self-hosted page, shown where it happened.
#[derive(Default)]
struct Outcome {
    notice: Option<String>,
    error: Option<String>,
    manage_open: bool,
    manage_error: Option<String>,
    upload_error: Option<String>,
}

fn text_of(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .or_else(|| {
            let mut chars = key.chars();
            let pascal: String = chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default();
            value.get(pascal)
        })
        .and_then(Value::as_str)
        .map(str::to_string)
}

async fn self_hosted_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    org_id: &str,
    outcome: Outcome,
) -> Response {
    let mut c = Chrome::new(state, headers, Some(user), &here(org_id));
    c.notice = outcome.notice;
    c.error = outcome.error;
    let access = match owner_access(state, user, org_id).await {
        Ok(access) => access,
        Err(err) => return super::error_page(c, &err),
    };
    let connection = routes::connections::get(
        State(state.clone()),
        CurrentUser { user: user.clone() },
        Path((access.org.id.clone(), BILLING_SYNC.to_string())),
    )
    .await
    .map(|Json(found)| found)
    .ok()
    .filter(|found| found.id.is_some());
    let config = connection
        .as_ref()
        .and_then(|found| found.config.clone())
        .unwrap_or(Value::Null);
    let status = routes::billing_sync_status::status(
        State(state.clone()),
        OrgOwner(crate::org_access::OrgAccess {
            org: access.org.clone(),
            membership: access.membership.clone(),
        }),
    )
    .await
    .map(|Json(value)| value)
    .unwrap_or(Value::Null);
    let plan_name = kinwarden_core::plans::plan(access.org.plan_type)
        .map(|plan| plan.name.to_string())
        .unwrap_or_default();
    let expiration = access
        .org
        .expiration_date
        .map(when)
        .unwrap_or_else(|| c.t.never_expires.to_string());
    let stamp = |key: &str| {
        text_of(&status, key)
            .map(|d| super::wire_when(&d))
            .unwrap_or_else(|| c.t.never.to_string())
    };
    let last_error = status
        .get("lastError")
        .filter(|e| !e.is_null())
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let connection_enabled = connection.as_ref().is_some_and(|found| found.enabled);
    let page = SelfHostedPage {
        org_id: access.org.id.clone(),
        org_name: access.org.name.clone(),
        plan_name,
        expiration,
        cloud_enabled: state.config.enable_cloud_communication,
        families_tier: tier_of(access.org.plan_type) == Some(ProductTier::Families),
        connection_id: connection.as_ref().and_then(|found| found.id.clone()),
        connection_enabled,
        token: text_of(&config, "billingSyncKey").unwrap_or_default(),
        last_license_sync: text_of(&config, "lastLicenseSync")
            .map(|d| super::wire_when(&d))
            .unwrap_or_else(|| c.t.never.to_string()),
        last_attempt: stamp("lastAttempt"),
        last_success: stamp("lastSuccess"),
        next_sync: stamp("nextRun"),
        last_error,
        sync_mode: connection_enabled || outcome.manage_open,
        manage_open: outcome.manage_open,
        manage_error: outcome.manage_error,
        upload_error: outcome.upload_error,
        c,
    };
    let mut page = page;
    let cookie = page.c.take_cookie();
    render(&page, cookie)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    billing_sync_key: String,
}

/// *Manage billing sync* → *Save*: the token is checked with the cloud before it is kept
/// (SPEC §6); a refusal is shown in the dialog.
pub async fn save_connection(
    _: OnSelfHosted,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
    Form(form): Form<ConnectionForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let existing = routes::connections::get(
        State(state.clone()),
        CurrentUser { user: user.clone() },
        Path((org_id.clone(), BILLING_SYNC.to_string())),
    )
    .await
    .ok()
    .and_then(|Json(found)| found.id);
    let request = ConnectionRequest {
        connection_type: BILLING_SYNC,
        organization_id: org_id.clone(),
        enabled: true,
        config: Some(serde_json::json!({"billingSyncKey": form.billing_sync_key})),
    };
    let current = CurrentUser { user: user.clone() };
    let saved = match existing {
        Some(id) => {
            routes::connections::update(State(state.clone()), current, Path(id), ApiJson(request))
                .await
        }
        None => routes::connections::create(State(state.clone()), current, ApiJson(request)).await,
    };
    let outcome = match saved {
        Ok(_) => Outcome {
            notice: Some(t.billing_sync_saved.to_string()),
            ..Outcome::default()
        },
        Err(err) => Outcome {
            manage_open: true,
            manage_error: Some(message_of(&err, t)),
            ..Outcome::default()
        },
    };
    self_hosted_page(&state, &headers, &user, &org_id, outcome).await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// *Sync license*: a fresh license through the billing sync connection; the result is shown.
pub async fn sync_license(
    _: OnSelfHosted,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let outcome = match owner_access(&state, &user, &org_id).await {
        Err(err) => Outcome {
            error: Some(message_of(&err, t)),
            ..Outcome::default()
        },
        Ok(access) => {
            match routes::sync_license::sync(State(state.clone()), OrgOwner(access)).await {
                Ok(Json(result)) if result.succeeded => Outcome {
                    notice: Some(t.license_sync_success.to_string()),
                    ..Outcome::default()
                },
                Ok(Json(result)) => Outcome {
                    error: Some(
                        result
                            .message
                            .unwrap_or_else(|| t.error_occurred.to_string()),
                    ),
                    ..Outcome::default()
                },
                Err(err) => Outcome {
                    error: Some(message_of(&err, t)),
                    ..Outcome::default()
                },
            }
        }
    };
    self_hosted_page(&state, &headers, &user, &org_id, outcome).await
}

#[derive(Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    csrf: String,
}

/// *Manual upload*: replaces the license with an uploaded file. The form is multipart, so its
/// CSRF token travels in the query string.
pub async fn upload_license(
    _: OnSelfHosted,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
    Query(query): Query<UploadQuery>,
    multipart: Multipart,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &query.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let outcome = match owner_access(&state, &user, &org_id).await {
        Err(err) => Outcome {
            error: Some(message_of(&err, t)),
            ..Outcome::default()
        },
        Ok(access) => match routes::self_hosted_licenses::replace(
            State(state.clone()),
            OrgOwner(access),
            Ok(multipart),
        )
        .await
        {
            Ok(_) => Outcome {
                notice: Some(t.license_upload_success.to_string()),
                ..Outcome::default()
            },
            Err(err) => Outcome {
                upload_error: Some(message_of(&err, t)),
                ..Outcome::default()
            },
        },
    };
    self_hosted_page(&state, &headers, &user, &org_id, outcome).await
}
