//! The Portal's organizations: a searchable list, and one organization with, on a self-hosted
//! server, its Connections section and the recorded exchanges with the cloud (SPEC §6).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kinwarden_config::Mode;
use kinwarden_core::members::MemberType;
use kinwarden_proto::connections::BillingSyncConfig;
use kinwarden_store::{OrganizationRecord, SponsorshipRecord};
use serde::Deserialize;

use super::pages::page;
use super::session::{self, AdminSession};
use super::texts;
use crate::console::i18n::Texts;
use crate::routes::connections::BILLING_SYNC;
use crate::state::AppState;
use kinwarden_app::sponsorships::sync_status::SyncStatus;
use kinwarden_app::wire_time;

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
#[template(path = "admin/organizations.html")]
struct ListPage {
    t: &'static Texts,
    lang: &'static str,
    admin: String,
    csrf: String,
    query: String,
    organizations: Vec<OrgRow>,
}

#[derive(Template)]
#[template(path = "admin/organization.html")]
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

async fn offers_of(
    state: &AppState,
    t: &'static Texts,
    org_id: &str,
) -> Result<Vec<OfferView>, crate::ApiError> {
    let skips = state.store.sync_skips_of_organization(org_id).await?;
    Ok(state
        .store
        .sponsorships_of_organization(org_id)
        .await?
        .iter()
        .map(|row| OfferView {
            friendly_name: row.friendly_name.clone().unwrap_or_default(),
            offered_to: row.offered_to_email.clone().unwrap_or_default(),
            status: offer_status(t, row),
            skipped: skips
                .get(&row.sponsoring_organization_user_id)
                .cloned()
                .unwrap_or_default(),
        })
        .collect())
}

fn plan_name(plan_type: i32) -> String {
    kinwarden_core::plans::PLANS
        .iter()
        .find(|plan| plan.plan_type == plan_type)
        .map_or_else(|| format!("plan {plan_type}"), |plan| plan.name.to_string())
}

/// The owners of one organization, for its own page.
async fn owners_of(state: &AppState, org_id: &str) -> Result<Vec<String>, crate::ApiError> {
    Ok(state
        .store
        .members(org_id)
        .await?
        .into_iter()
        .filter(|m| m.member.member_type == MemberType::Owner.code())
        .filter_map(|m| m.user_email.or(m.member.email))
        .collect())
}

fn row(org: &OrganizationRecord, owners: &[String]) -> OrgRow {
    OrgRow {
        id: org.id.clone(),
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
    let needle = search.q.trim().to_lowercase();
    // Every organization's owners in one query, not one query per row.
    let mut owners: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (org_id, email) in state.store.owner_emails().await? {
        owners.entry(org_id).or_default().push(email);
    }
    let mut organizations = Vec::new();
    for org in state.store.all_organizations().await? {
        let row = row(&org, owners.get(&org.id).map_or(&[][..], Vec::as_slice));
        let matches = needle.is_empty()
            || row.name.to_lowercase().contains(&needle)
            || row.id.contains(&needle)
            || row.owners.to_lowercase().contains(&needle);
        if matches {
            organizations.push(row);
        }
    }
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
    let org = state
        .store
        .organization(id)
        .await?
        .ok_or(crate::ApiError::NotFound)?;
    let self_hosted = state.config.mode == Mode::SelfHosted;
    let connection = state
        .store
        .connections_of(&org.id, BILLING_SYNC)
        .await?
        .into_iter()
        .next()
        .map(|record| {
            let config: Option<BillingSyncConfig> = record
                .config
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok());
            ConnectionView {
                enabled: record.enabled,
                cloud_organization_id: config
                    .as_ref()
                    .map(|c| c.cloud_organization_id.clone())
                    .unwrap_or_default(),
                last_license_sync: config
                    .and_then(|c| c.last_license_sync)
                    .unwrap_or_else(|| "never".to_string()),
            }
        });
    let mut outcomes = Vec::new();
    for kind in ["sponsorship-sync", "license-sync"] {
        for outcome in state.store.recent_outcomes(&org.id, kind, 10).await? {
            let summary = summary(&outcome);
            outcomes.push((
                outcome.started_at,
                OutcomeView {
                    when: wire_time::from_millis(outcome.started_at),
                    kind: outcome.kind,
                    started_by: outcome.started_by,
                    succeeded: outcome.succeeded,
                    summary,
                },
            ));
        }
    }
    outcomes.sort_by_key(|(started_at, _)| std::cmp::Reverse(*started_at));
    let (csrf, set) = session::csrf_token(headers);
    let (t, lang) = texts::for_request(headers);
    let sync = sync_view(t, &SyncStatus::load(state, &org.id).await?);
    let terms = if self_hosted {
        None
    } else {
        Some(super::billing::terms_view(state, &org).await?)
    };
    let refused = matches!(result, Some(Err(_)));
    let (notice, error) = match result {
        Some(Ok(notice)) => (Some(notice), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let offers = if self_hosted {
        offers_of(state, t, &org.id).await?
    } else {
        Vec::new()
    };
    let owners = owners_of(state, &org.id).await?;
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
            outcomes: outcomes.into_iter().map(|(_, view)| view).collect(),
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
    let org = state
        .store
        .organization(&id)
        .await?
        .ok_or(crate::ApiError::NotFound)?;
    let link = state.cloud.as_deref().ok_or(crate::ApiError::NotFound)?;
    let deps = kinwarden_app::sponsorships::self_hosted_sync::SyncDeps {
        config: &state.config,
        store: &state.store,
        link,
        clock: state.clock.as_ref(),
        metrics: state.metrics.as_deref(),
    };
    let outcome = kinwarden_app::sponsorships::self_hosted_sync::sync_organization(
        &deps,
        &org.id,
        "portal",
        &mut |_, _| {},
    )
    .await?;
    tracing::info!(organization = %org.id, admin = %admin.email, succeeded = outcome.succeeded, "manual sponsorship sync");
    Ok(axum::response::Redirect::to(&format!("/admin/organizations/{}", org.id)).into_response())
}

/// How an outcome reads in the table: the result, what it said, and its counts in words.
fn summary(outcome: &kinwarden_store::OutcomeRecord) -> String {
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
