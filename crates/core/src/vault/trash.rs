//! When the trash is emptied (reference vault §8, SPEC §11). A deleted item stays restorable in
//! the trash for `kinwarden__trashDays` days; the daily `trash-purge` job then deletes it for
//! good. The job deletes every item deleted before a cutoff, so the rule is the cutoff.

use crate::schedule::Schedule;

/// How long an item stays in the trash unless configured otherwise.
pub const DEFAULT_TRASH_DAYS: u32 = 30;

/// One day in milliseconds, the unit timestamps are stored in.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The days an item stays in the trash for a configured value: as in the reference, a setting
/// of 0 means the default, so a blank setting never empties the trash at once.
pub fn trash_days(configured: u32) -> u32 {
    if configured == 0 {
        DEFAULT_TRASH_DAYS
    } else {
        configured
    }
}

/// Items deleted strictly before this time (milliseconds) are purged by a run at `now_ms`.
pub fn purge_cutoff(now_ms: i64, configured_days: u32) -> i64 {
    let keep = i64::from(trash_days(configured_days)).saturating_mul(DAY_MS);
    now_ms.saturating_sub(keep)
}

/// Whether an item deleted at `deleted_at_ms` is purged by a run at `now_ms`: it has been in
/// the trash for longer than the configured days (the reference deletes rows whose deletion
/// date is older than the cutoff, not equal to it).
pub fn is_due(deleted_at_ms: i64, now_ms: i64, configured_days: u32) -> bool {
    deleted_at_ms < purge_cutoff(now_ms, configured_days)
}

/// When the job runs: every day at 00:00 UTC, as the reference's job does.
pub fn purge_schedule() -> Schedule {
    Schedule::daily_at(&[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    const NOW: i64 = 1_787_220_000_000;

    #[test]
    fn items_older_than_the_trash_days_are_due() {
        let cases = [
            (NOW - 30 * DAY_MS - 1, 30, true),
            (NOW - 30 * DAY_MS, 30, false),
            (NOW - 29 * DAY_MS, 30, false),
            (NOW, 30, false),
            (NOW - 31 * DAY_MS, 0, true),
            (NOW - 29 * DAY_MS, 0, false),
            (NOW - DAY_MS - 1, 1, true),
            (NOW - DAY_MS, 1, false),
            (NOW - 400 * DAY_MS, 365, true),
        ];
        for (deleted_at, days, due) in cases {
            assert_eq!(is_due(deleted_at, NOW, days), due, "{deleted_at} {days}");
        }
    }

    #[test]
    fn zero_days_means_the_default() {
        assert_eq!(trash_days(0), 30);
        assert_eq!(trash_days(7), 7);
        assert_eq!(purge_cutoff(NOW, 0), NOW - 30 * DAY_MS);
        assert_eq!(purge_cutoff(i64::MIN, u32::MAX), i64::MIN);
    }

    #[test]
    fn the_job_runs_at_midnight_utc() {
        let evening = Utc
            .with_ymd_and_hms(2026, 8, 20, 18, 30, 0)
            .single()
            .expect("date");
        let midnight = Utc
            .with_ymd_and_hms(2026, 8, 21, 0, 0, 0)
            .single()
            .expect("date");
        assert_eq!(purge_schedule().next_slot(evening), midnight);
    }

    proptest! {
        #[test]
        fn once_due_an_item_stays_due(
            deleted_at in 0i64..4_000_000_000_000,
            now in 0i64..4_000_000_000_000,
            later in 0i64..1_000_000_000,
            days in 0u32..3650,
        ) {
            if is_due(deleted_at, now, days) {
                prop_assert!(is_due(deleted_at, now + later, days));
            }
        }
    }
}
