//! A System Administrator's changes to a cloud organization's subscription in the Portal
//! (SPEC §9, §5 step 8): its terms (plan, seats, enabled, expiration) and a recorded payment for
//! a period, which is what keeps a Families organization enabled once its sponsorship has
//! ended. Each change and its ledger entries are written in one transaction.

use kinwarden_config::Mode;
use kinwarden_core::ids::{OrganizationId, SubscriptionPeriodId};
use kinwarden_core::plans;
use kinwarden_core::subscription::{self, EntryKind};

use crate::records::{OrganizationRecord, OrganizationTerms, SubscriptionPeriodRecord};
use crate::{App, AppError};

/// The terms an administrator asks for, as the Portal's form gives them.
#[derive(Debug, Clone)]
pub struct TermsRequest {
    pub plan_type: i32,
    /// None keeps the plan's base seats.
    pub seats: Option<i32>,
    pub enabled: bool,
    /// Milliseconds since the epoch; none never expires.
    pub expiration_date: Option<i64>,
}

/// The organization's ledger, oldest entry first.
pub async fn entries(
    app: &App,
    org_id: OrganizationId,
) -> Result<Vec<SubscriptionPeriodRecord>, AppError> {
    Ok(app.store.subscription_periods(org_id).await?)
}

/// Sets the terms. A new plan opens a period of it in the ledger; new seats are a seat change.
/// A refusal is an [`AppError::BadRequest`] with the text the Portal shows.
pub async fn set_terms(
    app: &App,
    org_id: OrganizationId,
    request: &TermsRequest,
    admin_email: &str,
) -> Result<(), AppError> {
    let org = cloud_organization(app, org_id).await?;
    let plan = plans::plan(request.plan_type)
        .ok_or_else(|| AppError::BadRequest("Choose one of the plans.".to_string()))?;
    let occupied = app.store.occupied_seats(org.id).await?;
    let seats = subscription::seats_on_plan(plan, request.seats, occupied)
        .map_err(|refused| AppError::BadRequest(refused.to_string()))?;
    let now = app.clock.now_millis();
    let mut entries = Vec::new();
    if plan.plan_type != org.plan_type {
        let end = subscription::period_end(plan, now);
        entries.push(entry(
            &org,
            EntryKind::PlanChange,
            plan.plan_type,
            Some(seats),
            (now, end),
            admin_email,
            now,
        ));
    } else if Some(seats) != org.seats {
        entries.push(entry(
            &org,
            EntryKind::SeatChange,
            plan.plan_type,
            Some(seats),
            (now, org.expiration_date),
            admin_email,
            now,
        ));
    }
    let terms = OrganizationTerms {
        plan_type: plan.plan_type,
        seats: Some(seats),
        enabled: request.enabled,
        expiration_date: request.expiration_date,
    };
    app.store
        .set_organization_terms(org.id, &terms, &entries, now)
        .await?;
    tracing::info!(organization = %org.id, admin = %admin_email, plan = terms.plan_type, seats = ?terms.seats, enabled = terms.enabled, "organization terms changed in the Portal");
    Ok(())
}

/// Records a payment for the period from `start` to `end` (milliseconds, `start < end`); the
/// organization is enabled and paid until at least `end`.
pub async fn record_payment(
    app: &App,
    org_id: OrganizationId,
    (start, end): (i64, i64),
    admin_email: &str,
) -> Result<(), AppError> {
    let org = cloud_organization(app, org_id).await?;
    if start >= end {
        return Err(AppError::BadRequest(
            "A payment needs a start and a later end.".to_string(),
        ));
    }
    let now = app.clock.now_millis();
    let paid = entry(
        &org,
        EntryKind::PaymentRecorded,
        org.plan_type,
        org.seats,
        (start, Some(end)),
        admin_email,
        now,
    );
    app.store.record_payment(&paid, now).await?;
    tracing::info!(organization = %org.id, admin = %admin_email, "payment recorded in the Portal");
    Ok(())
}

/// The organization, on a cloud; a self-hosted server has no ledger to change.
async fn cloud_organization(
    app: &App,
    org_id: OrganizationId,
) -> Result<OrganizationRecord, AppError> {
    if app.config.mode != Mode::Cloud {
        return Err(AppError::NotFound);
    }
    app.store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)
}

fn entry(
    org: &OrganizationRecord,
    kind: EntryKind,
    plan_type: i32,
    seats: Option<i32>,
    (start, end): (i64, Option<i64>),
    admin_email: &str,
    now: i64,
) -> SubscriptionPeriodRecord {
    SubscriptionPeriodRecord {
        id: SubscriptionPeriodId::new(),
        organization_id: org.id,
        kind: kind.name().to_string(),
        start_date: start,
        end_date: end,
        plan_type,
        seats,
        recorded_by: Some(format!("admin:{admin_email}")),
        created_at: now,
    }
}
