//! Parsers for single values. Each returns a message saying what was expected; the caller adds
//! the key name. Values of secret keys are never quoted back.

use std::time::Duration;

pub fn boolean(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("expected true or false, got {value:?}")),
    }
}

pub fn uri(value: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(value).map_err(|err| format!("not a URL ({err}): {value:?}"))?;
    match parsed.scheme() {
        "https" | "http" => {}
        other => {
            return Err(format!(
                "expected an http or https URL, got scheme {other:?}"
            ));
        }
    }
    if parsed.host_str().is_none() {
        return Err(format!("the URL has no host: {value:?}"));
    }
    Ok(parsed)
}

/// Durations such as `30s`, `2m`, `1h`, `500ms`; `off` is `None`.
pub fn optional_duration(value: &str) -> Result<Option<Duration>, String> {
    let lower = value.to_ascii_lowercase();
    if lower == "off" {
        return Ok(None);
    }
    let split = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(split);
    let amount: u64 = number
        .parse()
        .map_err(|_| format!("expected a duration such as 30s, 2m or off, got {value:?}"))?;
    let duration = match unit {
        "ms" => Duration::from_millis(amount),
        "s" | "" => Duration::from_secs(amount),
        "m" | "min" => Duration::from_secs(amount * 60),
        "h" => Duration::from_secs(amount * 3600),
        _ => {
            return Err(format!(
                "unknown unit {unit:?} in {value:?}; use ms, s, m or h"
            ));
        }
    };
    Ok(Some(duration))
}

/// A UTC time of day `HH:MM`, as minutes after midnight.
pub fn time_of_day(value: &str) -> Result<u32, String> {
    let problem = || format!("expected a UTC time HH:MM such as 03:00, got {value:?}");
    let (hours, minutes) = value.split_once(':').ok_or_else(problem)?;
    let hours: u32 = hours.parse().map_err(|_| problem())?;
    let minutes: u32 = minutes.parse().map_err(|_| problem())?;
    if hours > 23 || minutes > 59 {
        return Err(problem());
    }
    Ok(hours * 60 + minutes)
}

/// `N/sec`, `N/min`, `N/hour` or `off`.
pub fn rate_limit(value: &str) -> Result<Option<(u32, Duration)>, String> {
    let lower = value.to_ascii_lowercase();
    if lower == "off" {
        return Ok(None);
    }
    let problem = || format!("expected N/sec, N/min, N/hour or off, got {value:?}");
    let (count, per) = lower.split_once('/').ok_or_else(problem)?;
    let count: u32 = count.trim().parse().map_err(|_| problem())?;
    if count == 0 {
        return Err(format!(
            "the count must be at least 1 (or use off), got {value:?}"
        ));
    }
    let window = match per.trim() {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "m" | "min" | "minute" => Duration::from_secs(60),
        "h" | "hour" => Duration::from_secs(3600),
        _ => return Err(problem()),
    };
    Ok(Some((count, window)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        assert_eq!(boolean("TRUE"), Ok(true));
        assert_eq!(boolean("false"), Ok(false));
        assert!(boolean("maybe").unwrap_err().contains("true or false"));
        assert!(boolean("1").is_err());
    }

    #[test]
    fn uris() {
        assert!(uri("https://identity.bitwarden.eu").is_ok());
        assert!(uri("http://127.0.0.1:8443/identity/").is_ok());
        assert!(uri("ftp://x").is_err());
        assert!(uri("identity.bitwarden.eu").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(optional_duration("30s"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(optional_duration("2m"), Ok(Some(Duration::from_secs(120))));
        assert_eq!(
            optional_duration("250ms"),
            Ok(Some(Duration::from_millis(250)))
        );
        assert_eq!(optional_duration("OFF"), Ok(None));
        assert!(optional_duration("soon").is_err());
        assert!(optional_duration("3d").is_err());
    }

    #[test]
    fn times_of_day() {
        assert_eq!(time_of_day("03:00"), Ok(180));
        assert_eq!(time_of_day("23:59"), Ok(23 * 60 + 59));
        assert!(time_of_day("24:00").is_err());
        assert!(time_of_day("3").is_err());
    }

    #[test]
    fn rate_limits() {
        assert_eq!(
            rate_limit("10/min"),
            Ok(Some((10, Duration::from_secs(60))))
        );
        assert_eq!(rate_limit("5/sec"), Ok(Some((5, Duration::from_secs(1)))));
        assert_eq!(rate_limit("off"), Ok(None));
        assert!(rate_limit("0/min").is_err());
        assert!(rate_limit("ten/min").is_err());
        assert!(rate_limit("10/week").is_err());
    }
}
