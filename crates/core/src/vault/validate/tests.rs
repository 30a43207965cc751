//! Table tests of item validation with the reference's cases and texts.

use super::*;
use crate::vault::item::{AttachmentMetadata, CustomField, LoginUri, PasswordEntry};
use proptest::prelude::*;

/// A valid encrypted string of exactly `len` characters (`len` ≥ 16, `len % 4 == 0`).
fn enc_of(len: usize) -> String {
    format!("2.AAAA|BBBB|{}", "C".repeat(len - 12))
}

fn named(name: &str) -> ItemFields<'_> {
    ItemFields {
        name: Some(name),
        ..ItemFields::default()
    }
}

fn only(key: &str, texts: &[&str]) -> ValidationErrors {
    ValidationErrors::from([(
        key.to_string(),
        texts.iter().map(|t| t.to_string()).collect(),
    )])
}

#[test]
fn a_login_as_the_cli_saves_it_passes() {
    let item = ItemFields {
        name: Some("2.bmFt|ZQ==|bWFj"),
        login: Some(LoginParts {
            uris: vec![LoginUri {
                uri: Some("2.YQ==|Yg==|Yw=="),
                uri_checksum: Some("2.ZA==|ZQ==|Zg=="),
            }],
            username: Some("2.dQ==|dQ==|dQ=="),
            password: Some("2.cA==|cA==|cA=="),
            ..LoginParts::default()
        }),
        encrypted_by_key_id: Some("0123456789abcdef0123456789abcdef"),
        organization_id: Some("6d0f3f5e-0000-4000-8000-000000000001"),
        ..ItemFields::default()
    };
    assert_eq!(validate_item(&item), ValidationErrors::new());
}

#[test]
fn the_name_is_required_and_encrypted() {
    let long = enc_of(1004);
    let cases: [(Option<&str>, &[&str]); 6] = [
        (None, &["The Name field is required."]),
        (
            Some(""),
            &[
                "The Name field is required.",
                "Name is not a valid encrypted string.",
            ],
        ),
        (
            Some("   "),
            &[
                "The Name field is required.",
                "Name is not a valid encrypted string.",
            ],
        ),
        (Some("Test"), &["Name is not a valid encrypted string."]),
        (
            Some(long.as_str()),
            &["The field Name exceeds the maximum encrypted value length of 1000 characters."],
        ),
        (Some("2.AAAA|BBBB|CCCC"), &[]),
    ];
    for (name, expected) in cases {
        let item = ItemFields {
            name,
            ..ItemFields::default()
        };
        let want = if expected.is_empty() {
            ValidationErrors::new()
        } else {
            only("Name", expected)
        };
        assert_eq!(validate_item(&item), want, "{name:?}");
    }
}

#[test]
fn limits_are_inclusive_and_measured_on_the_encrypted_text() {
    let name = enc_of(1000);
    let notes = enc_of(10_000);
    let item = ItemFields {
        name: Some(&name),
        notes: Some(&notes),
        ..ItemFields::default()
    };
    assert_eq!(validate_item(&item), ValidationErrors::new());
    let notes = enc_of(10_004);
    let item = ItemFields {
        notes: Some(&notes),
        ..named("2.AAAA|BBBB|CCCC")
    };
    assert_eq!(
        validate_item(&item),
        only(
            "Notes",
            &["The field Notes exceeds the maximum encrypted value length of 10000 characters."]
        )
    );
}

#[test]
fn a_plain_text_too_long_gets_both_messages() {
    let notes = "x".repeat(10_001);
    let item = ItemFields {
        notes: Some(&notes),
        ..named("2.AAAA|BBBB|CCCC")
    };
    assert_eq!(
        validate_item(&item),
        only(
            "Notes",
            &[
                "Notes is not a valid encrypted string.",
                "The field Notes exceeds the maximum encrypted value length of 10000 characters."
            ]
        )
    );
}

#[test]
fn plain_texts_with_plain_limits() {
    let org = "o".repeat(37);
    let data = "d".repeat(500_001);
    let item = ItemFields {
        organization_id: Some(&org),
        data: Some(&data),
        encrypted_by_key_id: Some("0123456789ABCDEF0123456789ABCDEF"),
        ..named("2.AAAA|BBBB|CCCC")
    };
    let mut want = only(
        "OrganizationId",
        &["The field OrganizationId must be a string with a maximum length of 36."],
    );
    want.insert(
        "Data".into(),
        vec!["The field Data must be a string with a maximum length of 500000.".into()],
    );
    want.insert(
        "EncryptedByKeyId".into(),
        vec!["EncryptedByKeyId is not a valid key id.".into()],
    );
    assert_eq!(validate_item(&item), want);
}

#[test]
fn custom_fields_and_history_are_keyed_by_their_place() {
    // Reference test: a plaintext field name or value fails, valid strings and nulls pass.
    let item = ItemFields {
        fields: vec![
            CustomField {
                name: Some("2.AAAA|BBBB|CCCC"),
                value: None,
            },
            CustomField {
                name: Some("plain name"),
                value: Some("plain value"),
            },
        ],
        password_history: vec![PasswordEntry::default()],
        ..named("2.AAAA|BBBB|CCCC")
    };
    let mut want = only("Fields[1].Name", &["Name is not a valid encrypted string."]);
    want.insert(
        "Fields[1].Value".into(),
        vec!["Value is not a valid encrypted string.".into()],
    );
    want.insert(
        "PasswordHistory[0].Password".into(),
        vec!["The Password field is required.".into()],
    );
    want.insert(
        "PasswordHistory[0].LastUsedDate".into(),
        vec!["The LastUsedDate field is required.".into()],
    );
    assert_eq!(validate_item(&item), want);
}

#[test]
fn a_login_checks_its_first_uri_twice_and_its_passkeys() {
    let item = ItemFields {
        login: Some(LoginParts {
            uris: vec![LoginUri {
                uri: Some("https://example.com"),
                uri_checksum: None,
            }],
            totp: Some("otpauth://x"),
            fido2_credentials: vec![Fido2Credential {
                rp_id: Some("2.AAAA|BBBB|CCCC"),
                ..Fido2Credential::default()
            }],
            ..LoginParts::default()
        }),
        ..named("2.AAAA|BBBB|CCCC")
    };
    let mut want = only("Login.Uri", &["Uri is not a valid encrypted string."]);
    want.insert(
        "Login.Uris[0].Uri".into(),
        vec!["Uri is not a valid encrypted string.".into()],
    );
    want.insert(
        "Login.Totp".into(),
        vec!["Totp is not a valid encrypted string.".into()],
    );
    want.insert(
        "Login.Fido2Credentials[0].CreationDate".into(),
        vec!["The CreationDate field is required.".into()],
    );
    assert_eq!(validate_item(&item), want);
}

#[test]
fn card_and_identity_word_two_limits_as_plain_lengths() {
    let long = enc_of(1004);
    let item = ItemFields {
        card: Some(CardParts {
            exp_year: Some(&long),
            number: Some(&long),
            ..CardParts::default()
        }),
        identity: Some(IdentityParts {
            address1: Some(&long),
            ssn: Some("123-45-6789"),
            ..IdentityParts::default()
        }),
        ssh_key: Some(SshKeyParts {
            private_key: Some("-----BEGIN OPENSSH PRIVATE KEY-----"),
            ..SshKeyParts::default()
        }),
        ..named("2.AAAA|BBBB|CCCC")
    };
    let mut want = only(
        "Card.ExpYear",
        &["The field ExpYear must be a string with a maximum length of 1000."],
    );
    want.insert(
        "Card.Number".into(),
        vec![
            "The field Number exceeds the maximum encrypted value length of 1000 characters."
                .into(),
        ],
    );
    want.insert(
        "Identity.Address1".into(),
        vec!["The field Address1 must be a string with a maximum length of 1000.".into()],
    );
    want.insert(
        "Identity.SSN".into(),
        vec!["SSN is not a valid encrypted string.".into()],
    );
    want.insert(
        "SSHKey.PrivateKey".into(),
        vec!["PrivateKey is not a valid encrypted string.".into()],
    );
    assert_eq!(validate_item(&item), want);
}

#[test]
fn attachment_metadata_is_only_length_checked() {
    let long = "n".repeat(1001);
    let item = ItemFields {
        attachments2: vec![
            AttachmentMetadata {
                id: "a1",
                file_name: Some("not encrypted"),
                key: None,
            },
            AttachmentMetadata {
                id: "b2",
                file_name: None,
                key: Some(&long),
            },
        ],
        ..named("2.AAAA|BBBB|CCCC")
    };
    assert_eq!(
        validate_item(&item),
        only(
            "Attachments2[b2].Key",
            &["The field Key exceeds the maximum encrypted value length of 1000 characters."]
        )
    );
}

#[test]
fn an_item_inside_a_larger_request_is_keyed_by_its_place() {
    let mut errors = ValidationErrors::new();
    validate_item_at(&named("2.AAAA|BBBB|CCCC"), "Ciphers[0]", &mut errors);
    validate_item_at(
        &ItemFields {
            notes: Some("plain"),
            ..named("2.AAAA|BBBB|CCCC")
        },
        "Ciphers[3]",
        &mut errors,
    );
    assert_eq!(
        errors,
        only(
            "Ciphers[3].Notes",
            &["Notes is not a valid encrypted string."]
        )
    );
}

#[test]
fn a_create_needs_collections_for_an_organization_item_once_the_item_passes() {
    let org = "6d0f3f5e-0000-4000-8000-000000000001";
    let valid = ItemFields {
        organization_id: Some(org),
        ..named("2.AAAA|BBBB|CCCC")
    };
    let invalid = ItemFields {
        organization_id: Some(org),
        ..named("plain")
    };
    let personal = named("2.AAAA|BBBB|CCCC");
    let blank_org = ItemFields {
        organization_id: Some(" "),
        ..named("2.AAAA|BBBB|CCCC")
    };
    assert_eq!(
        validate_create(Some(&valid), 0),
        only(
            "CollectionIds",
            &["You must select at least one collection."]
        )
    );
    assert_eq!(validate_create(Some(&valid), 1), ValidationErrors::new());
    assert_eq!(validate_create(Some(&personal), 0), ValidationErrors::new());
    assert_eq!(
        validate_create(Some(&blank_org), 0),
        ValidationErrors::new()
    );
    assert_eq!(
        validate_create(Some(&invalid), 0),
        only("Cipher.Name", &["Name is not a valid encrypted string."])
    );
    assert_eq!(
        validate_create(None, 3),
        only("Cipher", &["The Cipher field is required."])
    );
}

proptest! {
    #[test]
    fn any_text_gets_only_the_reference_messages(text in any::<String>()) {
        let item = ItemFields {
            name: Some(&text),
            notes: Some(&text),
            ..ItemFields::default()
        };
        for (key, texts) in validate_item(&item) {
            prop_assert!(key == "Name" || key == "Notes");
            for message in texts {
                prop_assert!(
                    message.contains("is not a valid encrypted string.")
                        || message.contains("exceeds the maximum encrypted value length")
                        || message == "The Name field is required.",
                    "{}", message
                );
            }
        }
    }

    #[test]
    fn a_well_formed_name_within_the_limit_passes(pieces in 1usize..200) {
        let name = enc_of(12 + 4 * pieces);
        prop_assert_eq!(validate_item(&named(&name)), ValidationErrors::new());
    }
}
