//! The parts of an item (reference vault §1.3 sub-models): what a login, card, identity, secure
//! note or SSH key holds, custom fields and password history. The same models are read from
//! requests and written in responses, as the reference does. Every text is an encrypted string
//! the server stores as it comes; dates are kept as the client wrote them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lenient;

/// A login (`CipherLoginModel`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherLoginModel {
    /// The first URI. Old clients send it alone (it is added to `uris`); answers carry the
    /// first of `uris` here.
    pub uri: Option<String>,
    /// `null` entries are dropped.
    #[serde(deserialize_with = "lenient::option_vec_without_nulls")]
    pub uris: Option<Vec<CipherLoginUriModel>>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub password_revision_date: Option<String>,
    pub totp: Option<String>,
    pub autofill_on_page_load: Option<bool>,
    pub fido2_credentials: Option<Vec<CipherFido2CredentialModel>>,
}

/// One URI of a login.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherLoginUriModel {
    pub uri: Option<String>,
    pub uri_checksum: Option<String>,
    /// `UriMatchType` (Domain 0 … Never 5); not checked, as the reference does not.
    #[serde(rename = "match", deserialize_with = "lenient::option_i32")]
    pub match_type: Option<i32>,
}

/// A passkey stored with a login; every field but `creationDate` is encrypted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherFido2CredentialModel {
    pub credential_id: Option<String>,
    pub key_type: Option<String>,
    pub key_algorithm: Option<String>,
    pub key_curve: Option<String>,
    pub key_value: Option<String>,
    pub rp_id: Option<String>,
    pub rp_name: Option<String>,
    pub user_handle: Option<String>,
    pub user_name: Option<String>,
    pub user_display_name: Option<String>,
    pub counter: Option<String>,
    pub discoverable: Option<String>,
    /// Required.
    pub creation_date: Option<String>,
}

/// A custom field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherFieldModel {
    /// `FieldType`: Text 0, Hidden 1, Boolean 2, Linked 3 (0 when absent).
    #[serde(rename = "type", deserialize_with = "lenient::i32")]
    pub field_type: i32,
    pub name: Option<String>,
    pub value: Option<String>,
    /// Chosen by the client; never read by the server.
    #[serde(deserialize_with = "lenient::option_i32")]
    pub linked_id: Option<i32>,
}

/// A password the item had before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherPasswordHistoryModel {
    /// Required.
    pub password: Option<String>,
    /// Required.
    pub last_used_date: Option<String>,
}

/// A payment card.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherCardModel {
    pub cardholder_name: Option<String>,
    pub brand: Option<String>,
    pub number: Option<String>,
    pub exp_month: Option<String>,
    pub exp_year: Option<String>,
    pub code: Option<String>,
}

/// An identity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherIdentityModel {
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub address3: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub ssn: Option<String>,
    pub username: Option<String>,
    pub passport_number: Option<String>,
    pub license_number: Option<String>,
}

/// A secure note: its text is the item's `notes`; only its kind is here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherSecureNoteModel {
    /// `SecureNoteType`: Generic 0 (0 when absent).
    #[serde(rename = "type", deserialize_with = "lenient::i32")]
    pub note_type: i32,
}

/// An SSH key (JSON key `sshKey`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherSshKeyModel {
    pub private_key: Option<String>,
    pub public_key: Option<String>,
    pub key_fingerprint: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_reads_as_clients_send_it_and_answers_every_key() {
        let login: CipherLoginModel = serde_json::from_str(
            r#"{"uris":[{"uri":"2.a|b|c","match":null,"uriChecksum":"2.d|e|f"},null],
                "username":"2.u|v|w","fido2Credentials":null,"unknown":1}"#,
        )
        .expect("reads");
        let uris = login.uris.clone().expect("uris");
        assert_eq!(uris.len(), 1);
        assert_eq!(uris[0].uri_checksum.as_deref(), Some("2.d|e|f"));
        let written = serde_json::to_value(&login).expect("writes");
        for key in [
            "uri",
            "uris",
            "username",
            "password",
            "passwordRevisionDate",
            "totp",
            "autofillOnPageLoad",
            "fido2Credentials",
        ] {
            assert!(written.get(key).is_some(), "{key}");
        }
        assert!(written["uris"][0]["match"].is_null());
        assert!(written.get("unknown").is_none());
    }

    #[test]
    fn numbers_default_and_may_come_as_text() {
        let field: CipherFieldModel =
            serde_json::from_str(r#"{"type":"1","name":null}"#).expect("reads");
        assert_eq!(field.field_type, 1);
        let note: CipherSecureNoteModel = serde_json::from_str("{}").expect("reads");
        assert_eq!(
            serde_json::to_string(&note).expect("writes"),
            r#"{"type":0}"#
        );
        let ssh: CipherSshKeyModel =
            serde_json::from_str(r#"{"keyFingerprint":"x"}"#).expect("reads");
        assert_eq!(ssh.key_fingerprint.as_deref(), Some("x"));
    }
}
