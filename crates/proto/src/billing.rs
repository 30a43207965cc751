//! The subscription of a cloud organization and its billing sync token (SPEC §9
//! "organizations (cloud)", reference §4.12). The subscription follows Bitwarden's
//! `OrganizationSubscriptionResponseModel` where its fields exist; `ledger` is an addition.

use serde::{Deserialize, Serialize};

use crate::plans::PlanResponse;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationSubscriptionResponse {
    pub id: String,
    pub name: String,
    pub plan_type: i32,
    /// The offered plan; `None` for a legacy plan type no longer offered.
    pub plan: Option<PlanResponse>,
    pub seats: Option<i32>,
    /// Addition: seats held by invited, accepted and confirmed members.
    pub occupied_seats: i64,
    pub enabled: bool,
    pub expiration: Option<String>,
    /// Self-hosted: the license's paid end (`ExpirationWithoutGracePeriod`), `expiration`
    /// being its `Expires`, grace included; none on a cloud and for licenses without one.
    pub expiration_without_grace_period: Option<String>,
    pub subscription: SubscriptionResponse,
    /// Addition: every ledger entry, oldest first.
    pub ledger: Vec<LedgerEntryResponse>,
    pub object: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionResponse {
    pub period_start_date: Option<String>,
    pub period_end_date: Option<String>,
    /// `active`, or `unpaid` once the period has ended or the organization is disabled.
    pub status: String,
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntryResponse {
    pub id: String,
    /// `initial`, `renewal`, `seatChange`, `planChange` or `paymentRecorded`.
    pub kind: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub plan_type: i32,
    pub seats: Option<i32>,
    /// The user who made the change; `None` for the system or a system administrator.
    pub recorded_by: Option<String>,
    pub recorded_date: String,
    pub object: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeatAdjustmentRequest {
    pub seat_adjustment: i32,
}

/// `POST …/api-key` and `…/rotate-api-key`: the key type and the secret proving the caller.
#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationApiKeyRequest {
    #[serde(rename = "type", default)]
    pub key_type: i32,
    #[serde(default)]
    pub master_password_hash: Option<String>,
    #[serde(default)]
    pub otp: Option<String>,
}

crate::redact::debug_hiding!(OrganizationApiKeyRequest { key_type } hiding { master_password_hash, otp });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyResponse {
    pub api_key: String,
    pub revision_date: String,
    pub object: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInformationResponse {
    pub key_type: i32,
    pub revision_date: String,
    pub object: String,
}
