//! An owner's seat change (`POST …/subscription`), recorded in the ledger for the rest of the
//! current period. Seat rules and messages are Bitwarden's (`core::subscription::adjust_seats`).

use kinwarden_config::Mode;
use kinwarden_core::ids::SubscriptionPeriodId;
use kinwarden_core::plans;
use kinwarden_core::subscription::{EntryKind, adjust_seats};
use kinwarden_proto::billing::{OrganizationSubscriptionResponse, SeatAdjustmentRequest};
use kinwarden_store::StoreError;

use super::subscription::{current_period, subscription};
use crate::organizations::access::OrgAccess;
use crate::records::SubscriptionPeriodRecord;
use crate::{App, AppError};

pub const CLOUD_ONLY: &str = "Only allowed when not self hosted.";

/// Changes the seats by the request's adjustment; the answer is the subscription afterwards.
pub async fn adjust(
    app: &App,
    access: &OrgAccess,
    request: &SeatAdjustmentRequest,
) -> Result<OrganizationSubscriptionResponse, AppError> {
    if app.config.mode == Mode::SelfHosted {
        return Err(AppError::BadRequest(CLOUD_ONLY.into()));
    }
    let org = &access.org;
    let plan = plans::plan(org.plan_type)
        .ok_or_else(|| AppError::BadRequest("Plan does not allow additional seats.".into()))?;
    let occupied = app.store.occupied_seats(org.id).await?;
    let current = org.seats.unwrap_or(plan.base_seats);
    let seats = adjust_seats(plan, current, request.seat_adjustment, occupied)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let now = app.clock.now_millis();
    // The change lasts for the rest of the current period.
    let periods = app.store.subscription_periods(org.id).await?;
    let current_end = current_period(&periods).and_then(|period| period.end_date);
    let entry = SubscriptionPeriodRecord {
        id: SubscriptionPeriodId::new(),
        organization_id: org.id,
        kind: EntryKind::SeatChange.name().to_string(),
        start_date: now,
        end_date: current_end,
        plan_type: org.plan_type,
        seats: Some(seats),
        recorded_by: access.membership.user_id.map(|id| id.to_string()),
        created_at: now,
    };
    // Changes the organization only if its seats are still what was read above, so two
    // concurrent changes cannot lose one unrecorded.
    match app.store.change_seats(org.seats, &entry).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => {
            return Err(AppError::BadRequest(
                "The seats changed meanwhile; reload and try again.".into(),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    tracing::info!(organization = %org.id, seats, "seats changed");
    let updated = app
        .store
        .organization(org.id)
        .await?
        .ok_or(AppError::NotFound)?;
    subscription(app, &updated).await
}
