//! `GET /api/sync` and `GET /api/accounts/profile`: the account as a client loads it, with the
//! vault's folders and items (`crate::vault`). Sends are not served yet (SPEC §11): always `[]`.

use serde::{Deserialize, Serialize};

use crate::accounts::AccountKeys;
use crate::vault::folders::FolderResponse;
use crate::vault::responses::CipherDetailsResponse;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileResponse {
    pub id: String,
    pub name: Option<String>,
    pub email: String,
    pub email_verified: bool,
    pub premium: bool,
    pub premium_from_organization: bool,
    pub master_password_hint: Option<String>,
    pub culture: String,
    pub two_factor_enabled: bool,
    pub key: String,
    pub private_key: Option<String>,
    pub account_keys: Option<AccountKeys>,
    pub security_stamp: String,
    pub force_password_reset: bool,
    pub uses_key_connector: bool,
    pub avatar_color: Option<String>,
    pub creation_date: String,
    pub verify_devices: bool,
    pub organizations: Vec<ProfileOrganization>,
    pub providers: Vec<serde_json::Value>,
    pub provider_organizations: Vec<serde_json::Value>,
    pub object: String,
}

/// One membership as the member sees it (`profileOrganization`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileOrganization {
    pub id: String,
    pub name: String,
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
    pub use_admin_sponsored_families: bool,
    pub self_host: bool,
    pub users_get_premium: bool,
    pub seats: Option<i32>,
    pub max_collections: Option<i32>,
    pub max_storage_gb: Option<i32>,
    pub key: Option<String>,
    pub status: i32,
    #[serde(rename = "type")]
    pub member_type: i32,
    pub enabled: bool,
    pub sso_bound: bool,
    pub identifier: Option<String>,
    pub permissions: crate::members::PermissionsModel,
    pub reset_password_enrolled: bool,
    pub user_id: String,
    pub organization_user_id: String,
    pub has_public_and_private_keys: bool,
    pub provider_id: Option<String>,
    pub provider_name: Option<String>,
    pub provider_type: Option<i32>,
    pub family_sponsorship_friendly_name: Option<String>,
    pub family_sponsorship_available: bool,
    pub family_sponsorship_last_sync_date: Option<String>,
    pub family_sponsorship_valid_until: Option<String>,
    pub family_sponsorship_to_delete: Option<bool>,
    /// Kinwarden's addition (SPEC §6): why the cloud skipped the member's offer at the last
    /// sync that carried it (`wrong_plan_tier`, `sponsor_disabled`, …); none when it did not.
    pub family_sponsorship_sync_skipped_reason: Option<String>,
    pub is_admin_initiated: bool,
    pub product_tier_type: i32,
    pub plan_product_type: i32,
    pub key_connector_enabled: bool,
    pub key_connector_url: Option<String>,
    pub access_secrets_manager: bool,
    pub limit_collection_creation: bool,
    pub limit_collection_deletion: bool,
    pub limit_item_deletion: bool,
    pub allow_admin_access_to_all_collection_items: bool,
    pub user_is_managed_by_organization: bool,
    pub object: String,
}

/// `GET /api/sync`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    #[serde(flatten)]
    pub head: SyncHead,
    /// Every item the user sees, the trash included.
    pub ciphers: Vec<CipherDetailsResponse>,
}

/// The sync's answer without its items: the server writes the items after it as it reads them,
/// a page at a time, instead of holding them all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncHead {
    pub profile: ProfileResponse,
    pub folders: Vec<FolderResponse>,
    /// `collectionDetails` objects.
    pub collections: Vec<crate::vault::collections::CollectionResponse>,
    pub policies: Vec<serde_json::Value>,
    pub domains: Option<serde_json::Value>,
    pub sends: Vec<serde_json::Value>,
    pub user_decryption: serde_json::Value,
    pub object: String,
}
