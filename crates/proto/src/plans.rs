//! `GET /api/plans`: the plan catalogue, shaped like Bitwarden's `PlanResponseModel` without
//! prices (no card processor). Additions: `period`, `useSponsorships` and `sponsoredPlan`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanResponse {
    #[serde(rename = "type")]
    pub plan_type: i32,
    pub product_tier: i32,
    pub name: String,
    pub is_annual: bool,
    /// Addition: `"none"` (Free), `"monthly"` or `"annual"`.
    pub period: String,
    pub name_localization_key: String,
    pub description_localization_key: String,
    pub can_be_used_by_business: bool,
    pub has_self_host: bool,
    pub has_policies: bool,
    pub has_groups: bool,
    pub has_directory: bool,
    pub has_events: bool,
    pub has_totp: bool,
    #[serde(rename = "has2fa")]
    pub has_two_factor: bool,
    pub has_api: bool,
    pub has_sso: bool,
    pub has_key_connector: bool,
    pub has_scim: bool,
    pub has_reset_password: bool,
    pub has_custom_permissions: bool,
    pub users_get_premium: bool,
    /// Addition: members may offer the sponsored plan below (Families for Enterprise).
    pub use_sponsorships: bool,
    /// Addition: what this plan sponsors, if anything.
    pub sponsored_plan: Option<SponsoredPlanResponse>,
    pub display_sort_order: i32,
    pub disabled: bool,
    pub legacy_year: Option<i32>,
    pub password_manager: PasswordManagerPlanFeatures,
    pub object: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordManagerPlanFeatures {
    pub base_seats: i32,
    pub max_seats: Option<i32>,
    pub has_additional_seats_option: bool,
    pub max_collections: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SponsoredPlanResponse {
    pub plan_sponsorship_type: i32,
    pub name: String,
    pub sponsoring_product_tier: i32,
    pub sponsored_product_tier: i32,
    pub sponsored_plan_type: i32,
}
