//! Signing and verification together: any changed field, another installation, dates, versions.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::*;
use crate::tokens::generate_key_pem;

/// One key pair for all tests: RSA key generation is slow.
fn keys() -> &'static (LicenseSigningKey, LicensePublicKey) {
    static KEYS: OnceLock<(LicenseSigningKey, LicensePublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let (private, public) = generate_key_pem().expect("keys");
        (
            LicenseSigningKey::from_pem(&private).expect("private"),
            LicensePublicKey::from_pem(&public).expect("public"),
        )
    })
}

fn installation() -> Uuid {
    "78900000-0000-0000-0000-000000000123".parse().expect("id")
}

fn issued() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 2, 1, 0, 0, 0)
        .single()
        .expect("date")
}

fn org() -> OrganizationFacts {
    OrganizationFacts {
        id: "12300000-0000-0000-0000-000000000456".parse().expect("id"),
        name: "Acme | Corp:".into(),
        billing_email: "billing@acme.test".into(),
        plan_type: 20,
        seats: Some(10),
        max_collections: Some(5),
        enabled: true,
        expiration_date: None,
        license_key: "abcdefghijklmnopqrst".into(),
    }
}

fn signed_with(version: i32, change: impl FnOnce(&mut OrganizationLicense)) -> OrganizationLicense {
    let mut license = build(&org(), installation(), issued(), version);
    change(&mut license);
    sign(license, &keys().0).expect("sign")
}

fn check(
    license: &OrganizationLicense,
    now: DateTime<Utc>,
) -> Result<VerifiedLicense, LicenseError> {
    verify(license, &keys().1, installation(), now)
}

fn soon() -> DateTime<Utc> {
    issued() + Duration::days(1)
}

#[test]
fn a_signed_license_verifies_and_survives_both_casings() {
    let license = signed_with(CURRENT_VERSION, |_| {});
    assert!(check(&license, soon()).is_ok());
    for casing in [Casing::Pascal, Casing::Camel] {
        let text = serde_json::to_vec(&license.to_value(casing)).expect("json");
        let read = OrganizationLicense::from_json(&text).expect("read");
        assert!(check(&read, soon()).is_ok(), "{casing:?}");
    }
}

/// Another value of the same JSON type, or for a null, the first candidate the document takes.
fn changed(value: &Value) -> Vec<Value> {
    match value {
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Number(n) => vec![Value::from(n.as_i64().unwrap_or(0) + 1)],
        Value::String(s) => match s.parse::<DateTime<Utc>>() {
            Ok(date) => vec![Value::from((date + Duration::seconds(1)).to_rfc3339())],
            Err(_) if s.parse::<Uuid>().is_ok() => vec![Value::from(Uuid::new_v4().to_string())],
            Err(_) => vec![Value::from(format!("{s}x"))],
        },
        _ => vec![
            Value::from(1),
            Value::from("x"),
            Value::from("2025-03-01T00:00:00Z"),
        ],
    }
}

#[test]
fn changing_any_single_field_makes_it_invalid() {
    let license = signed_with(CURRENT_VERSION, |_| {});
    let Value::Object(map) = license.to_value(Casing::Pascal) else {
        panic!("object");
    };
    assert_eq!(map.len(), property_names().len());
    for (name, value) in &map {
        let mut tried = false;
        for replacement in changed(value) {
            let mut edited = map.clone();
            edited.insert(name.clone(), replacement.clone());
            let Ok(tampered) = OrganizationLicense::from_value(Value::Object(edited)) else {
                continue;
            };
            tried = true;
            assert_eq!(
                check(&tampered, soon()).err(),
                Some(LicenseError::BadSignature),
                "{name} = {replacement}"
            );
            break;
        }
        assert!(tried, "{name} could not be changed");
    }
}

#[test]
fn another_installation_is_refused() {
    let license = signed_with(CURRENT_VERSION, |l| l.installation_id = Uuid::new_v4());
    assert_eq!(
        check(&license, soon()).err(),
        Some(LicenseError::WrongInstallation)
    );
    assert_eq!(
        LicenseError::WrongInstallation.to_string(),
        "The installation ID does not match the current installation."
    );
}

#[test]
fn dates_are_checked_against_the_given_time() {
    let license = signed_with(CURRENT_VERSION, |_| {});
    assert_eq!(
        check(&license, issued() - Duration::seconds(1)).err(),
        Some(LicenseError::NotYetIssued)
    );
    assert!(check(&license, issued()).is_ok());
    let expires = license.expires.expect("expires");
    assert!(check(&license, expires).is_ok());
    assert_eq!(
        check(&license, expires + Duration::seconds(1)).err(),
        Some(LicenseError::Expired)
    );
    assert_eq!(
        LicenseError::Expired.to_string(),
        "The license has expired."
    );
}

#[test]
fn versions_outside_1_to_16_are_refused() {
    for version in [1, 15, 16] {
        assert!(
            check(&signed_with(version, |_| {}), soon()).is_ok(),
            "{version}"
        );
    }
    assert_eq!(
        check(&signed_with(0, |_| {}), soon()).err(),
        Some(LicenseError::UnsupportedVersion(0))
    );
    let newer = check(&signed_with(17, |_| {}), soon()).err();
    assert_eq!(newer, Some(LicenseError::UnsupportedVersion(17)));
    let message = newer.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("Version 17 is not supported."));
    assert!(message.contains("update Kinwarden"), "{message}");
    assert_eq!(
        LicenseError::UnsupportedVersion(0).to_string(),
        "Version 0 is not supported."
    );
}

#[test]
fn flags_the_reference_checks() {
    type Change = fn(&mut OrganizationLicense);
    let cases: [(Change, LicenseError); 3] = [
        (|l| l.enabled = false, LicenseError::Disabled),
        (|l| l.self_host = false, LicenseError::SelfHostNotAllowed),
        (
            |l| l.license_type = Some(0),
            LicenseError::NotOrganizationLicense,
        ),
    ];
    for (change, error) in cases {
        assert_eq!(check(&signed_with(15, change), soon()).err(), Some(error));
    }
    // A missing LicenseType is allowed.
    assert!(check(&signed_with(15, |l| l.license_type = None), soon()).is_ok());
}

#[test]
fn another_key_or_a_missing_signature_fails() {
    let (private, _) = generate_key_pem().expect("keys");
    let other = LicenseSigningKey::from_pem(&private).expect("private");
    let license = sign(build(&org(), installation(), issued(), 15), &other).expect("sign");
    assert_eq!(
        check(&license, soon()).err(),
        Some(LicenseError::BadSignature)
    );
    let mut unsigned = signed_with(15, |_| {});
    unsigned.kinwarden_signature = None;
    assert_eq!(
        check(&unsigned, soon()).err(),
        Some(LicenseError::BadSignature)
    );
    // The legacy signature alone is checked too: a whole-document signature over a wrong
    // legacy signature is still refused.
    let mut legacy_broken = build(&org(), installation(), issued(), 15);
    legacy_broken.hash = Some("wrong".into());
    legacy_broken.signature = Some("wrong".into());
    legacy_broken.kinwarden_signature =
        Some(keys().0.sign(&document_data(&legacy_broken)).expect("sign"));
    assert_eq!(
        check(&legacy_broken, soon()).err(),
        Some(LicenseError::BadSignature)
    );
}

/// Robustness: whatever arrives as a license file, parsing and verification answer, never panic,
/// and no single field changed to any JSON value still verifies.
mod robustness {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,40}".prop_map(Value::from),
            Just(json!("2025-02-01T00:00:00Z")),
            Just(json!("78900000-0000-0000-0000-000000000123")),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                prop::collection::btree_map(".{0,8}", inner, 0..3)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_bytes_parse_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(license) = OrganizationLicense::from_json(&bytes) {
                prop_assert!(check(&license, soon()).is_err());
            }
        }

        #[test]
        fn one_field_changed_to_anything_never_verifies(
            field in any::<prop::sample::Index>(),
            value in any_json(),
            lower in any::<bool>(),
        ) {
            let license = signed_with(CURRENT_VERSION, |_| {});
            let original = license.to_value(Casing::Pascal);
            let Value::Object(mut map) = original.clone() else {
                panic!("a license is an object");
            };
            let names: Vec<String> = map.keys().cloned().collect();
            let name = names[field.index(names.len())].clone();
            map.remove(&name);
            // Any casing of the name reaches the same field.
            let key = if lower { name.to_lowercase() } else { name.clone() };
            map.insert(key, value);
            if let Ok(changed) = OrganizationLicense::from_value(Value::Object(map))
                && changed.to_value(Casing::Pascal) != original
            {
                prop_assert!(check(&changed, soon()).is_err(), "{name} changed and still verifies");
            }
        }
    }
}
