//! `/api/organizations`: creation and reading (SPEC §9 "organizations").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationKeysModel {
    pub public_key: String,
    pub encrypted_private_key: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrganizationRequest {
    pub name: String,
    pub billing_email: String,
    pub plan_type: i32,
    #[serde(default)]
    pub additional_seats: i32,
    /// The organization key wrapped for the creator (EncString type 4).
    pub key: String,
    pub keys: Option<OrganizationKeysModel>,
    #[serde(default)]
    pub collection_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationResponse {
    pub id: String,
    pub name: String,
    pub billing_email: String,
    pub plan_type: i32,
    pub product_tier_type: i32,
    pub seats: Option<i32>,
    pub max_collections: Option<i32>,
    pub max_storage_gb: Option<i32>,
    pub enabled: bool,
    pub expiration_date: Option<String>,
    pub self_host: bool,
    pub use_sponsorships: bool,
    pub use_policies: bool,
    pub use_sso: bool,
    pub use_key_connector: bool,
    pub use_scim: bool,
    pub use_groups: bool,
    pub use_directory: bool,
    pub use_events: bool,
    pub use_totp: bool,
    #[serde(rename = "use2fa")]
    pub use_2fa: bool,
    pub use_api: bool,
    pub use_reset_password: bool,
    pub use_secrets_manager: bool,
    pub use_password_manager: bool,
    pub use_custom_permissions: bool,
    pub users_get_premium: bool,
    pub has_public_and_private_keys: bool,
    pub object: String,
}
