//! The billing ledger's rules (SPEC §5 step 1): what kinds of entries exist, how long a period
//! lasts, and which seat changes a plan allows. There is no card processor; an entry records
//! what was agreed, and the organization's seats and expiration follow it.

use chrono::{DateTime, Months, Utc};

use crate::plans::{Period, Plan};

/// Why a ledger entry was written. Stored and sent by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The first period, written with the organization.
    Initial,
    /// The next period of the same plan.
    Renewal,
    /// Seats changed within the current period.
    SeatChange,
    /// The organization moved to another plan.
    PlanChange,
    /// A system administrator recorded a payment for a period.
    PaymentRecorded,
    /// A Families organization is sponsored by an Enterprise member until the period's end.
    Sponsored,
    /// A sponsorship ended: the organization is back on its own plan, unpaid (SPEC §5 step 8).
    SponsorshipEnded,
}

impl EntryKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Renewal => "renewal",
            Self::SeatChange => "seatChange",
            Self::PlanChange => "planChange",
            Self::PaymentRecorded => "paymentRecorded",
            Self::Sponsored => "sponsored",
            Self::SponsorshipEnded => "sponsorshipEnded",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Initial,
            Self::Renewal,
            Self::SeatChange,
            Self::PlanChange,
            Self::PaymentRecorded,
            Self::Sponsored,
            Self::SponsorshipEnded,
        ]
        .into_iter()
        .find(|kind| kind.name() == name)
    }

    /// Whether the entry opens a billing period; a seat change only changes the current one.
    pub fn starts_a_period(self) -> bool {
        self != Self::SeatChange
    }
}

/// Whether a payment recorded in the ledger covers `now_ms`: what keeps a Families organization
/// enabled once its sponsorship has ended (SPEC §5 step 8). Entries are `(kind, start, end)`.
pub fn paid_at(entries: &[(EntryKind, i64, Option<i64>)], now_ms: i64) -> bool {
    entries.iter().any(|(kind, start, end)| {
        *kind == EntryKind::PaymentRecorded
            && *start <= now_ms
            && end.is_none_or(|end| now_ms < end)
    })
}

/// The end of a period of `plan` starting at `start_ms`, or `None` for an open-ended one.
pub fn period_end(plan: &Plan, start_ms: i64) -> Option<i64> {
    let months = match plan.period {
        Period::None => return None,
        Period::Monthly => Months::new(1),
        Period::Annual => Months::new(12),
    };
    DateTime::<Utc>::from_timestamp_millis(start_ms)
        .and_then(|start| start.checked_add_months(months))
        .map(|end| end.timestamp_millis())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatError {
    #[error("Plan does not allow additional seats.")]
    NoAdditionalSeats,
    #[error("Cannot adjust seats by zero.")]
    Zero,
    #[error("Plan has a minimum of {0} seats.")]
    BelowBase(i32),
    #[error("You must have at least 1 seat.")]
    NoSeats,
    #[error("Plan allows a maximum of {0} seats.")]
    AboveMax(i32),
    #[error(
        "Your organization currently has {occupied} seats filled. Your new plan only has ({seats}) seats. Remove some users."
    )]
    Occupied { occupied: i64, seats: i32 },
}

/// The seats after adding `adjustment` (negative removes) to `current`, with `occupied` seats
/// taken by invited, accepted and confirmed members. The messages are Bitwarden's.
pub fn adjust_seats(
    plan: &Plan,
    current: i32,
    adjustment: i32,
    occupied: i64,
) -> Result<i32, SeatError> {
    if !plan.has_additional_seats_option {
        return Err(SeatError::NoAdditionalSeats);
    }
    if adjustment == 0 {
        return Err(SeatError::Zero);
    }
    let seats = current.saturating_add(adjustment);
    if seats < plan.base_seats {
        return Err(SeatError::BelowBase(plan.base_seats));
    }
    if seats < 1 {
        return Err(SeatError::NoSeats);
    }
    if let Some(max) = plan.max_seats.filter(|max| seats > *max) {
        return Err(SeatError::AboveMax(max));
    }
    if occupied > i64::from(seats) {
        return Err(SeatError::Occupied { occupied, seats });
    }
    Ok(seats)
}

/// The seats an organization gets when a system administrator puts it on `plan` with `seats`
/// (SPEC §9 Portal, cloud): a plan without additional seats has its base seats; otherwise the
/// plan's bounds apply, and the members already there must fit.
pub fn seats_on_plan(plan: &Plan, seats: Option<i32>, occupied: i64) -> Result<i32, SeatError> {
    let seats = if plan.has_additional_seats_option {
        seats.unwrap_or(plan.base_seats)
    } else {
        plan.base_seats
    };
    if seats < plan.base_seats {
        return Err(SeatError::BelowBase(plan.base_seats));
    }
    if seats < 1 {
        return Err(SeatError::NoSeats);
    }
    if let Some(max) = plan.max_seats.filter(|max| seats > *max) {
        return Err(SeatError::AboveMax(max));
    }
    if occupied > i64::from(seats) {
        return Err(SeatError::Occupied { occupied, seats });
    }
    Ok(seats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plans::plan;

    #[test]
    fn a_system_administrator_puts_an_organization_on_a_plan_within_its_bounds() {
        let families = plan(22).expect("families");
        assert_eq!(
            seats_on_plan(families, Some(40), 2),
            Ok(families.base_seats),
            "Families has its base seats"
        );
        let enterprise = plan(20).expect("enterprise");
        assert_eq!(seats_on_plan(enterprise, Some(12), 3), Ok(12));
        assert_eq!(
            seats_on_plan(enterprise, Some(0), 0),
            Err(SeatError::NoSeats)
        );
        assert_eq!(
            seats_on_plan(enterprise, Some(2), 3),
            Err(SeatError::Occupied {
                occupied: 3,
                seats: 2
            })
        );
        let families_full = seats_on_plan(families, None, 7);
        assert!(matches!(families_full, Err(SeatError::Occupied { .. })));
    }

    fn millis(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .expect("date")
            .timestamp_millis()
    }

    #[test]
    fn only_a_recorded_payment_covering_now_counts_as_paid() {
        let now = millis("2027-01-01T00:00:00Z");
        let year_ago = millis("2026-01-01T00:00:00Z");
        let in_a_year = millis("2028-01-01T00:00:00Z");
        assert!(!paid_at(&[], now));
        assert!(!paid_at(
            &[
                (EntryKind::Initial, year_ago, Some(in_a_year)),
                (EntryKind::Sponsored, year_ago, Some(in_a_year)),
            ],
            now
        ));
        assert!(paid_at(
            &[(EntryKind::PaymentRecorded, year_ago, Some(in_a_year))],
            now
        ));
        assert!(!paid_at(
            &[(EntryKind::PaymentRecorded, year_ago, Some(now))],
            now
        ));
        assert!(!paid_at(
            &[(EntryKind::PaymentRecorded, in_a_year, None)],
            now
        ));
    }

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in [
            EntryKind::Initial,
            EntryKind::Renewal,
            EntryKind::SeatChange,
            EntryKind::PlanChange,
            EntryKind::SponsorshipEnded,
            EntryKind::PaymentRecorded,
        ] {
            assert_eq!(EntryKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(EntryKind::from_name("refund"), None);
        assert!(!EntryKind::SeatChange.starts_a_period());
        assert!(EntryKind::Initial.starts_a_period());
    }

    #[test]
    fn periods_last_a_month_a_year_or_forever() {
        let start = millis("2026-01-31T10:00:00Z");
        let monthly = plan(19).expect("enterprise monthly");
        let annual = plan(20).expect("enterprise annual");
        assert_eq!(
            period_end(monthly, start),
            Some(millis("2026-02-28T10:00:00Z")),
            "a month from the 31st ends on the last day of a shorter month"
        );
        assert_eq!(
            period_end(annual, start),
            Some(millis("2027-01-31T10:00:00Z"))
        );
        assert_eq!(period_end(plan(0).expect("free"), start), None);
        assert_eq!(
            period_end(plan(22).expect("families"), start),
            Some(millis("2027-01-31T10:00:00Z"))
        );
    }

    #[test]
    fn seat_changes_on_teams_and_enterprise() {
        let teams = plan(17).expect("teams");
        assert_eq!(adjust_seats(teams, 5, 3, 2), Ok(8));
        assert_eq!(adjust_seats(teams, 5, -4, 1), Ok(1));
        assert_eq!(adjust_seats(teams, 5, -5, 0), Err(SeatError::NoSeats));
        assert_eq!(adjust_seats(teams, 5, 0, 0), Err(SeatError::Zero));
        assert_eq!(
            adjust_seats(teams, 5, -3, 3),
            Err(SeatError::Occupied {
                occupied: 3,
                seats: 2
            })
        );
        let enterprise = plan(20).expect("enterprise");
        assert_eq!(adjust_seats(enterprise, 10, -9, 1), Ok(1));
        assert_eq!(
            adjust_seats(enterprise, 10, -10, 1),
            Err(SeatError::NoSeats)
        );
    }

    #[test]
    fn free_and_families_cannot_change_seats() {
        for plan_type in [0, 22] {
            let fixed = plan(plan_type).expect("plan");
            assert_eq!(
                adjust_seats(fixed, fixed.base_seats, 1, 0),
                Err(SeatError::NoAdditionalSeats)
            );
        }
    }

    #[test]
    fn the_occupied_message_is_bitwardens() {
        let message = SeatError::Occupied {
            occupied: 4,
            seats: 2,
        }
        .to_string();
        assert_eq!(
            message,
            "Your organization currently has 4 seats filled. Your new plan only has (2) seats. Remove some users."
        );
    }
}
