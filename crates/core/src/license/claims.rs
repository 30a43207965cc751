//! A license's token claims (docs/LICENSING.md "Token"): written as the reference's cloud writes
//! them (every value a string, bools `True`/`False`, dates `MM/dd/yyyy HH:mm:ss`), read as its
//! self-hosted server reads them (first value of an array, a missing claim is the type's
//! default), and compared with the file's fields.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::dates::{
    format_claim_date, format_document_date, parse_claim_date, parse_document_date,
};
use super::document::{Casing, KINWARDEN_SIGNATURE, OrganizationLicense};
use super::plan_type::{parse_license_type, parse_plan_type};
use super::token::{ISSUER, audience};
use super::verify::LicenseError;

/// How a claim's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Text,
    Guid,
    Int,
    Date,
    PlanType,
    LicenseType,
}

/// Every claim the cloud writes, in its order. The first group is always written; the second
/// only when the value is not null.
const ALWAYS: [(&str, Kind); 35] = [
    ("LicenseType", Kind::LicenseType),
    ("Id", Kind::Guid),
    ("Enabled", Kind::Bool),
    ("PlanType", Kind::PlanType),
    ("UsePolicies", Kind::Bool),
    ("UseSso", Kind::Bool),
    ("UseKeyConnector", Kind::Bool),
    ("UseScim", Kind::Bool),
    ("UseGroups", Kind::Bool),
    ("UseEvents", Kind::Bool),
    ("UseDirectory", Kind::Bool),
    ("UseTotp", Kind::Bool),
    ("Use2fa", Kind::Bool),
    ("UseApi", Kind::Bool),
    ("UseResetPassword", Kind::Bool),
    ("SelfHost", Kind::Bool),
    ("UsersGetPremium", Kind::Bool),
    ("UseCustomPermissions", Kind::Bool),
    ("UsePasswordManager", Kind::Bool),
    ("UseSecretsManager", Kind::Bool),
    ("LimitCollectionCreationDeletion", Kind::Bool),
    ("AllowAdminAccessToAllCollectionItems", Kind::Bool),
    ("UseRiskInsights", Kind::Bool),
    ("Issued", Kind::Date),
    ("Expires", Kind::Date),
    ("Refresh", Kind::Date),
    ("Trial", Kind::Bool),
    ("UseAdminSponsoredFamilies", Kind::Bool),
    ("UseOrganizationDomains", Kind::Bool),
    ("UseAutomaticUserConfirmation", Kind::Bool),
    ("UseDisableSmAdsForUsers", Kind::Bool),
    ("UsePhishingBlocker", Kind::Bool),
    ("UseMyItems", Kind::Bool),
    ("UseInviteLinks", Kind::Bool),
    ("UsePam", Kind::Bool),
];
const WHEN_SET: [(&str, Kind); 12] = [
    ("Name", Kind::Text),
    ("BillingEmail", Kind::Text),
    ("Plan", Kind::Text),
    ("BusinessName", Kind::Text),
    ("LicenseKey", Kind::Text),
    ("InstallationId", Kind::Guid),
    ("Seats", Kind::Int),
    ("MaxCollections", Kind::Int),
    ("MaxStorageGb", Kind::Int),
    ("SmSeats", Kind::Int),
    ("SmServiceAccounts", Kind::Int),
    ("ExpirationWithoutGracePeriod", Kind::Date),
];

/// The properties a token never carries: the file keeps them.
const NOT_CLAIMS: [&str; 6] = [
    "Id",
    "Version",
    "Hash",
    "Signature",
    "Token",
    KINWARDEN_SIGNATURE,
];

/// A token lives a year (the reference's `AddYears(1)`), whatever the license's `Expires`.
const TOKEN_LIFETIME_MONTHS: u32 = 12;

/// A claim value as the cloud writes it, from the document's JSON value.
fn claim_text(kind: Kind, value: &Value) -> Option<String> {
    match (kind, value) {
        (_, Value::Null) => None,
        (Kind::Bool, Value::Bool(b)) => Some(if *b { "True" } else { "False" }.into()),
        (Kind::LicenseType, _) => Some("Organization".into()),
        (Kind::Date, Value::String(text)) => parse_document_date(text).map(format_claim_date),
        (_, Value::String(text)) => Some(text.clone()),
        (_, other) => Some(other.to_string()),
    }
}

/// The token's claims for a license issued `now`: the license's properties, then the registered
/// claims (`jti`, `nbf`, `exp` a year on, `iat`, `iss`, `aud`).
pub fn claims_of(license: &OrganizationLicense, now: DateTime<Utc>) -> Map<String, Value> {
    let Value::Object(fields) = license.to_value(Casing::Pascal) else {
        return Map::new();
    };
    let mut claims = Map::new();
    for (name, kind) in ALWAYS.iter().chain(WHEN_SET.iter()) {
        if let Some(text) = fields.get(*name).and_then(|value| claim_text(*kind, value)) {
            claims.insert((*name).to_string(), Value::String(text));
        }
    }
    let expires = now
        .checked_add_months(chrono::Months::new(TOKEN_LIFETIME_MONTHS))
        .unwrap_or(now);
    claims.insert("jti".into(), Uuid::new_v4().to_string().into());
    claims.insert("nbf".into(), now.timestamp().into());
    claims.insert("exp".into(), expires.timestamp().into());
    claims.insert("iat".into(), now.timestamp().into());
    claims.insert("iss".into(), ISSUER.into());
    claims.insert("aud".into(), audience(license.id).into());
    claims
}

/// The first value of a claim: a claim written twice arrives as an array.
fn first<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    match claims.get(name)? {
        Value::Array(values) => values.first(),
        value => Some(value),
    }
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A claim's document value, or why it cannot be read.
fn read(name: &str, kind: Kind, value: Option<&Value>) -> Result<Value, LicenseError> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        // A missing claim is the type's default.
        return Ok(match kind {
            Kind::Bool => Value::Bool(false),
            Kind::LicenseType => Value::from(0),
            Kind::PlanType => Value::from(0),
            Kind::Guid => Value::String(Uuid::nil().to_string()),
            Kind::Date if name == "Issued" => {
                Value::String(format_document_date(DateTime::<Utc>::default()))
            }
            _ => Value::Null,
        });
    };
    let text = as_text(value);
    let unreadable = || LicenseError::BadClaim {
        claim: name.to_string(),
        value: text.clone(),
    };
    Ok(match kind {
        // The reference's bool.TryParse: anything else is false.
        Kind::Bool => Value::Bool(text.trim().eq_ignore_ascii_case("true")),
        Kind::Text => Value::String(text.clone()),
        Kind::Guid => Value::String(
            text.trim()
                .parse::<Uuid>()
                .map_err(|_| unreadable())?
                .to_string(),
        ),
        Kind::Int => Value::from(text.trim().parse::<i64>().map_err(|_| unreadable())?),
        Kind::Date => Value::String(format_document_date(
            parse_claim_date(&text).ok_or_else(unreadable)?,
        )),
        Kind::PlanType => Value::from(parse_plan_type(&text).ok_or_else(unreadable)?),
        Kind::LicenseType => Value::from(parse_license_type(&text).ok_or_else(unreadable)?),
    })
}

/// The license the claims make: every property from its claim, but the ones a token never
/// carries, which stay the file's. Kinwarden's whole-document signature does not carry over:
/// the result is no longer the signed document.
pub fn license_from_claims(
    file: &OrganizationLicense,
    claims: &Map<String, Value>,
) -> Result<OrganizationLicense, LicenseError> {
    let Value::Object(fields) = file.to_value(Casing::Pascal) else {
        return Err(LicenseError::InvalidToken(
            "the file is not a license".into(),
        ));
    };
    let mut map = Map::new();
    for (name, value) in fields {
        if NOT_CLAIMS.contains(&name.as_str()) && name != KINWARDEN_SIGNATURE {
            map.insert(name, value);
        }
    }
    for (name, kind) in ALWAYS.iter().chain(WHEN_SET.iter()) {
        if *name == "Id" {
            continue;
        }
        map.insert((*name).to_string(), read(name, *kind, first(claims, name))?);
    }
    OrganizationLicense::from_value(Value::Object(map))
        .map_err(|err| LicenseError::InvalidToken(err.to_string()))
}

/// The files' dates may carry a fraction the claims dropped, and the token's `Issued` is read
/// from the cloud's clock a moment after the file's.
const DATE_TOLERANCE_SECONDS: i64 = 2;

fn same(name: &str, file: &Value, claim: &Value) -> bool {
    if name == "LicenseType" && file.is_null() {
        // A file may leave the type out; the claim decides.
        return true;
    }
    match (file, claim) {
        (Value::String(a), Value::String(b)) => {
            match (parse_document_date(a), parse_document_date(b)) {
                (Some(a), Some(b)) => (a - b).num_seconds().abs() < DATE_TOLERANCE_SECONDS,
                _ => a == b,
            }
        }
        _ => file == claim,
    }
}

/// The first field of the file that says something else than its claim: its name, the file's
/// value and the token's.
pub fn contradiction(
    file: &OrganizationLicense,
    from_claims: &OrganizationLicense,
) -> Option<(String, String, String)> {
    let (Value::Object(file), Value::Object(claims)) = (
        file.to_value(Casing::Pascal),
        from_claims.to_value(Casing::Pascal),
    ) else {
        return None;
    };
    file.into_iter()
        .filter(|(name, _)| !NOT_CLAIMS.contains(&name.as_str()))
        .find_map(|(name, value)| {
            let claim = claims.get(&name).cloned().unwrap_or(Value::Null);
            (!same(&name, &value, &claim)).then(|| (name, value.to_string(), claim.to_string()))
        })
}
