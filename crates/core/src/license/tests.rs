//! Signing and verification together: both proofs, any changed field, another installation,
//! dates, versions, trust.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::*;
use crate::tokens::generate_key_pem;

/// The test key's made-up certificate thumbprint (core has no certificate maker; the key is
/// trusted as if its certificate had this thumbprint).
const TEST_THUMBPRINT: &str = "00112233445566778899AABBCCDDEEFF00112233";

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

fn test_x5t() -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&TEST_THUMBPRINT[i * 2..i * 2 + 2], 16).expect("hex"))
        .collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Bitwarden's certificate and the test key.
fn trust() -> TrustStore {
    let mut store = TrustStore::built_in();
    store.add(TrustedKey {
        key: keys().1.clone(),
        thumbprint: Some(TEST_THUMBPRINT.into()),
        subject: Some("CN=Test".into()),
        valid: None,
        source: TrustSource::File("test.pem".into()),
    });
    store
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

/// A license with every proof, as the Kinwarden cloud issues it.
fn signed_with(version: i32, change: impl FnOnce(&mut OrganizationLicense)) -> OrganizationLicense {
    let mut license = build(&org(), installation(), issued(), version);
    change(&mut license);
    sign(license, &keys().0, Some(&test_x5t())).expect("sign")
}

/// A license with the legacy proof only.
fn legacy_with(version: i32, change: impl FnOnce(&mut OrganizationLicense)) -> OrganizationLicense {
    let mut license = build(&org(), installation(), issued(), version);
    change(&mut license);
    sign_legacy(license, &keys().0).expect("sign")
}

fn check(
    license: &OrganizationLicense,
    now: DateTime<Utc>,
) -> Result<VerifiedLicense, LicenseError> {
    verify(license, &trust(), installation(), now)
}

fn soon() -> DateTime<Utc> {
    issued() + Duration::days(1)
}

fn unusable(reasons: Vec<Unusable>) -> Option<LicenseError> {
    Some(LicenseError::Unusable(reasons))
}

#[test]
fn a_signed_license_verifies_by_its_token_in_both_casings() {
    let license = signed_with(CURRENT_VERSION, |_| {});
    let verified = check(&license, soon()).expect("verifies");
    assert_eq!(verified.proof(), Proof::Token);
    assert_eq!(verified.signer_thumbprint(), Some(TEST_THUMBPRINT));
    for casing in [Casing::Pascal, Casing::Camel] {
        let text = serde_json::to_vec(&license.to_value(casing)).expect("json");
        let read = OrganizationLicense::from_json(&text).expect("read");
        assert!(check(&read, soon()).is_ok(), "{casing:?}");
    }
}

#[test]
fn without_a_token_the_legacy_signature_is_the_proof() {
    for version in [1, 12, 15, 16] {
        let verified = check(&legacy_with(version, |_| {}), soon()).expect("verifies");
        assert_eq!(verified.proof(), Proof::Signature, "{version}");
    }
    // Kinwarden-issued licenses from before tokens: legacy Signature plus KinwardenSignature.
    let mut old = legacy_with(CURRENT_VERSION, |_| {});
    old.kinwarden_signature = Some(keys().0.sign(&document_data(&old)).expect("sign"));
    assert_eq!(check(&old, soon()).map(|v| v.proof()), Ok(Proof::Signature));
    // A changed legacy field no longer matches the Hash.
    let mut edited = legacy_with(12, |_| {});
    edited.seats = Some(500);
    assert_eq!(
        check(&edited, soon()).err(),
        Some(LicenseError::FieldsChanged)
    );
    // A newer flag is only covered by the KinwardenSignature, when there is one.
    let mut flag = old.clone();
    flag.use_pam = true;
    assert_eq!(
        check(&flag, soon()).err(),
        Some(LicenseError::KinwardenSignature)
    );
}

#[test]
fn a_field_that_contradicts_the_token_is_named() {
    let mut license = signed_with(CURRENT_VERSION, |_| {});
    license.seats = Some(500);
    license.kinwarden_signature = None;
    let err = check(&license, soon()).expect_err("refused");
    assert_eq!(
        err,
        LicenseError::ContradictsToken {
            field: "Seats".into(),
            file_value: "500".into(),
            token_value: "10".into()
        }
    );
    assert!(
        err.to_string()
            .contains("Seats is 500 but its token says 10"),
        "{err}"
    );
}

#[test]
fn an_untrusted_signer_is_named_with_what_to_do() {
    let (private, _) = generate_key_pem().expect("keys");
    let other = LicenseSigningKey::from_pem(&private).expect("private");
    let stranger = "FFEEDDCCBBAA99887766554433221100FFEEDDCC";
    let x5t = {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let bytes: Vec<u8> = (0..20)
            .map(|i| u8::from_str_radix(&stranger[i * 2..i * 2 + 2], 16).expect("hex"))
            .collect();
        URL_SAFE_NO_PAD.encode(bytes)
    };
    let license = sign(
        build(&org(), installation(), issued(), 15),
        &other,
        Some(&x5t),
    )
    .expect("sign");
    let err = check(&license, soon()).expect_err("refused");
    assert!(matches!(&err, LicenseError::Untrusted { needed: Some(n), .. } if n == stranger));
    let text = err.to_string();
    assert!(
        text.contains(stranger) && text.contains("kinwarden__licenseCertificates"),
        "{text}"
    );
    assert!(
        text.contains(BITWARDEN_THUMBPRINT) && text.contains(TEST_THUMBPRINT),
        "{text}"
    );
    // A server with only the built-in certificate refuses the test key's license the same way.
    let only_bitwarden = verify(
        &signed_with(15, |_| {}),
        &TrustStore::built_in(),
        installation(),
        soon(),
    );
    assert!(matches!(
        only_bitwarden,
        Err(LicenseError::Untrusted { needed: Some(ref n), .. }) if n == TEST_THUMBPRINT
    ));
    // Without a token, the legacy signature by another key is untrusted too.
    let legacy = sign_legacy(build(&org(), installation(), issued(), 15), &other).expect("sign");
    assert!(matches!(
        check(&legacy, soon()),
        Err(LicenseError::Untrusted { needed: None, .. })
    ));
}

/// A token written by hand: claims as the reference's cloud writes them.
fn hand_token(claims: Map<String, Value>) -> String {
    sign_token(&claims, &keys().0, None).expect("token")
}

fn reference_claims(now: DateTime<Utc>) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "LicenseType": "Organization",
        "Id": "12300000-0000-0000-0000-000000000456",
        "Enabled": "True",
        "PlanType": "EnterpriseAnnually",
        "UseSso": "True",
        "SelfHost": "True",
        "UseGroups": "True",
        "Issued": format_claim_date(issued()),
        "Expires": "02/01/2026 00:00:00",
        "Trial": "False",
        "UseAdminSponsoredFamilies": ["True", "False"],
        "Name": "Acme",
        "InstallationId": installation().to_string(),
        "Seats": "25",
        "nbf": now.timestamp() - 10,
        "exp": now.timestamp() + 3600,
        "iss": "bitwarden",
        "aud": "organization:12300000-0000-0000-0000-000000000456",
    }) else {
        panic!("object");
    };
    map
}

#[test]
fn reference_claims_are_read_as_the_reference_reads_them() {
    let now = soon();
    let file = OrganizationLicense {
        id: org().id,
        version: 15,
        token: Some(hand_token(reference_claims(now))),
        ..OrganizationLicense::default()
    };
    // The file carries only the token: its defaults contradict nothing the claims set? They do:
    // the check names the first field that differs.
    let err = check(&file, now).expect_err("the bare file contradicts its token");
    assert!(
        matches!(err, LicenseError::ContradictsToken { .. }),
        "{err}"
    );
    let claims_license = license_from_claims(&file, &reference_claims(now)).expect("claims read");
    assert_eq!(claims_license.plan_type, 20);
    assert!(claims_license.use_sso && claims_license.use_admin_sponsored_families);
    assert!(
        !claims_license.limit_collection_creation_deletion,
        "missing bool is false"
    );
    assert_eq!(claims_license.seats, Some(25));
    assert_eq!(claims_license.max_collections, None);
    assert_eq!(claims_license.license_type, Some(1));
    let whole = OrganizationLicense {
        token: file.token.clone(),
        ..claims_license
    };
    let verified = check(&whole, now).expect("a file that agrees with its token verifies");
    assert_eq!(verified.license().seats, Some(25));
    // A missing LicenseType claim reads as User.
    let mut claims = reference_claims(now);
    claims.remove("LicenseType");
    let user = license_from_claims(&file, &claims).expect("read");
    assert_eq!(user.license_type, Some(0));
    let mut claims = reference_claims(now);
    claims.insert("Seats".into(), "many".into());
    assert!(matches!(
        license_from_claims(&file, &claims),
        Err(LicenseError::BadClaim { claim, .. }) if claim == "Seats"
    ));
}

#[test]
fn the_token_lifetime_audience_and_issuer_are_checked() {
    let license = signed_with(15, |_| {});
    let year_on = issued() + Duration::days(366);
    assert!(matches!(
        check(&license, year_on),
        Err(LicenseError::TokenExpired { .. })
    ));
    assert!(matches!(
        check(&license, issued() - Duration::seconds(1)),
        Err(LicenseError::TokenNotYetValid { .. })
    ));
    let mut other_org = license.clone();
    other_org.id = Uuid::new_v4();
    other_org.kinwarden_signature = None;
    assert!(matches!(
        check(&other_org, soon()),
        Err(LicenseError::InvalidToken(text)) if text.contains("organization:12300000")
    ));
    let mut claims = reference_claims(soon());
    claims.insert("iss".into(), "someone".into());
    let mut wrong_issuer = license.clone();
    wrong_issuer.token = Some(hand_token(claims));
    wrong_issuer.kinwarden_signature = None;
    assert!(matches!(
        check(&wrong_issuer, soon()),
        Err(LicenseError::InvalidToken(text)) if text.contains("issuer")
    ));
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
            assert!(check(&tampered, soon()).is_err(), "{name} = {replacement}");
            break;
        }
        assert!(tried, "{name} could not be changed");
    }
}

#[test]
fn another_installation_is_refused_naming_both() {
    let other = Uuid::new_v4();
    for license in [
        signed_with(CURRENT_VERSION, |l| l.installation_id = other),
        legacy_with(12, |l| l.installation_id = other),
    ] {
        let err = check(&license, soon()).err();
        assert_eq!(
            err,
            unusable(vec![Unusable::WrongInstallation {
                license: other,
                server: installation()
            }])
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.starts_with("The installation ID does not match the current installation."));
        assert!(text.contains(&other.to_string()), "{text}");
    }
}

#[test]
fn dates_are_checked_against_the_given_time() {
    let license = legacy_with(CURRENT_VERSION, |_| {});
    assert_eq!(
        check(&license, issued() - Duration::seconds(1)).err(),
        unusable(vec![Unusable::NotYetIssued { issued: issued() }])
    );
    assert!(check(&license, issued()).is_ok());
    let expires = license.expires.expect("expires");
    assert!(check(&license, expires).is_ok());
    let err = check(&license, expires + Duration::seconds(1)).err();
    assert_eq!(err, unusable(vec![Unusable::Expired { expires }]));
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .starts_with("The license has expired.")
    );
    // A tokened license whose Expires passed while its token still lives is refused too.
    let short = signed_with(CURRENT_VERSION, |l| {
        l.expires = Some(issued() + Duration::days(2));
    });
    assert_eq!(
        check(&short, issued() + Duration::days(3)).err(),
        unusable(vec![Unusable::Expired {
            expires: issued() + Duration::days(2)
        }])
    );
}

#[test]
fn versions_outside_1_to_16_are_refused() {
    for version in [1, 15, 16] {
        assert!(
            check(&legacy_with(version, |_| {}), soon()).is_ok(),
            "{version}"
        );
    }
    assert_eq!(
        check(&legacy_with(0, |_| {}), soon()).err(),
        Some(LicenseError::UnsupportedVersion(0))
    );
    let newer = check(&legacy_with(17, |_| {}), soon()).err();
    assert_eq!(newer, Some(LicenseError::UnsupportedVersion(17)));
    let message = newer.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("Version 17 is not supported."));
    assert!(message.contains("update Kinwarden"), "{message}");
    // With a token the version is not what counts.
    assert!(check(&signed_with(17, |_| {}), soon()).is_ok());
}

#[test]
fn flags_the_reference_checks_are_all_collected() {
    let err = check(
        &signed_with(15, |l| {
            l.enabled = false;
            l.self_host = false;
        }),
        soon(),
    )
    .err();
    assert_eq!(
        err,
        unusable(vec![Unusable::Disabled, Unusable::SelfHostNotAllowed])
    );
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.starts_with("Your cloud-hosted organization is currently disabled."));
    assert!(text.contains("\nThe license does not allow for on-premise hosting"));
    assert_eq!(
        check(&legacy_with(15, |l| l.license_type = Some(0)), soon()).err(),
        unusable(vec![Unusable::NotOrganizationLicense])
    );
    // A missing LicenseType is allowed without a token.
    assert!(check(&legacy_with(15, |l| l.license_type = None), soon()).is_ok());
}

/// Robustness: whatever arrives as a license file, parsing and verification answer, never panic,
/// and no single field changed to any JSON value still verifies.
mod robustness {
    use proptest::prelude::*;
    use serde_json::Value;

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
            // Kinwarden's own signature is optional: leaving it out is no change.
            let dropped_optional = name == KINWARDEN_SIGNATURE && value.is_null();
            map.insert(key, value);
            if let Ok(changed) = OrganizationLicense::from_value(Value::Object(map))
                && changed.to_value(Casing::Pascal) != original
                && !dropped_optional
            {
                prop_assert!(check(&changed, soon()).is_err(), "{name} changed and still verifies");
            }
        }
    }
}
