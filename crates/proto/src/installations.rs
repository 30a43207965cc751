//! `/api/installations` (cloud only, reference §3.5).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallationRequest {
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallationResponse {
    pub id: String,
    /// Present once, in the answer to the creation; null afterwards.
    pub key: Option<String>,
    pub enabled: bool,
    pub object: String,
}

/// The scopes an installation asks the cloud identity for (reference §3.5): each cloud call
/// needs its own.
pub mod scope {
    /// The sponsorship sync.
    pub const INSTALLATION: &str = "api.installation";
    /// Fetching a fresh license.
    pub const LICENSING: &str = "api.licensing";
    /// Push relay; issued, not served.
    pub const PUSH: &str = "api.push";
}

// A self-hosted server asking for a fresh license (`GET /api/licenses/organization/{id}`,
// reference §5.1 L1): it proves the organization with its license key and billing sync token.
// (A line comment, not a doc comment: the OpenAPI document pins this schema without a text.)
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseSyncRequest {
    #[serde(default)]
    pub license_key: String,
    #[serde(default)]
    pub billing_sync_key: String,
}

crate::redact::debug_hiding!(LicenseSyncRequest {  } hiding { license_key, billing_sync_key });

/// What a cloud identity answers an installation's token request (`POST connect/token`,
/// reference cloud-wire §1): the OAuth names in snake_case, or an OAuth error. Every field is
/// optional here so that a refusal and a grant read alike; the client says what it misses.
#[derive(Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct InstallationTokenAnswer {
    pub access_token: Option<String>,
    pub expires_in: Option<i64>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

crate::redact::debug_hiding!(InstallationTokenAnswer { expires_in, error, error_description } hiding { access_token });

/// The cloud's error envelope as a client reads it (reference cloud-wire §0 "Cloud errors"):
/// only what names the cause. Validation messages are kept as JSON, as their shape is loose.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CloudErrorAnswer {
    pub message: Option<String>,
    pub validation_errors: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}
