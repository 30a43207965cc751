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
