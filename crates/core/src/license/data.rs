//! The byte strings that are hashed and signed: the reference's legacy data strings (§5.3) and
//! Kinwarden's whole-document data (docs/LICENSING.md).

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::dates::epoch_seconds;
use super::document::{Casing, KINWARDEN_SIGNATURE, OrganizationLicense};

/// Which legacy data string: the hash's leaves out `Hash`, `Issued` and `Refresh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Hash,
    Signature,
}

/// One property of the legacy data string: its name, its formatted value, and the first
/// version that includes it.
struct Property {
    name: &'static str,
    value: String,
    since: i32,
    /// Signature data only.
    signature_only: bool,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Unix seconds, rounded half to even as the reference's `Math.Round`.
fn date(value: Option<DateTime<Utc>>) -> String {
    value
        .map(|d| epoch_seconds(d).to_string())
        .unwrap_or_default()
}

/// PlanType 0–6 are written by the names of the legacy enum (without "2019"); others by number.
pub fn plan_type_name(plan_type: i32) -> String {
    match plan_type {
        0 => "Free".into(),
        1 => "FamiliesAnnually".into(),
        2 => "TeamsMonthly".into(),
        3 => "TeamsAnnually".into(),
        4 => "EnterpriseMonthly".into(),
        5 => "EnterpriseAnnually".into(),
        6 => "Custom".into(),
        other => other.to_string(),
    }
}

fn properties(l: &OrganizationLicense) -> Vec<Property> {
    let p = |name, value: String, since| Property {
        name,
        value,
        since,
        signature_only: false,
    };
    let b = |value: bool| value.to_string();
    let mut list = vec![
        p(
            "AllowAdminAccessToAllCollectionItems",
            b(l.allow_admin_access_to_all_collection_items),
            15,
        ),
        p("BillingEmail", text(&l.billing_email), 1),
        p("BusinessName", text(&l.business_name), 1),
        p("Enabled", b(l.enabled), 1),
        p(
            "ExpirationWithoutGracePeriod",
            date(l.expiration_without_grace_period),
            12,
        ),
        p("Expires", date(l.expires), 1),
        p("Id", l.id.hyphenated().to_string(), 1),
        p(
            "InstallationId",
            l.installation_id.hyphenated().to_string(),
            1,
        ),
        p("LicenseKey", text(&l.license_key), 1),
        p(
            "LimitCollectionCreationDeletion",
            b(l.limit_collection_creation_deletion),
            14,
        ),
        p("MaxCollections", number(l.max_collections), 1),
        p("MaxStorageGb", number(l.max_storage_gb), 1),
        p("Name", text(&l.name), 1),
        p("Plan", text(&l.plan), 1),
        p("PlanType", plan_type_name(l.plan_type), 1),
        p("Seats", number(l.seats), 1),
        p("SelfHost", b(l.self_host), 1),
        p("SmSeats", number(l.sm_seats), 13),
        p("SmServiceAccounts", number(l.sm_service_accounts), 13),
        p("Trial", b(l.trial), 1),
        p("Use2fa", b(l.use_2fa), 4),
        p("UseApi", b(l.use_api), 5),
        p("UseCustomPermissions", b(l.use_custom_permissions), 11),
        p("UseDirectory", b(l.use_directory), 1),
        p("UseEvents", b(l.use_events), 3),
        p("UseGroups", b(l.use_groups), 1),
        p("UseKeyConnector", b(l.use_key_connector), 9),
        p("UsePasswordManager", b(l.use_password_manager), 13),
        p("UsePolicies", b(l.use_policies), 6),
        p("UseResetPassword", b(l.use_reset_password), 8),
        p("UsersGetPremium", b(l.users_get_premium), 2),
        p("UseScim", b(l.use_scim), 10),
        p("UseSecretsManager", b(l.use_secrets_manager), 13),
        p("UseSso", b(l.use_sso), 7),
        p("UseTotp", b(l.use_totp), 1),
        p("Version", l.version.to_string(), 1),
    ];
    for (name, value) in [
        ("Hash", text(&l.hash)),
        ("Issued", date(Some(l.issued))),
        ("Refresh", date(l.refresh)),
    ] {
        list.push(Property {
            name,
            value,
            since: 1,
            signature_only: true,
        });
    }
    list
}

/// `license:organization|Name:Value|…`, sorted by property name ignoring case, with the
/// properties the license's version has. The newer feature flags, `LicenseType`, `Signature`
/// and `Token` are never part of it.
pub fn legacy_data(license: &OrganizationLicense, variant: Variant) -> String {
    let mut included: Vec<Property> = properties(license)
        .into_iter()
        .filter(|p| p.since <= license.version)
        .filter(|p| variant == Variant::Signature || !p.signature_only)
        .collect();
    // Lower-cased ordinal order equals the reference's culture-aware, case-insensitive order
    // for these names ("UseResetPassword" < "UsersGetPremium" < "UseScim").
    included.sort_by_key(|p| p.name.to_lowercase());
    let mut out = String::from("license:organization");
    for p in included {
        out.push('|');
        out.push_str(p.name);
        out.push(':');
        out.push_str(&p.value);
    }
    out
}

/// What Kinwarden's whole-document signature covers: every property but that signature
/// itself, as compact JSON with PascalCase names in sorted order. JSON escaping keeps values
/// that contain `|` or `:` from being confused with separators.
pub fn document_data(license: &OrganizationLicense) -> Vec<u8> {
    let Value::Object(map) = license.to_value(Casing::Pascal) else {
        return Vec::new();
    };
    let mut sorted: BTreeMap<String, Value> = map
        .into_iter()
        .filter(|(name, _)| name != KINWARDEN_SIGNATURE)
        .collect();
    // Dates as this signature has always rendered them (chrono's RFC 3339 with 0, 3, 6 or 9
    // fraction digits), whatever form the file itself uses, so licenses signed before keep
    // verifying.
    for (name, date) in [
        ("Issued", Some(license.issued)),
        ("Refresh", license.refresh),
        ("Expires", license.expires),
        (
            "ExpirationWithoutGracePeriod",
            license.expiration_without_grace_period,
        ),
    ] {
        let value = date.map_or(Value::Null, |d| {
            Value::String(d.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        });
        sorted.insert(name.to_string(), value);
    }
    let mut out = b"kinwarden-license:organization:1\n".to_vec();
    out.extend(serde_json::to_vec(&sorted).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// The reference's fixture org for the known-good strings (§5.3, §6.21 item 22).
    pub(crate) fn fixture(version: i32) -> OrganizationLicense {
        OrganizationLicense {
            license_key: Some("myLicenseKey".into()),
            installation_id: "78900000-0000-0000-0000-000000000123".parse().expect("id"),
            id: "12300000-0000-0000-0000-000000000456".parse().expect("id"),
            name: Some("myOrg".into()),
            billing_email: Some("myBillingEmail".into()),
            business_name: None,
            plan: Some("myPlan".into()),
            enabled: true,
            plan_type: 11,
            seats: Some(10),
            max_collections: Some(2),
            max_storage_gb: Some(100),
            self_host: true,
            use_directory: true,
            use_groups: true,
            use_totp: true,
            version,
            issued: Utc
                .with_ymd_and_hms(2025, 2, 1, 0, 0, 0)
                .single()
                .expect("date"),
            refresh: Utc.with_ymd_and_hms(2025, 2, 15, 0, 0, 0).single(),
            expires: Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).single(),
            ..OrganizationLicense::default()
        }
    }

    #[test]
    fn version_1_hash_data_is_the_known_good_string() {
        assert_eq!(
            legacy_data(&fixture(1), Variant::Hash),
            "license:organization|BillingEmail:myBillingEmail|BusinessName:|Enabled:true|Expires:1740787200|Id:12300000-0000-0000-0000-000000000456|InstallationId:78900000-0000-0000-0000-000000000123|LicenseKey:myLicenseKey|MaxCollections:2|MaxStorageGb:100|Name:myOrg|Plan:myPlan|PlanType:11|Seats:10|SelfHost:true|Trial:false|UseDirectory:true|UseGroups:true|UseTotp:true|Version:1"
        );
    }

    #[test]
    fn signature_data_adds_hash_issued_and_refresh() {
        let mut license = fixture(1);
        license.hash = Some("h".into());
        let data = legacy_data(&license, Variant::Signature);
        assert!(data.contains("|Hash:h|"));
        assert!(data.contains("|Issued:1738368000|"));
        assert!(data.contains("|Refresh:1739577600|"));
    }

    #[test]
    fn version_gating_and_case_insensitive_order() {
        let v7 = legacy_data(&fixture(7), Variant::Hash);
        assert!(v7.contains("UseSso:false") && !v7.contains("UseResetPassword"));
        let v15 = legacy_data(&fixture(15), Variant::Hash);
        let order = ["UseResetPassword", "UsersGetPremium", "UseScim"]
            .map(|name| v15.find(&format!("|{name}:")).expect(name));
        assert!(order[0] < order[1] && order[1] < order[2]);
        assert!(v15.contains("AllowAdminAccessToAllCollectionItems:true"));
        assert!(!legacy_data(&fixture(14), Variant::Hash).contains("AllowAdminAccess"));
        for flag in [
            "UseRiskInsights",
            "UseAdminSponsoredFamilies",
            "LicenseType",
            "Token",
        ] {
            assert!(!v15.contains(flag), "{flag}");
        }
    }

    #[test]
    fn values_format_like_the_reference() {
        assert_eq!(plan_type_name(1), "FamiliesAnnually");
        assert_eq!(plan_type_name(6), "Custom");
        assert_eq!(plan_type_name(20), "20");
        // .NET rounds half to even: 10.5 s gives 10, 11.5 s gives 12.
        assert_eq!(date(Utc.timestamp_opt(10, 500_000_000).single()), "10");
        assert_eq!(date(Utc.timestamp_opt(11, 500_000_000).single()), "12");
        assert_eq!(date(None), "");
    }

    #[test]
    fn document_data_covers_the_newer_flags_but_not_itself() {
        let mut license = fixture(15);
        let before = document_data(&license);
        license.kinwarden_signature = Some("sig".into());
        assert_eq!(document_data(&license), before);
        license.use_pam = true;
        assert_ne!(document_data(&license), before);
    }
}
