//! An organization as the API answers it (`OrganizationResponseModel`): after creation, on
//! `GET /api/organizations/{id}`, and after a self-hosted license upload.

use kinwarden_config::Mode;
use kinwarden_core::plans::{ProductTier, tier_of};
use kinwarden_proto::organizations::OrganizationResponse;

use crate::App;
use crate::records::OrganizationRecord;
use crate::wire_time;

pub fn response(app: &App, org: &OrganizationRecord) -> OrganizationResponse {
    let tier = tier_of(org.plan_type).unwrap_or(ProductTier::Free);
    // The license's terms on a self-hosted server, the plan's on a cloud (SPEC §12).
    let terms = super::terms::of(org);
    OrganizationResponse {
        id: org.id.to_string(),
        name: org.name.clone(),
        billing_email: org.billing_email.clone(),
        plan_type: org.plan_type,
        product_tier_type: tier.code(),
        seats: org.seats,
        max_collections: org.max_collections,
        max_storage_gb: terms.max_storage_gb.map(i32::from),
        enabled: org.enabled,
        expiration_date: org.expiration_date.map(wire_time::from_millis),
        self_host: app.config.mode == Mode::SelfHosted || terms.self_host,
        use_sponsorships: tier == ProductTier::Enterprise,
        use_policies: terms.use_policies,
        use_sso: terms.use_sso,
        use_key_connector: terms.use_key_connector,
        use_scim: terms.use_scim,
        use_groups: terms.use_groups,
        use_directory: terms.use_directory,
        use_events: terms.use_events,
        use_totp: terms.use_totp,
        use_2fa: terms.use_2fa,
        use_api: terms.use_api,
        use_reset_password: terms.use_reset_password,
        use_secrets_manager: terms.use_secrets_manager,
        use_password_manager: terms.use_password_manager,
        use_custom_permissions: terms.use_custom_permissions,
        users_get_premium: terms.users_get_premium,
        has_public_and_private_keys: org.public_key.is_some() && org.private_key.is_some(),
        object: "organization".to_string(),
    }
}
