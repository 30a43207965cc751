//! `/api/organizations/connections` (reference §2.7) and the recorded outcome of a cloud
//! exchange (SPEC §6).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRequest {
    #[serde(rename = "type")]
    pub connection_type: i32,
    pub organization_id: String,
    #[serde(default)]
    pub enabled: bool,
    pub config: Option<serde_json::Value>,
}

/// The connection as the reference answers it: no `object`, `config` as stored (PascalCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionResponse {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub connection_type: i32,
    pub organization_id: String,
    pub enabled: bool,
    pub config: Option<serde_json::Value>,
}

/// The billing sync config a client sends (read case-insensitively).
#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingSyncConfigRequest {
    #[serde(default)]
    pub billing_sync_key: Option<String>,
    #[serde(default)]
    pub last_license_sync: Option<String>,
}

crate::redact::debug_hiding!(BillingSyncConfigRequest { last_license_sync } hiding { billing_sync_key });

/// The billing sync config as stored and answered (PascalCase, reference §1.2).
#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct BillingSyncConfig {
    pub billing_sync_key: String,
    pub cloud_organization_id: String,
    pub last_license_sync: Option<String>,
}

crate::redact::debug_hiding!(BillingSyncConfig { cloud_organization_id, last_license_sync } hiding { billing_sync_key });

/// One recorded exchange with the cloud.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeResponse {
    pub kind: String,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: String,
    pub succeeded: bool,
    pub code: Option<String>,
    pub message: Option<String>,
    pub counts: Option<serde_json::Value>,
    pub object: String,
}
