//! A cloud organization's subscription (`OrganizationSubscriptionResponseModel`): the plan, the
//! seats and the current period, read from the billing ledger, with the ledger itself.

use kinwarden_core::plans;
use kinwarden_core::subscription::EntryKind;
use kinwarden_proto::billing::{
    LedgerEntryResponse, OrganizationSubscriptionResponse, SubscriptionResponse,
};

use super::plans::plan_response;
use crate::records::{OrganizationRecord, SubscriptionPeriodRecord};
use crate::{App, AppError, wire_time};

pub async fn subscription(
    app: &App,
    org: &OrganizationRecord,
) -> Result<OrganizationSubscriptionResponse, AppError> {
    let periods = app.store.subscription_periods(org.id).await?;
    let occupied_seats = app.store.occupied_seats(org.id).await?;
    let now = app.clock.now_millis();
    let current = current_period(&periods);
    let (start, end) = match current {
        Some(period) => (Some(period.start_date), period.end_date),
        None => (Some(org.created_at), org.expiration_date),
    };
    let ended = end.is_some_and(|end| end <= now);
    Ok(OrganizationSubscriptionResponse {
        id: org.id.to_string(),
        name: org.name.clone(),
        plan_type: org.plan_type,
        plan: plans::plan(org.plan_type).map(plan_response),
        seats: org.seats,
        occupied_seats,
        enabled: org.enabled,
        expiration: org.expiration_date.map(wire_time::from_millis),
        // The license's own value, as the reference answers it (SPEC §12); the subscription
        // page derives the paid end when it is missing.
        expiration_without_grace_period: org
            .license_terms
            .as_ref()
            .and_then(|terms| terms.expiration_without_grace_period)
            .map(wire_time::from_millis),
        subscription: SubscriptionResponse {
            period_start_date: start.map(wire_time::from_millis),
            period_end_date: end.map(wire_time::from_millis),
            status: if org.enabled && !ended {
                "active"
            } else {
                "unpaid"
            }
            .to_string(),
            cancelled: false,
        },
        ledger: periods.iter().map(ledger_entry).collect(),
        object: "organizationSubscription".to_string(),
    })
}

/// The entry that opened the current period: the latest one that starts a period (a seat
/// change does not).
pub fn current_period(periods: &[SubscriptionPeriodRecord]) -> Option<&SubscriptionPeriodRecord> {
    periods
        .iter()
        .rev()
        .find(|period| EntryKind::from_name(&period.kind).is_some_and(EntryKind::starts_a_period))
}

fn ledger_entry(period: &SubscriptionPeriodRecord) -> LedgerEntryResponse {
    LedgerEntryResponse {
        id: period.id.to_string(),
        kind: period.kind.clone(),
        start_date: wire_time::from_millis(period.start_date),
        end_date: period.end_date.map(wire_time::from_millis),
        plan_type: period.plan_type,
        seats: period.seats,
        recorded_by: period.recorded_by.clone(),
        recorded_date: wire_time::from_millis(period.created_at),
        object: "subscriptionPeriod".to_string(),
    }
}
