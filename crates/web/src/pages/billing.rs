//! Admin Console → Billing → Subscription, for owners. On a cloud: plan, seats, period and the
//! Self-hosting section (*Download license*, *Set up billing sync* → *Generate token*, later
//! *View token* and *Rotate token*). On a self-hosted server: *License and billing management*
//! with *Automatic sync* (*Manage billing sync*, *Sync license*, last and next sync) and
//! *Manual upload* (reference ui-and-ops §1–2, SPEC §5 steps 4–5, §6).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use kinwarden_app::billing::subscription;
use kinwarden_app::connections::{billing_sync, save};
use kinwarden_app::jobs::license_refresh;
use kinwarden_app::licenses::{download, expiry, self_hosted_sync, upload};
use kinwarden_app::org_api_keys;
use kinwarden_app::records::UserRecord;
use kinwarden_app::sponsorships::sync_status;
use kinwarden_config::Mode;
use kinwarden_core::api_keys::ApiKeyType;
use kinwarden_core::license::Casing;
use kinwarden_core::license_expiry::Warning;
use kinwarden_core::plans::{ProductTier, tier_of};
use kinwarden_proto::billing::{OrganizationApiKeyRequest, OrganizationSubscriptionResponse};
use serde::Deserialize;

use super::session::{self, Chrome, PageUser, render};
use super::{OnCloud, OnSelfHosted, day, message_of, owner_access, when};
use crate::http::error::ApiError;
use crate::http::org_access::OrgAccess;
// The subscription read is another area's handler, still called from here until it has its
// use-case.
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "pages/billing_cloud.html")]
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
#[template(path = "pages/billing_self_hosted.html")]
struct SelfHostedPage {
    c: Chrome,
    org_id: String,
    org_name: String,
    plan_name: String,
    expiration: String,
    /// `Expires`, when the license has a grace after its paid end.
    grace_end: Option<String>,
    grace_help: Option<String>,
    /// The banner while within the grace or close to `Expires`.
    expiry_warning: Option<String>,
    /// The last *Sync license* attempt: when, by whom, how it went.
    last_license_attempt: Option<LicenseAttempt>,
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

/// The last *Sync license* attempt as the page shows it.
struct LicenseAttempt {
    at: String,
    by: &'static str,
    result: &'static str,
    error: Option<String>,
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
    let sub = match subscription::subscription(state, &access.org).await {
        Ok(sub) => sub,
        Err(err) => return super::error_page(c, &err.into()),
    };
    let tier = tier_of(access.org.plan_type);
    let has_token = org_api_keys::has_billing_sync_token(state, access.org.id)
        .await
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
            org_id: access.org.id.to_string(),
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
        key_type: ApiKeyType::BillingSync.code(),
        master_password_hash: Some(form.master_password_hash.clone()),
        otp: None,
    };
    let rotate = form.action == "rotate";
    let result = if rotate {
        org_api_keys::rotate(&state, &user, &access, &request).await
    } else {
        org_api_keys::get_or_create(&state, &user, &access, &request).await
    };
    let dialog = match result.map_err(ApiError::from) {
        Ok(key) => {
            let last_sync = sync_status::last_sync_date(&state, access.org.id)
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
    let answer =
        download::organization_license(&state, &access, Some(&query.installation_id)).await;
    match answer.map_err(ApiError::from) {
        Ok(license) => {
            let text =
                serde_json::to_string_pretty(&license.to_value(Casing::Camel)).unwrap_or_default();
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
    // Shown as far as it could be read: a failed read shows no connection and no syncs.
    let overview = match billing_sync::overview(state, access.org.id).await {
        Ok(overview) => Some(overview),
        Err(err) => {
            tracing::warn!(organization = %access.org.id, error = %err, "billing sync overview unreadable");
            None
        }
    };
    let connection = overview.as_ref().and_then(|o| o.connection.as_ref());
    let config = overview.as_ref().and_then(|o| o.config.as_ref());
    let status = overview.as_ref().map(|o| &o.status);
    let plan_name = kinwarden_app::organizations::terms::of(&access.org)
        .plan
        .or_else(|| {
            kinwarden_core::plans::plan(access.org.plan_type).map(|plan| plan.name.to_string())
        })
        .unwrap_or_default();
    // The paid end and the grace end (SPEC §12, reference §7): the paid end is the
    // subscription's expiration, and the grace end is shown beside it unless they are the same
    // (a trial).
    let standing = expiry::standing(state, &access.org);
    let expiration = standing
        .map(|s| s.paid_end)
        .or(access.org.expiration_date)
        .map(when)
        .unwrap_or_else(|| c.t.never_expires.to_string());
    let grace_end = standing
        .filter(|s| s.paid_end != s.expires)
        .map(|s| when(s.expires));
    let grace_help = grace_end
        .as_ref()
        .map(|date| c.t.self_host_grace_period_help.replace("{date}", date));
    let expiry_warning = standing.and_then(|s| {
        let date = when(s.expires);
        let text = match s.warning? {
            Warning::Expired => c.t.license_has_expired.to_string(),
            Warning::InGrace { days_left } => {
                c.t.license_in_grace
                    .replace("{days}", &days_left.to_string())
            }
            Warning::ExpiresSoon { days_left } => {
                c.t.license_expires_soon
                    .replace("{days}", &days_left.to_string())
            }
        };
        Some(text.replace("{date}", &date))
    });
    let last_license_attempt = match self_hosted_sync::last_outcome(state, access.org.id).await {
        Ok(found) => found.map(|outcome| LicenseAttempt {
            at: when(outcome.started_at),
            by: if outcome.started_by == license_refresh::STARTED_BY {
                c.t.license_sync_by_job
            } else {
                c.t.license_sync_by_owner
            },
            result: if outcome.succeeded {
                c.t.license_sync_succeeded
            } else {
                c.t.license_sync_failed
            },
            error: outcome.message,
        }),
        Err(err) => {
            tracing::warn!(organization = %access.org.id, error = %err, "last license sync unreadable");
            None
        }
    };
    let stamp = |at: Option<i64>| at.map(when).unwrap_or_else(|| c.t.never.to_string());
    let last_error = status
        .and_then(|s| s.last_error.as_ref())
        .and_then(|o| o.message.clone());
    let connection_enabled = connection.is_some_and(|found| found.enabled);
    let page = SelfHostedPage {
        org_id: access.org.id.to_string(),
        org_name: access.org.name.clone(),
        plan_name,
        expiration,
        grace_end,
        grace_help,
        expiry_warning,
        last_license_attempt,
        cloud_enabled: state.config.enable_cloud_communication,
        families_tier: tier_of(access.org.plan_type) == Some(ProductTier::Families),
        connection_id: connection.map(|found| found.id.to_string()),
        connection_enabled,
        token: config
            .map(|config| config.key.expose().to_string())
            .unwrap_or_default(),
        last_license_sync: config
            .and_then(|config| config.last_license_sync.as_deref())
            .map(super::wire_when)
            .unwrap_or_else(|| c.t.never.to_string()),
        last_attempt: stamp(status.and_then(|s| s.last.as_ref()).map(|o| o.started_at)),
        last_success: stamp(
            status
                .and_then(|s| s.last_success.as_ref())
                .map(|o| o.finished_at),
        ),
        next_sync: stamp(status.map(|s| s.next_run)),
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
    let saved = match kinwarden_app::id_in_path(&org_id) {
        Ok(org) => save::save_billing_sync(&state, &user, org, &form.billing_sync_key).await,
        Err(err) => Err(err),
    };
    let outcome = match saved.map_err(ApiError::from) {
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
            match self_hosted_sync::sync(&state, &access)
                .await
                .map_err(ApiError::from)
            {
                Ok(result) if result.succeeded => Outcome {
                    notice: Some(t.license_sync_success.to_string()),
                    ..Outcome::default()
                },
                Ok(result) => Outcome {
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
        Ok(access) => match replace_license(&state, &access, multipart).await {
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

/// The uploaded form's license in place of the organization's.
async fn replace_license(
    state: &AppState,
    access: &OrgAccess,
    multipart: Multipart,
) -> Result<(), ApiError> {
    let form = crate::http::license_form::read(Ok(multipart)).await?;
    upload::replace(state, access, form).await?;
    Ok(())
}
