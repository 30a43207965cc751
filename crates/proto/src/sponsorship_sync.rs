//! `POST /api/organization/sponsorship/sync` (reference §4.1 C1, §2.4): a self-hosted server
//! sends its organization's sponsorships in batches of 1,000; the cloud answers each item with
//! what it now holds. Dates are ISO-8601 UTC.

use serde::{Deserialize, Serialize};

/// The most items one request carries (reference §2.4).
pub const BATCH_SIZE: usize = 1000;

/// The route, relative to a cloud's API base (`installation__apiUri`).
pub const SYNC_PATH: &str = "organization/sponsorship/sync";

#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncRequest {
    pub billing_sync_key: String,
    pub sponsoring_organization_cloud_id: String,
    pub sponsorships_batch: Option<Vec<SyncItem>>,
}

crate::redact::debug_hiding!(SyncRequest { sponsoring_organization_cloud_id, sponsorships_batch } hiding { billing_sync_key });

/// One sponsorship as the self-hosted server holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncItem {
    pub sponsoring_organization_user_id: String,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    #[serde(default)]
    pub plan_sponsorship_type: Option<i32>,
    pub last_sync_date: Option<String>,
    pub valid_until: Option<String>,
    #[serde(default)]
    pub to_delete: bool,
}

/// One sponsorship as the cloud answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncResultItem {
    pub sponsoring_organization_user_id: String,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    pub plan_sponsorship_type: Option<i32>,
    pub last_sync_date: Option<String>,
    pub valid_until: Option<String>,
    #[serde(default)]
    pub to_delete: bool,
    #[serde(default)]
    pub cloud_sponsorship_removed: bool,
    #[serde(default)]
    pub is_admin_initiated: bool,
}

/// An item the cloud left out, and why (SPEC §6; Kinwarden's addition, ignored by old clients).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedItem {
    pub sponsoring_organization_user_id: String,
    /// A short code: `wrong_plan_tier`, `sponsor_disabled`, `deleted_before_sync`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    pub sponsorships_batch: Vec<SyncResultItem>,
    #[serde(default)]
    pub skipped: Vec<SkippedItem>,
}
