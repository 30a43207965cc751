//! The stale-edit check (reference vault §1.9). A client sends the `revisionDate` of its copy as
//! `lastKnownRevisionDate` when it updates or shares an item or reserves an attachment; if the
//! stored item has changed since, saving would overwrite someone else's edit, so the request is
//! refused and the client told to sync. Dates differ by rounding between server and client, so
//! only a difference of more than one second counts, in either direction. Creating an item
//! skips the check (there is nothing stored to compare with), and so does a request without the
//! date.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The reference's refusal when the client's copy is out of date.
pub const STALE_MESSAGE: &str = "The item cannot be saved because it is out of date. To edit \
     this item, first sync your vault, or log out and back in.";

/// The reference's refusal when the date cannot be read (its text for the multipart form field;
/// in a JSON body the reference's framework refuses the unreadable date with a 400 of its own).
pub const INVALID_DATE_MESSAGE: &str = "Invalid lastKnownRevisionDate format.";

/// How far apart the two dates may be and still count as the same revision.
pub const TOLERANCE_MS: i64 = 1000;

/// Why a save is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleEdit {
    /// The stored item changed since the client's copy.
    OutOfDate,
    /// The client's date is not a date.
    Unreadable,
}

impl StaleEdit {
    /// The reference's text for this refusal (a 400).
    pub fn message(self) -> &'static str {
        match self {
            Self::OutOfDate => STALE_MESSAGE,
            Self::Unreadable => INVALID_DATE_MESSAGE,
        }
    }
}

/// Whether an update of an item stored with `stored_revision_ms` (milliseconds since the epoch)
/// may go ahead, given the client's `lastKnownRevisionDate` as sent.
pub fn check_last_known(
    stored_revision_ms: i64,
    last_known: Option<&str>,
) -> Result<(), StaleEdit> {
    let Some(text) = last_known else {
        return Ok(());
    };
    let known = parse_client_date(text).ok_or(StaleEdit::Unreadable)?;
    if is_stale(stored_revision_ms, known) {
        Err(StaleEdit::OutOfDate)
    } else {
        Ok(())
    }
}

/// Whether `known` is more than the tolerance away from the stored revision. Compared in the
/// reference's 100-nanosecond ticks, so a client's seven fractional digits count in full.
pub fn is_stale(stored_revision_ms: i64, known: DateTime<Utc>) -> bool {
    const TICKS_PER_MS: i128 = 10_000;
    let stored = i128::from(stored_revision_ms) * TICKS_PER_MS;
    let known = i128::from(known.timestamp()) * 10_000_000
        + i128::from(known.timestamp_subsec_nanos()) / 100;
    (stored - known).abs() > i128::from(TOLERANCE_MS) * TICKS_PER_MS
}

/// Reads a date as clients send it: ISO 8601 with any number of fractional digits (the
/// reference's clients send up to seven), with `Z`, with an offset (converted to UTC), or with
/// neither (taken as UTC, as the reference's server does); a date alone is its midnight.
pub fn parse_client_date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.with_timezone(&Utc));
    }
    if let Ok(date) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(date.and_utc());
    }
    if let Ok(date) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M") {
        return Some(date.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|midnight| midnight.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-08-20T10:00:00.123Z
    const STORED: i64 = 1_787_220_000_123;

    #[test]
    fn dates_as_clients_send_them() {
        let cases = [
            ("2026-08-20T10:00:00.123Z", Some(STORED)),
            ("2026-08-20T10:00:00.1230000Z", Some(STORED)),
            ("2026-08-20T10:00:00.123", Some(STORED)),
            ("2026-08-20T12:00:00.123+02:00", Some(STORED)),
            ("2026-08-20T10:00:00.1234567Z", Some(STORED)),
            ("2026-08-20T10:00:00Z", Some(STORED - 123)),
            ("2026-08-20T10:00", Some(STORED - 123)),
            ("2026-08-20", Some(STORED - 123 - 10 * 3_600_000)),
            ("", None),
            ("yesterday", None),
            ("2026-13-01T00:00:00Z", None),
            ("1787220000123", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_client_date(text).map(|d| d.timestamp_millis()),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn stale_beyond_one_second_either_way() {
        let cases = [
            // Reference tests: the same date passes, a day older is refused.
            (Some("2026-08-20T10:00:00.123Z"), Ok(())),
            (Some("2026-08-19T10:00:00.123Z"), Err(StaleEdit::OutOfDate)),
            (None, Ok(())),
            (Some("2026-08-20T10:00:01.123Z"), Ok(())),
            (Some("2026-08-20T09:59:59.123Z"), Ok(())),
            (
                Some("2026-08-20T10:00:01.1230001Z"),
                Err(StaleEdit::OutOfDate),
            ),
            (
                Some("2026-08-20T09:59:59.1229999Z"),
                Err(StaleEdit::OutOfDate),
            ),
            (Some("2026-08-21T10:00:00.123Z"), Err(StaleEdit::OutOfDate)),
            (Some("not a date"), Err(StaleEdit::Unreadable)),
        ];
        for (known, expected) in cases {
            assert_eq!(check_last_known(STORED, known), expected, "{known:?}");
        }
    }

    #[test]
    fn refusals_speak_the_reference_texts() {
        #[rustfmt::skip]
        let stale = "The item cannot be saved because it is out of date. To edit this item, first sync your vault, or log out and back in.";
        assert_eq!(StaleEdit::OutOfDate.message(), stale);
        assert_eq!(
            StaleEdit::Unreadable.message(),
            "Invalid lastKnownRevisionDate format."
        );
    }

    proptest! {
        #[test]
        fn the_tolerance_is_symmetric_and_inclusive(
            stored in 0i64..4_000_000_000_000,
            offset in 0i64..5_000,
        ) {
            let later = DateTime::from_timestamp_millis(stored + offset).expect("in range");
            let earlier = DateTime::from_timestamp_millis(stored - offset).expect("in range");
            prop_assert_eq!(is_stale(stored, later), is_stale(stored, earlier));
            prop_assert_eq!(is_stale(stored, later), offset > TOLERANCE_MS);
        }

        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in any::<String>()) {
            let _ = check_last_known(STORED, Some(&text));
        }
    }
}
