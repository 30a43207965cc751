//! Dates in another server's answers (SPEC §12, the cloud's answers): ISO 8601 as .NET's JSON
//! reader takes them. `2026-08-20T12:34:56.1234567Z` is what the cloud writes today; a .NET
//! server may as well write the same instant without an offset, which means UTC here, as it
//! does for the reference's own readers of these answers.
//!
//! Accepted: `YYYY-MM-DD`, optionally followed by `THH:MM`, `:SS`, and `.` with 1–16 fraction
//! digits (the first 7 count, down to .NET's 100 ns tick; the rest are read and dropped), and
//! after a time an offset `Z` or `±HH:MM`. A date alone is midnight UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The most fraction digits .NET's JSON reader accepts.
const MAX_FRACTION_DIGITS: usize = 16;
/// The fraction digits that count: .NET's tick is 100 ns.
const TICK_DIGITS: usize = 7;
const NANOS_PER_TICK: u32 = 100;
const SECONDS_PER_HOUR: i32 = 3600;
const SECONDS_PER_MINUTE: i32 = 60;

/// A text that is not an ISO 8601 date; the caller names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not an ISO 8601 date (like 2026-08-20T12:34:56.1234567Z)")]
pub struct WireDateError {
    pub text: String,
}

/// Reads one date; without an offset it is UTC.
pub fn parse(text: &str) -> Result<DateTime<Utc>, WireDateError> {
    read(text).ok_or_else(|| WireDateError {
        text: text.to_string(),
    })
}

/// [`parse`] for an optional date.
pub fn parse_optional(text: Option<&str>) -> Result<Option<DateTime<Utc>>, WireDateError> {
    text.map(parse).transpose()
}

/// A cursor over the text's bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Exactly `count` digits as a number.
    fn digits(&mut self, count: usize) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + count)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += count;
        Some(
            digits
                .iter()
                .fold(0, |n, digit| n * 10 + u32::from(digit - b'0')),
        )
    }

    /// The byte `byte`, which must come next.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.at) == Some(&byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

fn read(text: &str) -> Option<DateTime<Utc>> {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = cursor.digits(4)?;
    cursor.expect(b'-')?;
    let month = cursor.digits(2)?;
    cursor.expect(b'-')?;
    let day = cursor.digits(2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if cursor.done() {
        return Some(date.and_time(NaiveTime::MIN).and_utc());
    }
    cursor.expect(b'T')?;
    let hour = cursor.digits(2)?;
    cursor.expect(b':')?;
    let minute = cursor.digits(2)?;
    let mut second = 0;
    let mut nanos = 0;
    if cursor.eat(b':') {
        second = cursor.digits(2)?;
        if cursor.eat(b'.') {
            nanos = fraction(&mut cursor)?;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = NaiveDateTime::new(date, time);
    let offset = match cursor.peek() {
        None => return Some(local.and_utc()),
        Some(b'Z') => {
            cursor.at += 1;
            FixedOffset::east_opt(0)?
        }
        Some(sign @ (b'+' | b'-')) => {
            cursor.at += 1;
            let hours = i32::try_from(cursor.digits(2)?).ok()?;
            cursor.expect(b':')?;
            let minutes = i32::try_from(cursor.digits(2)?).ok()?;
            let seconds = hours * SECONDS_PER_HOUR + minutes * SECONDS_PER_MINUTE;
            if sign == b'-' {
                FixedOffset::west_opt(seconds)?
            } else {
                FixedOffset::east_opt(seconds)?
            }
        }
        Some(_) => return None,
    };
    if !cursor.done() {
        return None;
    }
    let zoned = offset.from_local_datetime(&local).single()?;
    Some(zoned.with_timezone(&Utc))
}

/// The fraction after the `.`, in nanoseconds, cut to whole ticks.
fn fraction(cursor: &mut Cursor<'_>) -> Option<u32> {
    let start = cursor.at;
    while cursor.peek().is_some_and(|byte| byte.is_ascii_digit()) {
        cursor.at += 1;
    }
    let digits = &cursor.bytes[start..cursor.at];
    if digits.is_empty() || digits.len() > MAX_FRACTION_DIGITS {
        return None;
    }
    let ticks = digits
        .iter()
        .chain(std::iter::repeat(&b'0'))
        .take(TICK_DIGITS)
        .fold(0, |n, digit| n * 10 + u32::from(digit - b'0'));
    Some(ticks * NANOS_PER_TICK)
}

#[cfg(test)]
mod tests {
    use chrono::SecondsFormat;
    use proptest::prelude::*;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a test date")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_forms_a_net_server_writes() {
        let cases = [
            (
                "2026-08-20T12:34:56.1234567Z",
                "2026-08-20T12:34:56.1234567Z",
            ),
            (
                "2026-08-20T12:34:56.1234567",
                "2026-08-20T12:34:56.1234567Z",
            ),
            ("2026-08-20T12:34:56.123Z", "2026-08-20T12:34:56.123Z"),
            ("2026-08-20T12:34:56.1", "2026-08-20T12:34:56.1Z"),
            ("2026-08-20T12:34:56Z", "2026-08-20T12:34:56Z"),
            ("2026-08-20T12:34:56", "2026-08-20T12:34:56Z"),
            ("2026-08-20T12:34", "2026-08-20T12:34:00Z"),
            ("2026-08-20", "2026-08-20T00:00:00Z"),
            ("2026-08-20T14:34:56+02:00", "2026-08-20T12:34:56Z"),
            ("2026-08-20T10:04:56.5-02:30", "2026-08-20T12:34:56.5Z"),
            // Beyond the tick, digits are read and dropped, as .NET does.
            (
                "2026-08-20T12:34:56.123456789Z",
                "2026-08-20T12:34:56.1234567Z",
            ),
            (
                "2026-08-20T12:34:56.1234567890123456",
                "2026-08-20T12:34:56.1234567Z",
            ),
            (
                "2026-12-31T23:59:59.9999999Z",
                "2026-12-31T23:59:59.9999999Z",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(utc(expected)), "{text}");
        }
    }

    #[test]
    fn what_is_not_a_date_is_an_error() {
        for text in [
            "",
            "yesterday",
            "2026-08-20T",
            "2026-08-20 12:34:56Z",
            "2026-8-20T12:34:56Z",
            "2026-02-30T00:00:00Z",
            "2026-08-20T24:00:00Z",
            "2026-08-20T12:34:56.Z",
            "2026-08-20T12:34:56.12345678901234567Z",
            "2026-08-20T12:34:56+0200",
            "2026-08-20T12:34:56+02",
            "2026-08-20Z",
            "2026-08-20T12:34:56Z ",
            "1781012096",
        ] {
            let refused = parse(text);
            assert_eq!(
                refused,
                Err(WireDateError {
                    text: text.to_string()
                }),
                "{text}"
            );
        }
        let message = parse("soon").err().map(|err| err.to_string());
        assert_eq!(
            message.as_deref(),
            Some("'soon' is not an ISO 8601 date (like 2026-08-20T12:34:56.1234567Z)")
        );
    }

    #[test]
    fn optional_dates() {
        assert_eq!(parse_optional(None), Ok(None));
        assert_eq!(
            parse_optional(Some("2026-08-20")),
            Ok(Some(utc("2026-08-20T00:00:00Z")))
        );
        assert!(parse_optional(Some("x")).is_err());
    }

    proptest! {
        /// Any instant written with or without an offset, with 0–7 fraction digits, reads back
        /// as that instant at that precision.
        #[test]
        fn written_forms_read_back(
            seconds in 0i64..4_102_444_800,
            ticks in 0u32..10_000_000,
            digits in 0usize..=7,
            offset_minutes in -14i32 * 60..=14 * 60,
        ) {
            let precision = 10u32.pow(u32::try_from(TICK_DIGITS - digits).unwrap_or(0));
            let ticks = ticks / precision * precision;
            let instant = DateTime::<Utc>::from_timestamp(seconds, ticks * NANOS_PER_TICK)
                .unwrap_or_default();
            let fraction = if digits == 0 {
                String::new()
            } else {
                format!(".{:07}", ticks)[..=digits].to_string()
            };
            let naive = instant.format("%Y-%m-%dT%H:%M:%S").to_string();
            prop_assert_eq!(parse(&format!("{naive}{fraction}")), Ok(instant));
            prop_assert_eq!(parse(&format!("{naive}{fraction}Z")), Ok(instant));
            let offset = FixedOffset::east_opt(offset_minutes * 60).expect("an offset");
            let shifted = instant.with_timezone(&offset);
            let zone = shifted.format("%:z").to_string();
            let local = shifted.format("%Y-%m-%dT%H:%M:%S").to_string();
            prop_assert_eq!(parse(&format!("{local}{fraction}{zone}")), Ok(instant));
            // What Kinwarden itself writes.
            let ours = instant.to_rfc3339_opts(SecondsFormat::AutoSi, true);
            prop_assert_eq!(parse(&ours), Ok(instant));
        }
    }
}
