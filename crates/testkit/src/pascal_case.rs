//! The cloud's answers as a .NET server with default JSON options writes them (SPEC §12): every
//! property name in PascalCase and every date without an offset, with .NET's seven fraction
//! digits. [`FaultProxy::answer_in_pascal_case`](crate::FaultProxy::answer_in_pascal_case) puts a
//! Kinwarden test cloud behind this rewriting, so a self-hosted server is tested against a cloud
//! that answers as Bitwarden's own readers must expect.
//!
//! The license document of a license sync answer keeps its values: its names are re-cased (a
//! PascalCase license is the reference's file form), its dates are left as the cloud signed them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// The route whose answer is a license document (reference cloud-wire §3).
const LICENSE_SYNC_PATH: &str = "/licenses/organization/";

/// The answer to a request on `path` as the PascalCase cloud writes it; none when the body is
/// not JSON (an empty 401, say), which passes unchanged.
pub fn rewrite(path: &str, body: &[u8]) -> Option<Vec<u8>> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let dates = !path.contains(LICENSE_SYNC_PATH);
    serde_json::to_vec(&pascal_case(value, dates)).ok()
}

/// Every object key with its first letter upper-cased, at every depth; with `dates`, every
/// string that is a date with an offset written as UTC without one.
pub fn pascal_case(value: Value, dates: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (upper_first(&key), pascal_case(value, dates)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| pascal_case(item, dates))
                .collect(),
        ),
        Value::String(text) if dates => Value::String(without_offset(&text).unwrap_or(text)),
        other => other,
    }
}

/// A date with an offset as .NET writes an unspecified `DateTime`: UTC, seven fraction digits,
/// no offset.
fn without_offset(text: &str) -> Option<String> {
    let date = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    let written = date.to_rfc3339_opts(SecondsFormat::Nanos, true);
    // `…:SS.nnnnnnnnnZ` → `…:SS.nnnnnnn`: .NET's tick is 100 ns.
    let cut = written.len().checked_sub("nnZ".len())?;
    Some(written[..cut].to_string())
}

fn upper_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_in_pascal_case_and_dates_without_offset() {
        let answer = json!({"sponsorshipsBatch": [{"lastSyncDate": "2026-08-20T12:34:56.123Z",
            "validUntil": null, "offeredToEmail": "f@example.com", "toDelete": false}],
            "access_token": "a.b.c"});
        let rewritten: Value = serde_json::from_slice(
            &rewrite(
                "/api/organization/sponsorship/sync",
                answer.to_string().as_bytes(),
            )
            .unwrap_or_default(),
        )
        .unwrap_or_default();
        assert_eq!(
            rewritten,
            json!({"SponsorshipsBatch": [{"LastSyncDate": "2026-08-20T12:34:56.1230000",
                "ValidUntil": null, "OfferedToEmail": "f@example.com", "ToDelete": false}],
                "Access_token": "a.b.c"})
        );
    }

    #[test]
    fn a_license_keeps_its_dates_and_other_bodies_pass() {
        let license = json!({"issued": "2026-08-20T12:34:56Z", "use2fa": true});
        let rewritten: Value = serde_json::from_slice(
            &rewrite(
                "/api/licenses/organization/x",
                license.to_string().as_bytes(),
            )
            .unwrap_or_default(),
        )
        .unwrap_or_default();
        assert_eq!(
            rewritten,
            json!({"Issued": "2026-08-20T12:34:56Z", "Use2fa": true})
        );
        assert_eq!(rewrite("/api/x", b""), None);
        assert_eq!(
            without_offset("2026-08-20T14:34:56.1234567+02:00").as_deref(),
            Some("2026-08-20T12:34:56.1234567")
        );
    }
}
