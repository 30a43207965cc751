//! What an organization may use (SPEC §12 "Terms from the license"): its feature flags, its
//! storage and premium for its members. On a cloud they follow from the plan tier; on a
//! self-hosted server they are the license's own values, copied onto the organization when it is
//! created from a license and at every upload or *Sync license*, so that a license with, say,
//! `UseGroups=false` on an Enterprise plan type is obeyed as written.
//!
//! Seats, the collections limit and the plan type have their own columns and are copied from the
//! license beside these terms; the license's display dates (paid end, trial) travel here too, as
//! the subscription page shows them (reference §7).

use serde::{Deserialize, Serialize};

use crate::license::OrganizationLicense;
use crate::plans::{ProductTier, base_storage_gb, tier_of};

/// The terms of one organization. Field names are the license's (camelCase), so the stored
/// form reads like the license it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Terms {
    /// The plan's display name as the license writes it (`Enterprise (Annually)`).
    pub plan: Option<String>,
    pub max_storage_gb: Option<i16>,
    pub use_policies: bool,
    pub use_sso: bool,
    pub use_key_connector: bool,
    pub use_scim: bool,
    pub use_groups: bool,
    pub use_events: bool,
    pub use_directory: bool,
    pub use_totp: bool,
    #[serde(rename = "use2fa")]
    pub use_2fa: bool,
    pub use_api: bool,
    pub use_reset_password: bool,
    pub self_host: bool,
    pub users_get_premium: bool,
    pub use_custom_permissions: bool,
    pub use_password_manager: bool,
    pub use_secrets_manager: bool,
    pub sm_seats: Option<i32>,
    pub sm_service_accounts: Option<i32>,
    pub use_risk_insights: bool,
    pub use_phishing_blocker: bool,
    pub use_organization_domains: bool,
    pub use_admin_sponsored_families: bool,
    pub use_automatic_user_confirmation: bool,
    pub use_disable_sm_ads_for_users: bool,
    pub use_my_items: bool,
    pub use_invite_links: bool,
    pub use_pam: bool,
    /// Whether the license is a trial (its `Expires` is then the paid end too).
    pub trial: bool,
    /// The license's `ExpirationWithoutGracePeriod`, in milliseconds: the paid end, shown only.
    pub expiration_without_grace_period: Option<i64>,
}

/// Stored terms that do not read back (a hand-edited row).
#[derive(Debug, thiserror::Error)]
#[error("stored organization terms are not readable: {0}")]
pub struct TermsError(String);

impl Terms {
    /// What a plan gives on a cloud, as the profile has always answered it: everything for
    /// Enterprise, the business features for Teams, premium for every paid plan.
    pub fn of_plan(plan_type: i32) -> Self {
        let tier = tier_of(plan_type).unwrap_or(ProductTier::Free);
        let enterprise = tier == ProductTier::Enterprise;
        let paid = matches!(
            tier,
            ProductTier::Enterprise | ProductTier::Teams | ProductTier::TeamsStarter
        );
        Self {
            plan: None,
            max_storage_gb: base_storage_gb(plan_type),
            use_policies: enterprise,
            use_sso: enterprise,
            use_scim: enterprise,
            use_groups: enterprise,
            use_directory: paid,
            use_events: paid,
            use_totp: true,
            use_2fa: paid,
            use_api: paid,
            use_reset_password: enterprise,
            use_password_manager: true,
            use_custom_permissions: enterprise,
            self_host: enterprise,
            users_get_premium: tier != ProductTier::Free,
            ..Self::default()
        }
    }

    /// The license's own terms (reference §6.1 step 6: every `Use*` flag, `SelfHost`,
    /// `UsersGetPremium`, the Secrets Manager counts), plus its storage, which the reference
    /// leaves out but SPEC §12 asks for.
    pub fn of_license(license: &OrganizationLicense) -> Self {
        Self {
            plan: license.plan.clone(),
            max_storage_gb: license.max_storage_gb,
            use_policies: license.use_policies,
            use_sso: license.use_sso,
            use_key_connector: license.use_key_connector,
            use_scim: license.use_scim,
            use_groups: license.use_groups,
            use_events: license.use_events,
            use_directory: license.use_directory,
            use_totp: license.use_totp,
            use_2fa: license.use_2fa,
            use_api: license.use_api,
            use_reset_password: license.use_reset_password,
            self_host: license.self_host,
            users_get_premium: license.users_get_premium,
            use_custom_permissions: license.use_custom_permissions,
            use_password_manager: license.use_password_manager,
            use_secrets_manager: license.use_secrets_manager,
            sm_seats: license.sm_seats,
            sm_service_accounts: license.sm_service_accounts,
            use_risk_insights: license.use_risk_insights,
            use_phishing_blocker: license.use_phishing_blocker,
            use_organization_domains: license.use_organization_domains,
            use_admin_sponsored_families: license.use_admin_sponsored_families,
            use_automatic_user_confirmation: license.use_automatic_user_confirmation,
            use_disable_sm_ads_for_users: license.use_disable_sm_ads_for_users,
            use_my_items: license.use_my_items,
            use_invite_links: license.use_invite_links,
            use_pam: license.use_pam,
            trial: license.trial,
            expiration_without_grace_period: license
                .expiration_without_grace_period
                .map(|date| date.timestamp_millis()),
        }
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and bools always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether the license's flags are the organization's: what the periodic validation asks
    /// (reference §6.5 `VerifyData`). The display dates are not terms one can breach.
    pub fn same_features(&self, other: &Self) -> bool {
        let dates_aside = |terms: &Self| Self {
            trial: false,
            expiration_without_grace_period: None,
            plan: None,
            ..terms.clone()
        };
        dates_aside(self) == dates_aside(other)
    }
}

impl TryFrom<String> for Terms {
    type Error = TermsError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&text).map_err(|err| TermsError(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_give_what_their_tier_has() {
        // (plan type, groups, policies, api, premium, storage)
        let table = [
            (0, false, false, false, false, None),
            (1, false, false, false, true, Some(1)),
            (3, false, false, true, true, Some(1)),
            (20, true, true, true, true, Some(1)),
            (5, true, true, true, true, Some(1)),
        ];
        for (plan_type, groups, policies, api, premium, storage) in table {
            let terms = Terms::of_plan(plan_type);
            assert_eq!(terms.use_groups, groups, "plan {plan_type}");
            assert_eq!(terms.use_policies, policies, "plan {plan_type}");
            assert_eq!(terms.use_api, api, "plan {plan_type}");
            assert_eq!(terms.users_get_premium, premium, "plan {plan_type}");
            assert_eq!(terms.max_storage_gb, storage, "plan {plan_type}");
            assert!(terms.use_totp && terms.use_password_manager);
        }
    }

    #[test]
    fn a_license_is_taken_as_written_not_as_its_plan() {
        let license = OrganizationLicense {
            plan_type: 20,
            plan: Some("Enterprise (Annually)".into()),
            use_groups: false,
            users_get_premium: false,
            use_policies: true,
            use_2fa: true,
            max_storage_gb: Some(7),
            sm_seats: Some(3),
            trial: true,
            ..OrganizationLicense::default()
        };
        let terms = Terms::of_license(&license);
        assert!(!terms.use_groups && !terms.users_get_premium);
        assert!(terms.use_policies && terms.use_2fa && terms.trial);
        assert_eq!(terms.max_storage_gb, Some(7));
        assert_eq!(terms.sm_seats, Some(3));
        assert_eq!(terms.plan.as_deref(), Some("Enterprise (Annually)"));
    }

    #[test]
    fn the_stored_form_reads_back_and_bad_text_is_an_error() {
        let terms = Terms {
            use_groups: true,
            use_2fa: true,
            max_storage_gb: Some(2),
            expiration_without_grace_period: Some(1_800_000_000_000),
            ..Terms::default()
        };
        let text = terms.to_json();
        assert!(text.contains("\"use2fa\":true"), "{text}");
        assert_eq!(Terms::try_from(text).expect("reads back"), terms);
        assert!(Terms::try_from("[1]".to_string()).is_err());
        // A missing flag is false, as the license reads it.
        assert_eq!(
            Terms::try_from("{}".to_string()).expect("empty"),
            Terms::default()
        );
    }

    #[test]
    fn features_compare_without_the_display_dates() {
        let a = Terms {
            use_groups: true,
            trial: true,
            ..Terms::default()
        };
        let b = Terms {
            use_groups: true,
            expiration_without_grace_period: Some(5),
            ..Terms::default()
        };
        assert!(a.same_features(&b));
        let c = Terms {
            use_groups: false,
            ..b.clone()
        };
        assert!(!a.same_features(&c));
    }
}
