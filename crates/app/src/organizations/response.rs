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
    OrganizationResponse {
        id: org.id.to_string(),
        name: org.name.clone(),
        billing_email: org.billing_email.clone(),
        plan_type: org.plan_type,
        product_tier_type: tier.code(),
        seats: org.seats,
        max_collections: org.max_collections,
        enabled: org.enabled,
        expiration_date: org.expiration_date.map(wire_time::from_millis),
        self_host: app.config.mode == Mode::SelfHosted || tier == ProductTier::Enterprise,
        use_sponsorships: tier == ProductTier::Enterprise,
        has_public_and_private_keys: org.public_key.is_some() && org.private_key.is_some(),
        object: "organization".to_string(),
    }
}
