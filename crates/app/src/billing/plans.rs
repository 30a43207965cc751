//! The offered plans as `GET /api/plans` answers them (`PlanResponseModel`), from the one table
//! in `core::plans`.

use kinwarden_core::plans::{PLANS, Period, Plan, ProductTier, sponsorship_offered_by};
use kinwarden_proto::plans::{PasswordManagerPlanFeatures, PlanResponse, SponsoredPlanResponse};

/// Every offered plan.
pub fn list() -> Vec<PlanResponse> {
    PLANS.iter().map(plan_response).collect()
}

pub fn plan_response(plan: &Plan) -> PlanResponse {
    let f = plan.features;
    PlanResponse {
        plan_type: plan.plan_type,
        product_tier: plan.tier.code(),
        name: plan.name.to_string(),
        is_annual: plan.is_annual(),
        period: match plan.period {
            Period::None => "none",
            Period::Monthly => "monthly",
            Period::Annual => "annual",
        }
        .to_string(),
        name_localization_key: plan.name_localization_key.to_string(),
        description_localization_key: plan.description_localization_key.to_string(),
        can_be_used_by_business: matches!(plan.tier, ProductTier::Teams | ProductTier::Enterprise),
        has_self_host: f.self_host,
        has_policies: f.policies,
        has_groups: f.groups,
        has_directory: f.directory,
        has_events: f.events,
        has_totp: f.totp,
        has_two_factor: f.two_factor,
        has_api: f.api,
        has_sso: f.sso,
        has_key_connector: f.key_connector,
        has_scim: f.scim,
        has_reset_password: f.reset_password,
        has_custom_permissions: f.custom_permissions,
        users_get_premium: f.users_get_premium,
        use_sponsorships: f.sponsorships,
        sponsored_plan: sponsorship_offered_by(plan.tier)
            .filter(|_| f.sponsorships)
            .map(|sponsored| SponsoredPlanResponse {
                plan_sponsorship_type: sponsored.sponsorship_type,
                name: sponsored.name.to_string(),
                sponsoring_product_tier: sponsored.sponsoring_tier.code(),
                sponsored_product_tier: sponsored.sponsored_tier.code(),
                sponsored_plan_type: sponsored.sponsored_plan_type,
            }),
        display_sort_order: plan.display_sort_order,
        disabled: false,
        legacy_year: None,
        password_manager: PasswordManagerPlanFeatures {
            base_seats: plan.base_seats,
            max_seats: plan.max_seats,
            has_additional_seats_option: plan.has_additional_seats_option,
            max_collections: plan.max_collections,
        },
        object: "plan".to_string(),
    }
}
