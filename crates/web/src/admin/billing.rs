//! A cloud organization's subscription in the Portal (SPEC §9, §5 step 8): the ledger, and a
//! system administrator's two changes — the terms (plan, seats, enabled, expiration) and a
//! recorded payment for a period, which is what keeps a Families organization enabled once its
//! sponsorship has ended. There is no card processor.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kinwarden_config::Mode;
use kinwarden_core::plans::{self, PLANS};
use kinwarden_core::subscription::{self, EntryKind};
use kinwarden_store::{OrganizationRecord, OrganizationTerms, SubscriptionPeriodRecord};
use serde::Deserialize;

use super::organizations::organization_page;
use super::session::{self, AdminSession};
use crate::error::ApiError;
use crate::state::AppState;

/// One ledger entry as the Portal lists it.
pub struct EntryView {
    pub kind: String,
    pub start: String,
    pub end: String,
    pub plan: String,
    pub seats: String,
    pub recorded_by: String,
}

/// The subscription section of a cloud organization's page.
pub struct TermsView {
    /// Every plan: (plan type, name, selected).
    pub plans: Vec<(i32, String, bool)>,
    pub seats: String,
    pub expiration: String,
    pub today: String,
    pub ledger: Vec<EntryView>,
}

fn day(ms: Option<i64>) -> String {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map(|time| time.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn plan_label(plan_type: i32) -> String {
    plans::plan(plan_type).map_or_else(|| format!("plan {plan_type}"), |plan| plan.name.to_string())
}

pub async fn terms_view(state: &AppState, org: &OrganizationRecord) -> Result<TermsView, ApiError> {
    let ledger = state
        .store
        .subscription_periods(&org.id)
        .await?
        .into_iter()
        .rev()
        .map(|entry| EntryView {
            kind: entry.kind,
            start: day(Some(entry.start_date)),
            end: entry
                .end_date
                .map_or_else(|| "open".to_string(), |end| day(Some(end))),
            plan: plan_label(entry.plan_type),
            seats: entry.seats.map(|s| s.to_string()).unwrap_or_default(),
            recorded_by: entry
                .recorded_by
                .unwrap_or_else(|| "the system".to_string()),
        })
        .collect();
    Ok(TermsView {
        plans: PLANS
            .iter()
            .map(|plan| {
                (
                    plan.plan_type,
                    plan.name.to_string(),
                    plan.plan_type == org.plan_type,
                )
            })
            .collect(),
        seats: org.seats.map(|s| s.to_string()).unwrap_or_default(),
        expiration: day(org.expiration_date),
        today: day(Some(state.clock.now_millis())),
        ledger,
    })
}

/// A date field (`YYYY-MM-DD`) as the start of that day, UTC; empty is none.
fn parse_day(field: &str, text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| Some(time.and_utc().timestamp_millis()))
        .ok_or_else(|| format!("{field}: expected a date as YYYY-MM-DD"))
}

async fn cloud_org(state: &AppState, id: &str) -> Result<OrganizationRecord, ApiError> {
    if state.config.mode != Mode::Cloud {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .organization(id)
        .await?
        .ok_or(ApiError::NotFound)
}

fn entry(
    org: &OrganizationRecord,
    kind: EntryKind,
    plan_type: i32,
    seats: Option<i32>,
    (start, end): (i64, Option<i64>),
    admin: &AdminSession,
    now: i64,
) -> SubscriptionPeriodRecord {
    SubscriptionPeriodRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org.id.clone(),
        kind: kind.name().to_string(),
        start_date: start,
        end_date: end,
        plan_type,
        seats,
        recorded_by: Some(format!("admin:{}", admin.email)),
        created_at: now,
    }
}

#[derive(Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    plan_type: String,
    #[serde(default)]
    seats: String,
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    expiration: String,
}

/// `POST /admin/organizations/{id}/terms`: plan, seats, enabled and expiration. A new plan opens
/// a period of it in the ledger; new seats are a seat change.
#[utoipa::path(
    post,
    path = "/organizations/{id}/terms",
    tag = "portal",
    params(("id" = String, Path, description = "The organization")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Fields `csrf`, `plan_type`, `seats`, `enabled`, `expiration`"),
    security(("portalSession" = [])),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn set_terms(
    State(state): State<AppState>,
    admin: AdminSession,
    headers: HeaderMap,
    Path(id): Path<String>,
    super::form::PortalForm(form): super::form::PortalForm<TermsForm>,
) -> Result<Response, ApiError> {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return Ok(refused.into_response());
    }
    let org = cloud_org(&state, &id).await?;
    let result = decide_terms(&state, &org, &form, &admin).await?;
    let result = match result {
        Ok((terms, entries)) => {
            let now = state.clock.now_millis();
            state
                .store
                .set_organization_terms(&org.id, &terms, &entries, now)
                .await?;
            tracing::info!(organization = %org.id, admin = %admin.email, plan = terms.plan_type, seats = ?terms.seats, enabled = terms.enabled, "organization terms changed in the Portal");
            Ok("The organization's terms are saved.".to_string())
        }
        Err(refused) => Err(refused),
    };
    organization_page(&state, admin, &headers, &org.id, Some(result)).await
}

type Decision = Result<(OrganizationTerms, Vec<SubscriptionPeriodRecord>), String>;

async fn decide_terms(
    state: &AppState,
    org: &OrganizationRecord,
    form: &TermsForm,
    admin: &AdminSession,
) -> Result<Decision, ApiError> {
    let Some(plan) = form.plan_type.trim().parse().ok().and_then(plans::plan) else {
        return Ok(Err("Choose one of the plans.".to_string()));
    };
    let wanted_seats = match form.seats.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(seats) => Some(seats),
            Err(_) => return Ok(Err("Seats: expected a whole number.".to_string())),
        },
    };
    let expiration = match parse_day("Expiration", &form.expiration) {
        Ok(expiration) => expiration,
        Err(refused) => return Ok(Err(refused)),
    };
    let occupied = state.store.occupied_seats(&org.id).await?;
    let seats = match subscription::seats_on_plan(plan, wanted_seats, occupied) {
        Ok(seats) => seats,
        Err(refused) => return Ok(Err(refused.to_string())),
    };
    let now = state.clock.now_millis();
    let mut entries = Vec::new();
    if plan.plan_type != org.plan_type {
        let end = subscription::period_end(plan, now);
        entries.push(entry(
            org,
            EntryKind::PlanChange,
            plan.plan_type,
            Some(seats),
            (now, end),
            admin,
            now,
        ));
    } else if Some(seats) != org.seats {
        entries.push(entry(
            org,
            EntryKind::SeatChange,
            plan.plan_type,
            Some(seats),
            (now, org.expiration_date),
            admin,
            now,
        ));
    }
    Ok(Ok((
        OrganizationTerms {
            plan_type: plan.plan_type,
            seats: Some(seats),
            enabled: form.enabled.is_some(),
            expiration_date: expiration,
        },
        entries,
    )))
}

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

/// `POST /admin/organizations/{id}/payment`: a payment for the period from `start` to `end`; the
/// organization is enabled and paid until at least `end`.
#[utoipa::path(
    post,
    path = "/organizations/{id}/payment",
    tag = "portal",
    params(("id" = String, Path, description = "The organization")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Fields `csrf`, `start`, `end`"),
    security(("portalSession" = [])),
    responses(crate::openapi::PortalAnswers)
)]
pub async fn record_payment(
    State(state): State<AppState>,
    admin: AdminSession,
    headers: HeaderMap,
    Path(id): Path<String>,
    super::form::PortalForm(form): super::form::PortalForm<PaymentForm>,
) -> Result<Response, ApiError> {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return Ok(refused.into_response());
    }
    let org = cloud_org(&state, &id).await?;
    let period = match (parse_day("Start", &form.start), parse_day("End", &form.end)) {
        (Ok(Some(start)), Ok(Some(end))) if start < end => Ok((start, end)),
        (Err(refused), _) | (_, Err(refused)) => Err(refused),
        _ => Err("A payment needs a start and a later end.".to_string()),
    };
    let result = match period {
        Ok((start, end)) => {
            let now = state.clock.now_millis();
            let paid = entry(
                &org,
                EntryKind::PaymentRecorded,
                org.plan_type,
                org.seats,
                (start, Some(end)),
                &admin,
                now,
            );
            state.store.record_payment(&paid, now).await?;
            tracing::info!(organization = %org.id, admin = %admin.email, "payment recorded in the Portal");
            Ok(format!("Payment recorded until {}.", day(Some(end))))
        }
        Err(refused) => Err(refused),
    };
    organization_page(&state, admin, &headers, &org.id, Some(result)).await
}
