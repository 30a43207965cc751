//! The `OrganizationLicense` document (reference §5.2): every property, PascalCase in files,
//! camelCase on the wire, read with property names in any case.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// `LicenseType` of an organization license (reference §1.7).
pub const LICENSE_TYPE_ORGANIZATION: i32 = 1;

/// An organization license as the cloud issues it and a self-hosted server reads it.
///
/// Field order is the reference's; it is also the order in which files are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OrganizationLicense {
    pub license_key: Option<String>,
    pub installation_id: Uuid,
    /// The cloud organization's id.
    pub id: Uuid,
    pub name: Option<String>,
    pub billing_email: Option<String>,
    pub business_name: Option<String>,
    pub plan: Option<String>,
    pub enabled: bool,
    #[serde(deserialize_with = "super::plan_type::deserialize")]
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub max_collections: Option<i16>,
    pub max_storage_gb: Option<i16>,
    pub use_policies: bool,
    pub use_sso: bool,
    pub use_key_connector: bool,
    pub use_scim: bool,
    pub use_groups: bool,
    pub use_events: bool,
    pub use_directory: bool,
    pub use_totp: bool,
    #[serde(rename = "Use2fa")]
    pub use_2fa: bool,
    pub use_api: bool,
    pub use_reset_password: bool,
    pub self_host: bool,
    pub users_get_premium: bool,
    pub use_custom_permissions: bool,
    pub use_password_manager: bool,
    pub use_secrets_manager: bool,
    pub sm_seats: Option<i32>,
    pub sm_service_accounts: Option<i32>,
    pub version: i32,
    #[serde(with = "super::dates::required")]
    pub issued: DateTime<Utc>,
    #[serde(with = "super::dates::optional")]
    pub refresh: Option<DateTime<Utc>>,
    #[serde(with = "super::dates::optional")]
    pub expires: Option<DateTime<Utc>>,
    #[serde(with = "super::dates::optional")]
    pub expiration_without_grace_period: Option<DateTime<Utc>>,
    pub trial: bool,
    #[serde(deserialize_with = "super::plan_type::deserialize_license_type")]
    pub license_type: Option<i32>,
    /// Deprecated in the reference; defaults to true when absent.
    #[serde(default = "yes")]
    pub limit_collection_creation_deletion: bool,
    /// Deprecated in the reference; defaults to true when absent.
    #[serde(default = "yes")]
    pub allow_admin_access_to_all_collection_items: bool,
    pub use_risk_insights: bool,
    pub use_phishing_blocker: bool,
    pub use_organization_domains: bool,
    pub use_admin_sponsored_families: bool,
    pub use_automatic_user_confirmation: bool,
    pub use_disable_sm_ads_for_users: bool,
    pub use_my_items: bool,
    pub use_invite_links: bool,
    pub use_pam: bool,
    /// Base64 of SHA-256 over the hash data (reference §5.3).
    pub hash: Option<String>,
    /// Base64 of the RSA signature over the signature data (reference §5.3).
    pub signature: Option<String>,
    /// The claims token (RS256 JWT): when present it is the license, and the fields must
    /// agree with it.
    pub token: Option<String>,
    /// Kinwarden's optional extra proof: base64 of an RSA signature over every other field of
    /// the document (docs/LICENSING.md). Bitwarden readers ignore the unknown property.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinwarden_signature: Option<String>,
}

fn yes() -> bool {
    true
}

impl Default for OrganizationLicense {
    fn default() -> Self {
        Self {
            license_key: None,
            installation_id: Uuid::nil(),
            id: Uuid::nil(),
            name: None,
            billing_email: None,
            business_name: None,
            plan: None,
            enabled: false,
            plan_type: 0,
            seats: None,
            max_collections: None,
            max_storage_gb: None,
            use_policies: false,
            use_sso: false,
            use_key_connector: false,
            use_scim: false,
            use_groups: false,
            use_events: false,
            use_directory: false,
            use_totp: false,
            use_2fa: false,
            use_api: false,
            use_reset_password: false,
            self_host: false,
            users_get_premium: false,
            use_custom_permissions: false,
            use_password_manager: false,
            use_secrets_manager: false,
            sm_seats: None,
            sm_service_accounts: None,
            version: 0,
            issued: DateTime::<Utc>::default(),
            refresh: None,
            expires: None,
            expiration_without_grace_period: None,
            trial: false,
            license_type: None,
            limit_collection_creation_deletion: true,
            allow_admin_access_to_all_collection_items: true,
            use_risk_insights: false,
            use_phishing_blocker: false,
            use_organization_domains: false,
            use_admin_sponsored_families: false,
            use_automatic_user_confirmation: false,
            use_disable_sm_ads_for_users: false,
            use_my_items: false,
            use_invite_links: false,
            use_pam: false,
            hash: None,
            signature: None,
            token: None,
            kinwarden_signature: None,
        }
    }
}

/// The document is not a license.
#[derive(Debug, thiserror::Error)]
#[error("Invalid license: {0}")]
pub struct ParseError(String);

/// How property names are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// Files on disk and the admin download.
    Pascal,
    /// Responses of the API.
    Camel,
}

impl OrganizationLicense {
    /// Reads a license with property names in any case, as the reference does.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ParseError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|err| ParseError(err.to_string()))?;
        Self::from_value(value)
    }

    pub fn from_value(value: Value) -> Result<Self, ParseError> {
        let Value::Object(map) = value else {
            return Err(ParseError("not a JSON object".into()));
        };
        let names = property_names();
        let map: Map<String, Value> = map
            .into_iter()
            .map(|(key, value)| {
                let known = names.iter().find(|name| name.eq_ignore_ascii_case(&key));
                (known.cloned().unwrap_or(key), value)
            })
            .collect();
        serde_json::from_value(Value::Object(map)).map_err(|err| ParseError(err.to_string()))
    }

    /// The document as a JSON object with names in the given casing, in declaration order.
    pub fn to_value(&self, casing: Casing) -> Value {
        let Ok(Value::Object(map)) = serde_json::to_value(self) else {
            // A struct of strings, numbers, bools and dates always serializes to an object.
            return Value::Null;
        };
        match casing {
            Casing::Pascal => Value::Object(map),
            Casing::Camel => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (lower_first(&key), value))
                    .collect(),
            ),
        }
    }

    /// The file form: PascalCase, indented.
    pub fn to_file_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value(Casing::Pascal)).unwrap_or_default()
    }
}

/// Every PascalCase property name of the document.
pub fn property_names() -> Vec<String> {
    let mut names: Vec<String> = match serde_json::to_value(OrganizationLicense::default()) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    // Written only when present.
    names.push(KINWARDEN_SIGNATURE.to_string());
    names
}

/// The name of Kinwarden's own property.
pub const KINWARDEN_SIGNATURE: &str = "KinwardenSignature";

fn lower_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_any_case_and_writes_both_casings() {
        let text = r#"{"ID":"12300000-0000-0000-0000-000000000456","installationid":"78900000-0000-0000-0000-000000000123",
            "use2FA":true,"Version":15,"Issued":"2025-01-01T00:00:00Z","usersGetPremium":true,"Unknown":1}"#;
        let license = OrganizationLicense::from_json(text.as_bytes()).expect("parse");
        assert_eq!(
            license.id.to_string(),
            "12300000-0000-0000-0000-000000000456"
        );
        assert!(license.use_2fa && license.users_get_premium);
        assert!(
            license.limit_collection_creation_deletion,
            "deprecated flags default to true"
        );
        let camel = license.to_value(Casing::Camel);
        assert_eq!(camel["use2fa"], true);
        assert_eq!(
            camel["installationId"],
            "78900000-0000-0000-0000-000000000123"
        );
        let pascal = license.to_value(Casing::Pascal);
        assert_eq!(pascal["UsersGetPremium"], true);
        let back = OrganizationLicense::from_json(license.to_file_json().as_bytes()).expect("back");
        assert_eq!(back, license);
        let back = OrganizationLicense::from_value(camel).expect("camel back");
        assert_eq!(back, license);
    }

    #[test]
    fn rejects_what_is_not_a_license() {
        assert!(OrganizationLicense::from_json(b"[1]").is_err());
        assert!(OrganizationLicense::from_json(b"{\"Version\":\"x\"}").is_err());
        assert!(OrganizationLicense::from_json(b"nope").is_err());
    }
}
