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
