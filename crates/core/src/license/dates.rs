//! Dates as license files and tokens write them (docs/LICENSING.md "Format"): documents use the
//! .NET round-trip form with up to 7 fraction digits, with or without a zone (none means UTC);
//! token claims use `MM/dd/yyyy HH:mm:ss`; data strings use Unix seconds rounded half to even.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serializer};

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const HALF_SECOND_NANOS: u32 = NANOS_PER_SECOND / 2;
/// .NET keeps time in ticks of 100 ns.
const NANOS_PER_TICK: u32 = 100;
const CLAIM_FORMAT: &str = "%m/%d/%Y %H:%M:%S";

/// A document date: RFC 3339 with a zone, or the same without one, read as UTC.
pub fn parse_document_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc())
}

/// A document date as .NET writes a UTC value: whole seconds, then up to 7 fraction digits
/// without trailing zeros, then `Z`.
pub fn format_document_date(date: DateTime<Utc>) -> String {
    let ticks = date.nanosecond() % NANOS_PER_SECOND / NANOS_PER_TICK;
    let whole = date
        .with_nanosecond(0)
        .unwrap_or(date)
        .to_rfc3339_opts(SecondsFormat::Secs, false);
    let Some(base) = whole.strip_suffix("+00:00") else {
        return whole;
    };
    if ticks == 0 {
        return format!("{base}Z");
    }
    let fraction = format!("{ticks:07}");
    format!("{base}.{}Z", fraction.trim_end_matches('0'))
}

/// A claim date (`MM/dd/yyyy HH:mm:ss`, the invariant culture's form); a document form is taken
/// too, since a reader must not be stricter than the reference's `DateTime.TryParse`.
pub fn parse_claim_date(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text.trim(), CLAIM_FORMAT)
        .ok()
        .map(|naive| naive.and_utc())
        .or_else(|| parse_document_date(text))
}

/// A claim date as the cloud writes it: the fraction dropped.
pub fn format_claim_date(date: DateTime<Utc>) -> String {
    date.format(CLAIM_FORMAT).to_string()
}

/// Unix seconds rounded half to even, as .NET's `Math.Round` does (10.5 s gives 10, 11.5 s 12).
pub fn epoch_seconds(date: DateTime<Utc>) -> i64 {
    let whole = date.timestamp();
    let nanos = date.timestamp_subsec_nanos();
    let up = nanos > HALF_SECOND_NANOS || (nanos == HALF_SECOND_NANOS && whole % 2 != 0);
    whole + i64::from(up)
}

/// Serde for a document date.
pub mod required {
    use super::*;

    pub fn serialize<S: Serializer>(date: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_document_date(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        parse_document_date(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a date")))
    }
}

/// Serde for a nullable document date.
pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => s.serialize_str(&format_document_date(*date)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => parse_document_date(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a date"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, nanos).single().expect("date")
    }

    #[test]
    fn rounds_half_to_even_like_dotnet() {
        assert_eq!(epoch_seconds(at(10, 500_000_000)), 10);
        assert_eq!(epoch_seconds(at(11, 500_000_000)), 12);
        assert_eq!(epoch_seconds(at(10, 499_999_900)), 10);
        assert_eq!(epoch_seconds(at(10, 500_000_100)), 11);
        // The worked example's Issued, 2025-08-27T13:46:25.487421Z.
        let issued = parse_document_date("2025-08-27T13:46:25.487421Z").expect("date");
        assert_eq!(epoch_seconds(issued), 1_756_302_385);
    }

    #[test]
    fn reads_documents_with_and_without_a_zone() {
        let zoned = parse_document_date("2025-09-02T19:25:23Z").expect("zoned");
        assert_eq!(parse_document_date("2025-09-02T19:25:23"), Some(zoned));
        assert_eq!(
            parse_document_date("2025-09-02T21:25:23+02:00"),
            Some(zoned)
        );
        let seven = parse_document_date("2025-09-02T19:25:23.1234567").expect("7 digits");
        assert_eq!(seven.timestamp_subsec_nanos(), 123_456_700);
        assert_eq!(format_document_date(seven), "2025-09-02T19:25:23.1234567Z");
        assert_eq!(format_document_date(zoned), "2025-09-02T19:25:23Z");
        assert_eq!(
            format_document_date(parse_document_date("2025-08-27T13:46:25.487421Z").expect("d")),
            "2025-08-27T13:46:25.487421Z"
        );
        assert_eq!(parse_document_date("yesterday"), None);
    }

    #[test]
    fn claim_dates_are_invariant_culture() {
        let date = parse_claim_date("08/27/2025 13:46:25").expect("claim");
        assert_eq!(date, at(1_756_302_385, 0));
        assert_eq!(
            format_claim_date(at(1_756_302_385, 487_421_000)),
            "08/27/2025 13:46:25"
        );
        assert_eq!(parse_claim_date("2025-08-27T13:46:25Z"), Some(date));
        assert_eq!(parse_claim_date("27.08.2025"), None);
    }
}
