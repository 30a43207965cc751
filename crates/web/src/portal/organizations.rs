//! The Portal's organizations: a searchable list, and one organization with, on a self-hosted
//! server, its Connections section and the recorded exchanges with the cloud (SPEC §6).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kinwarden_app::portal::{self, organizations::OrganizationDetails};
use kinwarden_app::records::{OrganizationRecord, OutcomeRecord, SponsorshipRecord};
use kinwarden_app::sponsorships::sync_status::SyncStatus;
use kinwarden_app::wire_time;
use kinwarden_config::Mode;
use serde::Deserialize;

use super::pages::page;
use super::session::{self, AdminSession};
use super::texts;
use crate::http::state::AppState;
use crate::pages::i18n::Texts;

/// One organization as the Portal shows it.
struct OrgRow {
    id: String,
    name: String,
    plan: String,
    seats: String,
    enabled: bool,
    expires: String,
    billing_email: String,
    owners: String,
}

struct ConnectionView {
    enabled: bool,
    cloud_organization_id: String,
    last_license_sync: String,
}

/// The sponsorship sync at a glance (SPEC §6).
struct SyncView {
    last_attempt: String,
    last_success: String,
    next_run: String,
    last_error: String,
}

/// One offer of the organization's members, with where it stands and why the cloud skipped it.
struct OfferView {
    friendly_name: String,
    offered_to: String,
    status: &'static str,
    skipped: String,
}

struct OutcomeView {
    when: String,
    kind: String,
    started_by: String,
    succeeded: bool,
    summary: String,
}

#[derive(Template)]
#[template(path = "portal/organizations.html")]
struct ListPage {
    t: &'static Texts,
    lang: &'static str,
    admin: String,
    csrf: String,
    query: String,
    organizations: Vec<OrgRow>,
}

#[derive(Template)]
#[template(path = "portal/organization.html")]
struct OrganizationPage {
    t: &'static Texts,
    lang: &'static str,
    admin: String,
    csrf: String,
    org: OrgRow,
    self_hosted: bool,
    connection: Option<ConnectionView>,
    sync: SyncView,
    offers: Vec<OfferView>,
    outcomes: Vec<OutcomeView>,
    /// A cloud's subscription section; none on a self-hosted server.
    terms: Option<super::billing::TermsView>,
    notice: Option<String>,
    error: Option<String>,
}

fn sync_view(t: &Texts, status: &SyncStatus) -> SyncView {
    let never = || t.never.to_string();
    SyncView {
        last_attempt: status.last.as_ref().map_or_else(never, |o| {
            let result = if o.succeeded {
                t.portal_succeeded
            } else {
                t.portal_failed
            };
            format!("{} ({result})", wire_time::from_millis(o.started_at))
        }),
        last_success: status
            .last_success
            .as_ref()
            .map_or_else(never, |o| wire_time::from_millis(o.finished_at)),
        next_run: wire_time::from_millis(status.next_run),
        last_error: status.last_error.as_ref().map_or_else(
            || t.portal_none.to_string(),
            |o| {
                format!(
                    "{}: {}",
                    wire_time::from_millis(o.started_at),
                    o.message.as_deref().unwrap_or_default()
                )
            },
        ),
    }
}

/// Where an offer stands, as a member would read it (SPEC §7 labels).
fn offer_status(t: &'static Texts, row: &SponsorshipRecord) -> &'static str {
    match (row.last_sync_date, row.to_delete, row.valid_until) {
        (None, _, _) => t.awaiting_sync,
        (Some(_), true, _) => t.portal_pending_removal,
        (Some(_), false, Some(_)) => t.active,
        (Some(_), false, None) => t.sent,
    }
}

fn plan_name(plan_type: i32) -> String {
    kinwarden_core::plans::PLANS
        .iter()
        .find(|plan| plan.plan_type == plan_type)
        .map_or_else(|| format!("plan {plan_type}"), |plan| plan.name.to_string())
}

fn row(org: &OrganizationRecord, owners: &[String]) -> OrgRow {
    OrgRow {
        id: org.id.to_string(),
        name: org.name.clone(),
        plan: plan_name(org.plan_type),
        seats: org
            .seats
            .map_or_else(|| "unlimited".to_string(), |s| s.to_string()),
        enabled: org.enabled,
        expires: org
            .expiration_date
            .map_or_else(|| "never".to_string(), wire_time::from_millis),
        billing_email: org.billing_email.clone(),
        owners: owners.join(", "),
    }
}

#[derive(Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

#[utoipa::path(
    get,
    path = "/organizations",
    tag = "portal",
    params(("q" = Option<String>, Query, description = "Search on name, id, owner e-mail")),
    security(("portalSession" = [])),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
    headers: HeaderMap,
    Query(search): Query<Search>,
) -> Result<Response, crate::ApiError> {
    let organizations = portal::organizations::list(&state, &search.q)
        .await?
        .iter()
        .map(|listed| row(&listed.org, &listed.owners))
        .collect();
    let (csrf, set) = session::csrf_token(&headers);
    let (t, lang) = texts::for_request(&headers);
    Ok(page(
        &ListPage {
            t,
            lang,
            admin: admin.email,
            csrf,
            query: search.q,
            organizations,
        },
        set,
    ))
}

#[utoipa::path(
    get,
    path = "/organizations/{id}",
    tag = "portal",
    params(("id" = String, Path, description = "The organization")),
    security(("portalSession" = [])),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn show(
    State(state): State<AppState>,
    admin: AdminSession,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, crate::ApiError> {
    organization_page(&state, admin, &headers, &id, None).await
}

/// The organization's page, with the result of a change just made (`Ok` a notice, `Err` what
/// was refused, answered 400).
pub(super) async fn organization_page(
    state: &AppState,
    admin: AdminSession,
    headers: &HeaderMap,
    id: &str,
    result: Option<Result<String, String>>,
) -> Result<Response, crate::ApiError> {
    let OrganizationDetails {
        org,
        owners,
        billing_sync,
        outcomes,
        sync,
        ledger,
        offers,
    } = portal::organizations::organization(state, id).await?;
    let self_hosted = state.config.mode == Mode::SelfHosted;
    let connection = billing_sync.map(|connection| ConnectionView {
        enabled: connection.enabled,
        cloud_organization_id: connection
            .config
            .as_ref()
            .map(|c| c.cloud_organization_id.to_string())
            .unwrap_or_default(),
        last_license_sync: connection
            .config
            .and_then(|c| c.last_license_sync)
            .unwrap_or_else(|| "never".to_string()),
    });
    let outcomes = outcomes
        .iter()
        .map(|outcome| OutcomeView {
            when: wire_time::from_millis(outcome.started_at),
            kind: outcome.kind.clone(),
            started_by: outcome.started_by.clone(),
            succeeded: outcome.succeeded,
            summary: summary(outcome),
        })
        .collect();
    let (csrf, set) = session::csrf_token(headers);
    let (t, lang) = texts::for_request(headers);
    let sync = sync_view(t, &sync);
    let terms =
        ledger.map(|ledger| super::billing::terms_view(&org, ledger, state.clock.now_millis()));
    let offers = offers
        .iter()
        .map(|offer| OfferView {
            friendly_name: offer.sponsorship.friendly_name.clone().unwrap_or_default(),
            offered_to: offer
                .sponsorship
                .offered_to_email
                .clone()
                .unwrap_or_default(),
            status: offer_status(t, &offer.sponsorship),
            skipped: offer.skipped.clone().unwrap_or_default(),
        })
        .collect();
    let refused = matches!(result, Some(Err(_)));
    let (notice, error) = match result {
        Some(Ok(notice)) => (Some(notice), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let mut response = page(
        &OrganizationPage {
            t,
            lang,
            admin: admin.email,
            csrf,
            org: row(&org, &owners),
            self_hosted,
            connection,
            sync,
            offers,
            outcomes,
            terms,
            notice,
            error,
        },
        set,
    );
    if refused {
        *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// *Manually Sync* (SPEC §5 step 7): the same sync as the daily job, now; the page then shows the
/// recorded outcome, which stays after a refresh.
#[utoipa::path(
    post,
    path = "/organizations/{id}/sync",
    tag = "portal",
    params(("id" = String, Path, description = "The organization")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Field `csrf`"),
    security(("portalSession" = [])),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn manually_sync(
    State(state): State<AppState>,
    admin: AdminSession,
    headers: HeaderMap,
    Path(id): Path<String>,
    super::form::PortalForm(form): super::form::PortalForm<CsrfForm>,
) -> Result<Response, crate::ApiError> {
    use axum::response::IntoResponse;
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return Ok(refused.into_response());
    }
    let outcome = portal::sync::sync_now(&state, kinwarden_app::id_in_path(&id)?).await?;
    tracing::info!(organization = %id, admin = %admin.email, succeeded = outcome.succeeded, "manual sponsorship sync");
    Ok(axum::response::Redirect::to(&format!("/admin/organizations/{id}")).into_response())
}

/// How an outcome reads in the table: the result, what it said, and its counts in words.
fn summary(outcome: &OutcomeRecord) -> String {
    let counts: Vec<String> = outcome
        .counts
        .as_deref()
        .and_then(|text| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok()
        })
        .map(|map| {
            map.iter()
                .map(|(name, value)| format!("{name} {value}"))
                .collect()
        })
        .unwrap_or_default();
    let mut parts = vec![if outcome.succeeded {
        "ok".to_string()
    } else {
        outcome.code.clone().unwrap_or_else(|| "failed".into())
    }];
    if let Some(message) = &outcome.message {
        parts.push(message.clone());
    }
    if !counts.is_empty() {
        parts.push(counts.join(", "));
    }
    parts.join(" · ")
}
