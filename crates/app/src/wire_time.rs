//! Times on the wire: ISO-8601 UTC with a trailing `Z` (reference §0.2).

use chrono::{DateTime, SecondsFormat, Utc};

pub fn from_millis(millis: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(millis)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_with_z() {
        assert_eq!(super::from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            super::from_millis(1_800_000_000_123),
            "2027-01-15T08:00:00.123Z"
        );
    }
}
