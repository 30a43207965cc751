//! `PlanType` as files and tokens carry it: a number, or (in tokens issued before late 2025) the
//! reference enum's name, read ignoring case as .NET's `Enum.TryParse` does.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The reference enum's names, by value (the current names; see docs/LICENSING.md for the names
/// that changed meaning).
const NAMES: [(&str, i32); 23] = [
    ("Free", 0),
    ("FamiliesAnnually2019", 1),
    ("TeamsMonthly2019", 2),
    ("TeamsAnnually2019", 3),
    ("EnterpriseMonthly2019", 4),
    ("EnterpriseAnnually2019", 5),
    ("Custom", 6),
    ("FamiliesAnnually2025", 7),
    ("TeamsMonthly2020", 8),
    ("TeamsAnnually2020", 9),
    ("EnterpriseMonthly2020", 10),
    ("EnterpriseAnnually2020", 11),
    ("TeamsMonthly2023", 12),
    ("TeamsAnnually2023", 13),
    ("EnterpriseMonthly2023", 14),
    ("EnterpriseAnnually2023", 15),
    ("TeamsStarter2023", 16),
    ("TeamsMonthly", 17),
    ("TeamsAnnually", 18),
    ("EnterpriseMonthly", 19),
    ("EnterpriseAnnually", 20),
    ("TeamsStarter", 21),
    ("FamiliesAnnually", 22),
];

/// A plan type from its text: a decimal number or a name in any case.
pub fn parse_plan_type(text: &str) -> Option<i32> {
    let text = text.trim();
    if let Ok(number) = text.parse::<i32>() {
        return Some(number);
    }
    NAMES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, value)| *value)
}

/// Serde for a document's `PlanType`: a number, or a name.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| serde::de::Error::custom(format!("PlanType {n} is out of range"))),
        Value::String(text) => parse_plan_type(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("PlanType {text:?} is unknown"))),
        other => Err(serde::de::Error::custom(format!(
            "PlanType {other} is neither a number nor a name"
        ))),
    }
}

/// Serde for a document's nullable `LicenseType`: 0/1, or `User`/`Organization`.
pub fn deserialize_license_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("LicenseType is out of range")),
        Value::String(text) => parse_license_type(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("LicenseType {text:?} is unknown"))),
        other => Err(serde::de::Error::custom(format!(
            "LicenseType {other} is neither a number nor a name"
        ))),
    }
}

/// `User` (0) or `Organization` (1), by name or number.
pub fn parse_license_type(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("User") {
        Some(0)
    } else if text.eq_ignore_ascii_case("Organization") {
        Some(super::LICENSE_TYPE_ORGANIZATION)
    } else {
        text.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names() {
        assert_eq!(parse_plan_type("20"), Some(20));
        assert_eq!(parse_plan_type("EnterpriseAnnually"), Some(20));
        assert_eq!(parse_plan_type("enterpriseannually2020"), Some(11));
        assert_eq!(parse_plan_type("FamiliesAnnually2025"), Some(7));
        assert_eq!(parse_plan_type("Platinum"), None);
        assert_eq!(parse_license_type("Organization"), Some(1));
        assert_eq!(parse_license_type("user"), Some(0));
        assert_eq!(parse_license_type("Other"), None);
    }
}
