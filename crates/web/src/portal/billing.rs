//! A cloud organization's subscription in the Portal (SPEC §9, §5 step 8): the ledger, and a
//! system administrator's two changes — the terms (plan, seats, enabled, expiration) and a
//! recorded payment for a period, which is what keeps a Families organization enabled once its
//! sponsorship has ended. There is no card processor.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kinwarden_app::AppError;
use kinwarden_app::billing::ledger::{self, TermsRequest};
use kinwarden_app::records::{OrganizationRecord, SubscriptionPeriodRecord};
use kinwarden_config::Mode;
use kinwarden_core::plans::{self, PLANS};
use serde::Deserialize;

use super::organizations::organization_page;
use super::session::{self, AdminSession};
use crate::http::error::ApiError;
use crate::http::state::AppState;

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

/// The subscription section of the organization's page, from its ledger (oldest entry first).
pub fn terms_view(
    org: &OrganizationRecord,
    ledger: Vec<SubscriptionPeriodRecord>,
    now_ms: i64,
) -> TermsView {
    let ledger = ledger
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
    TermsView {
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
        today: day(Some(now_ms)),
        ledger,
    }
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

/// The ledger is a cloud's: on a self-hosted server these forms are not there.
fn cloud_only(state: &AppState) -> Result<(), ApiError> {
    if state.config.mode == Mode::Cloud {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A use-case's refusal as the page shows it; anything else fails the request.
fn shown(result: Result<String, AppError>) -> Result<Result<String, String>, ApiError> {
    match result {
        Ok(notice) => Ok(Ok(notice)),
        Err(AppError::BadRequest(refused)) => Ok(Err(refused)),
        Err(err) => Err(err.into()),
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
    cloud_only(&state)?;
    let result = match terms_request(&form) {
        Ok(request) => shown(
            ledger::set_terms(
                &state,
                kinwarden_app::id_in_path(&id)?,
                &request,
                &admin.email,
            )
            .await
            .map(|()| "The organization's terms are saved.".to_string()),
        )?,
        Err(refused) => Err(refused),
    };
    organization_page(&state, admin, &headers, &id, Some(result)).await
}

/// The form's fields as typed terms, or what is wrong with them.
fn terms_request(form: &TermsForm) -> Result<TermsRequest, String> {
    let Some(plan) = form.plan_type.trim().parse().ok().and_then(plans::plan) else {
        return Err("Choose one of the plans.".to_string());
    };
    let seats = match form.seats.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(seats) => Some(seats),
            Err(_) => return Err("Seats: expected a whole number.".to_string()),
        },
    };
    Ok(TermsRequest {
        plan_type: plan.plan_type,
        seats,
        enabled: form.enabled.is_some(),
        expiration_date: parse_day("Expiration", &form.expiration)?,
    })
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
    cloud_only(&state)?;
    let period = match (parse_day("Start", &form.start), parse_day("End", &form.end)) {
        (Ok(Some(start)), Ok(Some(end))) if start < end => Ok((start, end)),
        (Err(refused), _) | (_, Err(refused)) => Err(refused),
        _ => Err("A payment needs a start and a later end.".to_string()),
    };
    let result = match period {
        Ok((start, end)) => shown(
            ledger::record_payment(
                &state,
                kinwarden_app::id_in_path(&id)?,
                (start, end),
                &admin.email,
            )
            .await
            .map(|()| format!("Payment recorded until {}.", day(Some(end)))),
        )?,
        Err(refused) => Err(refused),
    };
    organization_page(&state, admin, &headers, &id, Some(result)).await
}
