//! `/api/organization/sponsorship…` (reference §2.1, §2.8): Families for Enterprise offers.

use serde::{Deserialize, Serialize};

/// `OrganizationSponsorshipCreateRequestModel`. A missing `planSponsorshipType` is 0, as the
/// reference's value type reads it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SponsorshipCreateRequest {
    #[serde(default)]
    pub plan_sponsorship_type: i32,
    #[serde(default)]
    pub sponsored_email: Option<String>,
    #[serde(default)]
    pub friendly_name: Option<String>,
    #[serde(default)]
    pub is_admin_initiated: Option<bool>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One `organizationSponsorship` of the admin list (reference §2.1 S5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SponsorshipResponse {
    pub sponsoring_organization_user_id: String,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    pub plan_sponsorship_type: Option<i32>,
    pub last_sync_date: Option<String>,
    pub valid_until: Option<String>,
    pub to_delete: bool,
    pub is_admin_initiated: bool,
    pub notes: Option<String>,
    pub cloud_sponsorship_removed: bool,
    pub object: String,
}

/// `GET organization/sponsorship/{id}/sync-status` (reference §2.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusResponse {
    pub last_sync_date: Option<String>,
    pub object: String,
}
