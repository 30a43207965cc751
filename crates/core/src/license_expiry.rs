//! Grace and expiry on a self-hosted server (SPEC §12, reference §7): `Expires` is the one date
//! enforced; the paid end (`ExpirationWithoutGracePeriod`) is shown beside it. Owners are warned
//! by a banner and by e-mails 30, 7 and 1 days before `Expires`, and an opted-in server fetches
//! a fresh license while fewer than 30 days are left. Pure rules over dates; the use-cases read
//! the clock and the store.

use chrono::{DateTime, Duration, Utc};

/// The grace a cloud adds to an annual plan's period end to make `Expires` (reference §7).
pub const GRACE_DAYS: i64 = 60;

/// From this many days before `Expires` the subscription page warns and an opted-in server
/// refreshes the license daily.
pub const WARN_DAYS: i64 = 30;

/// The days before `Expires` on which owners get an e-mail, largest first.
pub const NOTICE_DAYS: [i64; 3] = [30, 7, 1];

/// The paid end the subscription page shows: `ExpirationWithoutGracePeriod` when the license
/// has it, else `Expires` for a trial and `Expires` less the grace otherwise (the reference's
/// `OrganizationSubscriptionResponseModel`).
pub fn paid_end(
    expires: DateTime<Utc>,
    trial: bool,
    without_grace: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    without_grace.unwrap_or_else(|| {
        if trial {
            expires
        } else {
            expires - Duration::days(GRACE_DAYS)
        }
    })
}

/// Whole days left until `expires`, counting a started day as a day (23 hours left is 1 day);
/// zero or less once it has passed.
pub fn days_left(expires: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let left = expires - now;
    if left <= Duration::zero() {
        return 0;
    }
    let whole = left.num_days();
    if left > Duration::days(whole) {
        whole + 1
    } else {
        whole
    }
}

/// What the subscription page warns of, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// `Expires` has passed: the organization is (or will be at the next validation) disabled.
    Expired,
    /// The paid end has passed and the license still holds until `Expires`.
    InGrace { days_left: i64 },
    /// Fewer than [`WARN_DAYS`] days before `Expires`, still within the paid period.
    ExpiresSoon { days_left: i64 },
}

/// The banner for a license with these dates, now; none while more than [`WARN_DAYS`] days are
/// left and the paid period lasts.
pub fn warning(
    expires: DateTime<Utc>,
    paid_end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Warning> {
    let days_left = days_left(expires, now);
    if days_left == 0 {
        Some(Warning::Expired)
    } else if now >= paid_end {
        Some(Warning::InGrace { days_left })
    } else if expires - now < Duration::days(WARN_DAYS) {
        Some(Warning::ExpiresSoon { days_left })
    } else {
        None
    }
}

/// The e-mail due now, if any: the nearest of [`NOTICE_DAYS`] that has been reached and not yet
/// sent for this `Expires`. A notice missed while the server was down is not sent late once a
/// nearer one is due, so owners never get two at once.
pub fn notice_due(expires: DateTime<Utc>, now: DateTime<Utc>, sent: &[i64]) -> Option<i64> {
    let left = days_left(expires, now);
    if left == 0 {
        return None;
    }
    NOTICE_DAYS
        .iter()
        .copied()
        .filter(|days| left <= *days)
        .min()
        .filter(|days| !sent.contains(days))
}

/// Whether an opted-in server fetches a fresh license now: fewer than [`WARN_DAYS`] days left,
/// or already expired (a fresh license from a renewed subscription enables the organization
/// again).
pub fn refresh_due(expires: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires - now < Duration::days(WARN_DAYS)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn at(days: i64, hours: i64) -> DateTime<Utc> {
        let start = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        start + Duration::days(days) + Duration::hours(hours)
    }

    #[test]
    fn the_paid_end_is_the_license_s_or_expires_less_the_grace() {
        let expires = at(100, 0);
        assert_eq!(paid_end(expires, false, Some(at(40, 0))), at(40, 0));
        assert_eq!(paid_end(expires, false, None), at(40, 0));
        assert_eq!(paid_end(expires, true, None), expires);
    }

    #[test]
    fn days_left_counts_a_started_day() {
        let expires = at(10, 0);
        let table = [
            (at(0, 0), 10),
            (at(0, 1), 10),
            (at(9, 1), 1),
            (at(9, 23), 1),
            (at(10, 0), 0),
            (at(11, 0), 0),
        ];
        for (now, left) in table {
            assert_eq!(days_left(expires, now), left, "{now}");
        }
    }

    #[test]
    fn the_banner_shows_in_the_grace_and_in_the_last_thirty_days() {
        let expires = at(100, 0);
        let paid = at(40, 0);
        let table = [
            (at(0, 0), None),
            (at(39, 0), None),
            (at(40, 0), Some(Warning::InGrace { days_left: 60 })),
            (at(99, 12), Some(Warning::InGrace { days_left: 1 })),
            (at(100, 0), Some(Warning::Expired)),
        ];
        for (now, expected) in table {
            assert_eq!(warning(expires, paid, now), expected, "{now}");
        }
        // A trial (paid end = Expires) warns in its last thirty days only.
        assert_eq!(warning(expires, expires, at(70, 0)), None);
        assert_eq!(
            warning(expires, expires, at(70, 1)),
            Some(Warning::ExpiresSoon { days_left: 30 })
        );
    }

    #[test]
    fn notices_come_at_thirty_seven_and_one_day_once_each() {
        let expires = at(100, 0);
        let table: [(DateTime<Utc>, &[i64], Option<i64>); 9] = [
            (at(60, 0), &[], None),
            (at(70, 0), &[], Some(30)),
            (at(70, 1), &[], Some(30)),
            (at(71, 0), &[30], None),
            (at(93, 0), &[30], Some(7)),
            (at(94, 0), &[30, 7], None),
            (at(99, 1), &[30, 7], Some(1)),
            // Down from day 60 to day 95: the 7-day notice, not the missed 30-day one.
            (at(95, 0), &[], Some(7)),
            (at(100, 0), &[], None),
        ];
        for (now, sent, expected) in table {
            assert_eq!(notice_due(expires, now, sent), expected, "{now} {sent:?}");
        }
    }

    #[test]
    fn refresh_is_due_inside_thirty_days_and_after_expiry() {
        let expires = at(100, 0);
        assert!(!refresh_due(expires, at(70, 0)));
        assert!(refresh_due(expires, at(70, 1)));
        assert!(refresh_due(expires, at(120, 0)));
    }

    proptest! {
        /// Run daily from any start, the job sends each notice at most once and never more than
        /// three in all, and the last one, when reached, is the one-day notice.
        #[test]
        fn a_daily_job_sends_each_notice_at_most_once(start in 0i64..200, hour in 0i64..24) {
            let expires = at(200, 0);
            let mut sent: Vec<i64> = Vec::new();
            for day in start..=200 {
                if let Some(days) = notice_due(expires, at(day, hour), &sent) {
                    prop_assert!(!sent.contains(&days));
                    sent.push(days);
                }
            }
            prop_assert!(sent.len() <= NOTICE_DAYS.len());
            if start < 199 {
                prop_assert_eq!(sent.last().copied(), Some(1));
            }
        }
    }
}
