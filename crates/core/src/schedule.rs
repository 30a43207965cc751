//! When scheduled jobs run (SPEC §9 "jobs", "time"): at fixed UTC times of day. A run is named by
//! its slot (the scheduled time it stands for), so a slot runs once however many processes share
//! the database, and a slot missed while the server was down is made up at the next check.

use chrono::{DateTime, Duration, NaiveTime, Utc};

/// Times of day, in minutes after midnight UTC, at which a job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    minutes: Vec<u32>,
}

impl Schedule {
    /// Daily at these times (minutes after midnight UTC); out-of-range values wrap to the day.
    pub fn daily_at(minutes: &[u32]) -> Self {
        let mut minutes: Vec<u32> = minutes.iter().map(|m| m % (24 * 60)).collect();
        minutes.sort_unstable();
        minutes.dedup();
        if minutes.is_empty() {
            minutes.push(0);
        }
        Self { minutes }
    }

    fn slots_of_day(&self, day: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        let midnight = day.date_naive().and_time(NaiveTime::MIN).and_utc();
        self.minutes
            .iter()
            .map(move |m| midnight + Duration::minutes(i64::from(*m)))
    }

    /// The latest scheduled time at or before `now`.
    pub fn latest_slot(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.slots_of_day(now)
            .filter(|slot| *slot <= now)
            .last()
            .or_else(|| self.slots_of_day(now - Duration::days(1)).last())
            .unwrap_or(now)
    }

    /// The first scheduled time after `now`.
    pub fn next_slot(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.slots_of_day(now)
            .find(|slot| *slot > now)
            .or_else(|| self.slots_of_day(now + Duration::days(1)).next())
            .unwrap_or(now)
    }

    /// The slot to run now, if the latest one has not run yet (`last_run_slot` is the slot of the
    /// last scheduled run).
    pub fn due(
        &self,
        now: DateTime<Utc>,
        last_run_slot: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        let latest = self.latest_slot(now);
        match last_run_slot {
            Some(last) if last >= latest => None,
            _ => Some(latest),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn twice_a_day() {
        let schedule = Schedule::daily_at(&[30, 12 * 60 + 30]);
        assert_eq!(
            schedule.latest_slot(at("2026-11-25T07:00:00Z")),
            at("2026-11-25T00:30:00Z")
        );
        assert_eq!(
            schedule.latest_slot(at("2026-11-25T00:10:00Z")),
            at("2026-11-24T12:30:00Z")
        );
        assert_eq!(
            schedule.next_slot(at("2026-11-25T07:00:00Z")),
            at("2026-11-25T12:30:00Z")
        );
        assert_eq!(
            schedule.next_slot(at("2026-11-25T13:00:00Z")),
            at("2026-11-26T00:30:00Z")
        );
    }

    #[test]
    fn a_slot_runs_once_and_a_missed_one_is_made_up() {
        let schedule = Schedule::daily_at(&[180]);
        let now = at("2026-11-25T09:00:00Z");
        assert_eq!(schedule.due(now, None), Some(at("2026-11-25T03:00:00Z")));
        assert_eq!(schedule.due(now, Some(at("2026-11-25T03:00:00Z"))), None);
        // Down for two days: the latest slot is made up, once.
        assert_eq!(
            schedule.due(now, Some(at("2026-11-23T03:00:00Z"))),
            Some(at("2026-11-25T03:00:00Z"))
        );
        assert_eq!(
            schedule.due(at("2026-11-25T03:00:00Z"), Some(at("2026-11-24T03:00:00Z"))),
            Some(at("2026-11-25T03:00:00Z"))
        );
    }
}
