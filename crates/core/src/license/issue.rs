//! What the cloud puts in a license: the organization's facts, the plan's features, and the
//! dates (reference §5.2). Pure; the caller signs the result with [`super::sign`].

use chrono::{DateTime, Days, Months, Utc};
use uuid::Uuid;

use super::document::{LICENSE_TYPE_ORGANIZATION, OrganizationLicense};
use crate::plans::{ProductTier, tier_of};

/// The organization as the cloud knows it when it issues a license.
#[derive(Debug, Clone)]
pub struct OrganizationFacts {
    pub id: Uuid,
    pub name: String,
    pub billing_email: String,
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub max_collections: Option<i32>,
    pub enabled: bool,
    pub expiration_date: Option<DateTime<Utc>>,
    pub license_key: String,
}

/// `Expires`, `Refresh` and `ExpirationWithoutGracePeriod` of a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenseDates {
    pub expires: DateTime<Utc>,
    pub refresh: DateTime<Utc>,
    pub expiration_without_grace_period: Option<DateTime<Utc>>,
}

/// The grace an annual plan's license carries past the period's end (reference §7).
pub const GRACE_PERIOD_DAYS: u64 = 60;
/// How soon a client should fetch a fresh license.
const REFRESH_DAYS: u64 = 30;

/// How an organization's plan is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingPeriod {
    Monthly,
    Annual,
}

impl BillingPeriod {
    /// The plan type's period: the offered plan's, else the legacy plan type's name.
    pub fn of(plan_type: i32) -> Self {
        match crate::plans::plan(plan_type) {
            Some(plan) if plan.is_annual() => Self::Annual,
            Some(_) => Self::Monthly,
            None if MONTHLY_PLAN_TYPES.contains(&plan_type) => Self::Monthly,
            None => Self::Annual,
        }
    }
}

/// The monthly Teams, Enterprise and Teams Starter plan types of every generation.
const MONTHLY_PLAN_TYPES: [i32; 10] = [2, 4, 8, 10, 12, 14, 16, 17, 19, 21];

fn plus_days(date: DateTime<Utc>, days: u64) -> DateTime<Utc> {
    date.checked_add_days(Days::new(days))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The dates while there is no subscription ledger, the organization's expiration date standing
/// for the end of its paid period:
/// * an annual plan whose period has not ended: `Expires` is the period's end plus the 60-day
///   grace, `ExpirationWithoutGracePeriod` the end itself, `Refresh` in 30 days;
/// * a monthly plan, or a period already over: the expiration date is both `Expires` and
///   `Refresh`;
/// * no expiration date: a year from issue, to be refreshed after 30 days.
pub fn license_dates(
    issued: DateTime<Utc>,
    org_expiration: Option<DateTime<Utc>>,
    period: BillingPeriod,
) -> LicenseDates {
    match org_expiration {
        Some(end) if period == BillingPeriod::Annual && end >= issued => LicenseDates {
            expires: plus_days(end, GRACE_PERIOD_DAYS),
            refresh: plus_days(issued, REFRESH_DAYS),
            expiration_without_grace_period: Some(end),
        },
        Some(date) => LicenseDates {
            expires: date,
            refresh: date,
            expiration_without_grace_period: None,
        },
        None => LicenseDates {
            expires: issued
                .checked_add_months(Months::new(12))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            refresh: plus_days(issued, REFRESH_DAYS),
            expiration_without_grace_period: None,
        },
    }
}

/// The plan's display name (reference plan names; a newer plan is shown by its tier).
fn plan_name(plan_type: i32) -> String {
    let tier = match tier_of(plan_type) {
        Some(ProductTier::Free) | None => return "Free".into(),
        Some(ProductTier::Families) => "Families",
        Some(ProductTier::TeamsStarter) => return "Teams Starter".into(),
        Some(ProductTier::Teams) => "Teams",
        Some(ProductTier::Enterprise) => "Enterprise",
    };
    // The monthly Teams and Enterprise plans of each generation (reference PlanType names).
    let monthly = matches!(plan_type, 2 | 4 | 8 | 10 | 12 | 14 | 17 | 19);
    if tier == "Families" {
        "Families".into()
    } else if monthly {
        format!("{tier} (Monthly)")
    } else {
        format!("{tier} (Annually)")
    }
}

/// An unsigned license of `version` for `installation_id`, issued at `issued` (whole seconds, so
/// a .NET reader takes the dates as written).
pub fn build(
    org: &OrganizationFacts,
    installation_id: Uuid,
    issued: DateTime<Utc>,
    version: i32,
) -> OrganizationLicense {
    let issued = DateTime::<Utc>::from_timestamp(issued.timestamp(), 0).unwrap_or(issued);
    let dates = license_dates(
        issued,
        org.expiration_date,
        BillingPeriod::of(org.plan_type),
    );
    let tier = tier_of(org.plan_type).unwrap_or(ProductTier::Free);
    let enterprise = tier == ProductTier::Enterprise;
    // The 2019 Enterprise plans (4, 5) predate SSO, SCIM, Key Connector and reset password.
    let modern_enterprise = enterprise && !matches!(org.plan_type, 4 | 5);
    let paid = tier != ProductTier::Free;
    let teams_or_better = matches!(tier, ProductTier::Teams | ProductTier::Enterprise);
    OrganizationLicense {
        license_key: Some(org.license_key.clone()),
        installation_id,
        id: org.id,
        name: Some(org.name.clone()),
        billing_email: Some(org.billing_email.clone()),
        business_name: None,
        plan: Some(plan_name(org.plan_type)),
        enabled: org.enabled,
        plan_type: org.plan_type,
        seats: org.seats,
        max_collections: org.max_collections.and_then(|n| i16::try_from(n).ok()),
        max_storage_gb: paid.then_some(1),
        use_policies: enterprise,
        use_sso: modern_enterprise,
        use_key_connector: modern_enterprise,
        use_scim: modern_enterprise,
        use_groups: teams_or_better,
        use_events: teams_or_better,
        use_directory: teams_or_better,
        use_totp: paid,
        use_2fa: teams_or_better,
        use_api: teams_or_better,
        use_reset_password: modern_enterprise,
        // Only Enterprise organizations may be self-hosted with sponsorships (SPEC §5).
        self_host: enterprise,
        users_get_premium: paid,
        use_custom_permissions: modern_enterprise,
        use_password_manager: true,
        use_secrets_manager: false,
        sm_seats: None,
        sm_service_accounts: None,
        version,
        issued,
        refresh: Some(dates.refresh),
        expires: Some(dates.expires),
        expiration_without_grace_period: dates.expiration_without_grace_period,
        // No subscription ledger yet, so no trial periods either.
        trial: false,
        license_type: Some(LICENSE_TYPE_ORGANIZATION),
        limit_collection_creation_deletion: true,
        allow_admin_access_to_all_collection_items: true,
        use_risk_insights: false,
        use_phishing_blocker: false,
        use_organization_domains: modern_enterprise,
        use_admin_sponsored_families: modern_enterprise,
        use_automatic_user_confirmation: false,
        use_disable_sm_ads_for_users: false,
        use_my_items: false,
        use_invite_links: false,
        use_pam: false,
        hash: None,
        signature: None,
        token: None,
        kinwarden_signature: None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn dates_without_and_with_an_org_expiration() {
        let issued = at(2025, 1, 31);
        let dates = license_dates(issued, None, BillingPeriod::Monthly);
        assert_eq!(dates.expires, at(2026, 1, 31));
        assert_eq!(dates.refresh, at(2025, 3, 2));
        let dates = license_dates(issued, Some(at(2025, 6, 1)), BillingPeriod::Monthly);
        assert_eq!(
            (dates.expires, dates.refresh),
            (at(2025, 6, 1), at(2025, 6, 1))
        );
        assert_eq!(dates.expiration_without_grace_period, None);
    }

    #[test]
    fn an_annual_plan_carries_the_grace_in_expires() {
        let issued = at(2025, 1, 31);
        let dates = license_dates(issued, Some(at(2025, 6, 1)), BillingPeriod::Annual);
        assert_eq!(dates.expires, at(2025, 7, 31));
        assert_eq!(dates.expiration_without_grace_period, Some(at(2025, 6, 1)));
        assert_eq!(dates.refresh, at(2025, 3, 2));
        // A period already over has no grace left to give.
        let late = license_dates(issued, Some(at(2025, 1, 1)), BillingPeriod::Annual);
        assert_eq!(late.expires, at(2025, 1, 1));
        assert_eq!(late.expiration_without_grace_period, None);
        assert_eq!(BillingPeriod::of(20), BillingPeriod::Annual);
        assert_eq!(BillingPeriod::of(19), BillingPeriod::Monthly);
        assert_eq!(BillingPeriod::of(5), BillingPeriod::Annual);
        assert_eq!(BillingPeriod::of(10), BillingPeriod::Monthly);
    }

    #[test]
    fn builds_an_enterprise_license() {
        let org = OrganizationFacts {
            id: Uuid::new_v4(),
            name: "Acme".into(),
            billing_email: "b@acme.test".into(),
            plan_type: 20,
            seats: Some(10),
            max_collections: None,
            enabled: true,
            expiration_date: None,
            license_key: "key".into(),
        };
        let installation = Uuid::new_v4();
        let issued = Utc
            .timestamp_opt(1_750_000_000, 123_000_000)
            .single()
            .expect("t");
        let license = build(&org, installation, issued, 15);
        assert_eq!(license.issued.timestamp_subsec_nanos(), 0);
        assert_eq!(license.plan.as_deref(), Some("Enterprise (Annually)"));
        assert_eq!(license.installation_id, installation);
        assert!(license.self_host && license.use_sso && license.use_admin_sponsored_families);
        assert_eq!(license.license_type, Some(1));
        assert_eq!(plan_name(19), "Enterprise (Monthly)");
        assert_eq!(plan_name(1), "Families");
    }
}
