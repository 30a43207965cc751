//! The profile a user sees of themself (in `/api/sync` and `/api/accounts/profile`), with each
//! organization they belong to.

use kinwarden_core::members::{self, MemberStatus};
use kinwarden_core::plans::{ProductTier, tier_of};
use kinwarden_core::sponsorships;
use kinwarden_proto::accounts::AccountKeys;
use kinwarden_proto::sync::{ProfileOrganization, ProfileResponse};
use kinwarden_store::{Membership, UserRecord};

use crate::App;
use crate::error::AppError;
use crate::wire_time;

pub async fn build(state: &App, user: &UserRecord) -> Result<ProfileResponse, AppError> {
    // Confirmed memberships only, as the reference's sync and profile (bitwarden/server
    // `SyncController.Get`, `AccountsController.GetProfile`): an invited or accepted member has
    // no org key yet, and clients that find an organization with a null `key` fail to unlock
    // (the `bw` CLI's SDK stops its login with "invalid type: unit value, expected a valid
    // string").
    let memberships = state
        .store
        .memberships_of_user(user.id, MemberStatus::Confirmed)
        .await?;
    let self_hosted = state.config.mode == kinwarden_config::Mode::SelfHosted;
    let organizations: Vec<ProfileOrganization> = memberships
        .iter()
        .map(|membership| profile_organization(membership, self_hosted))
        .collect();
    // Premium comes with an enabled organization whose plan or license gives its users premium,
    // or with the server's setting for everyone.
    let premium_from_organization = organizations
        .iter()
        .any(|org| org.enabled && org.users_get_premium);
    Ok(ProfileResponse {
        id: user.id.to_string(),
        name: user.name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        premium: premium_from_organization || state.config.premium_for_all,
        premium_from_organization,
        master_password_hint: None,
        culture: user.culture.clone(),
        two_factor_enabled: false,
        key: user.user_key.clone(),
        private_key: user.private_key.clone(),
        account_keys: user
            .private_key
            .clone()
            .map(|private| AccountKeys::new(private, user.public_key.clone())),
        security_stamp: user.security_stamp.clone(),
        force_password_reset: false,
        uses_key_connector: false,
        avatar_color: None,
        creation_date: wire_time::from_millis(user.created_at),
        verify_devices: false,
        organizations,
        providers: Vec::new(),
        provider_organizations: Vec::new(),
        object: "profile".to_string(),
    })
}

/// Whether the user has premium features (attachments, TOTP codes): from an enabled
/// organization whose plan or license gives its users premium, or the server's setting.
pub async fn has_premium(state: &App, user: &UserRecord) -> Result<bool, AppError> {
    if state.config.premium_for_all {
        return Ok(true);
    }
    let self_hosted = state.config.mode == kinwarden_config::Mode::SelfHosted;
    Ok(state
        .store
        .memberships_of_user(user.id, MemberStatus::Confirmed)
        .await?
        .iter()
        .map(|membership| profile_organization(membership, self_hosted))
        .any(|org| org.enabled && org.users_get_premium))
}

fn profile_organization(membership: &Membership, self_hosted: bool) -> ProfileOrganization {
    let member = &membership.member;
    let org = &membership.organization;
    let own = &membership.sponsorship;
    let tier = tier_of(org.org_plan_type).unwrap_or(ProductTier::Free);
    // The license's terms on a self-hosted server, the plan's on a cloud (SPEC §12).
    let terms = crate::organizations::terms::of_joined(org);
    let permissions = members::parse_permissions(member.permissions.as_deref());
    ProfileOrganization {
        id: member.organization_id.to_string(),
        name: org.org_name.clone(),
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
        use_admin_sponsored_families: terms.use_admin_sponsored_families,
        self_host: self_hosted || terms.self_host,
        users_get_premium: terms.users_get_premium,
        seats: org.org_seats,
        max_collections: org.org_max_collections,
        max_storage_gb: terms.max_storage_gb.map(i32::from),
        key: member.key.clone(),
        status: member.status.code(),
        member_type: member.member_type.code(),
        enabled: org.org_enabled,
        sso_bound: false,
        identifier: None,
        permissions,
        reset_password_enrolled: false,
        user_id: member.user_id.unwrap_or_default().to_string(),
        organization_user_id: member.id.to_string(),
        has_public_and_private_keys: org.org_has_keys,
        provider_id: None,
        provider_name: None,
        provider_type: None,
        // The member's own offer (reference §1.1); no lastSyncDate shows as Awaiting Sync.
        family_sponsorship_friendly_name: own.sp_friendly_name.clone(),
        family_sponsorship_available: sponsorships::family_sponsorship_available(
            org.org_plan_type,
            own.sp_id.is_some(),
        ),
        family_sponsorship_last_sync_date: own.sp_last_sync_date.map(wire_time::from_millis),
        family_sponsorship_valid_until: own.sp_valid_until.map(wire_time::from_millis),
        family_sponsorship_to_delete: own.sp_to_delete,
        family_sponsorship_sync_skipped_reason: own.sp_skipped_reason.clone(),
        is_admin_initiated: false,
        product_tier_type: tier.code(),
        plan_product_type: tier.code(),
        key_connector_enabled: false,
        key_connector_url: None,
        access_secrets_manager: member.access_secrets_manager,
        limit_collection_creation: org.org_limit_collection_creation,
        limit_collection_deletion: org.org_limit_collection_deletion,
        limit_item_deletion: org.org_limit_item_deletion,
        allow_admin_access_to_all_collection_items: org
            .org_allow_admin_access_to_all_collection_items,
        user_is_managed_by_organization: false,
        object: "profileOrganization".to_string(),
    }
}
