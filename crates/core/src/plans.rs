//! The plans a cloud offers and the product tier of every plan type (reference §1.6). The tier
//! decides what an organization may do: sponsor (Enterprise), be sponsored (Families), hold a
//! billing sync token (Enterprise or Teams). [`PLANS`] is the one table of what each offered
//! plan includes; there are no prices, as there is no card processor, only a period length.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductTier {
    Free,
    Families,
    Teams,
    Enterprise,
    TeamsStarter,
}

impl ProductTier {
    pub fn code(self) -> i32 {
        match self {
            Self::Free => 0,
            Self::Families => 1,
            Self::Teams => 2,
            Self::Enterprise => 3,
            Self::TeamsStarter => 4,
        }
    }
}

/// The tier of a plan type, or `None` for a number no plan has. Covers the legacy plan types
/// too, since organizations (and licenses) made on them still exist.
pub fn tier_of(plan_type: i32) -> Option<ProductTier> {
    match plan_type {
        0 | 6 => Some(ProductTier::Free),
        1 | 7 | 22 => Some(ProductTier::Families),
        16 | 21 => Some(ProductTier::TeamsStarter),
        2 | 3 | 8 | 9 | 12 | 13 | 17 | 18 => Some(ProductTier::Teams),
        4 | 5 | 10 | 11 | 14 | 15 | 19 | 20 => Some(ProductTier::Enterprise),
        _ => None,
    }
}

/// Whether an organization on this plan type may use groups (SPEC §11): the Enterprise tier,
/// which is what the profile answers as `useGroups`. Legacy plan types count by their tier.
pub fn uses_groups(plan_type: i32) -> bool {
    tier_of(plan_type) == Some(ProductTier::Enterprise)
}

/// The attachment storage a plan includes, in GB; none for a plan without attachments (Free).
pub fn base_storage_gb(plan_type: i32) -> Option<i16> {
    match tier_of(plan_type) {
        Some(ProductTier::Free) | None => None,
        Some(_) => Some(1),
    }
}

/// How long one paid period of a plan lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Free: one open-ended period.
    None,
    Monthly,
    Annual,
}

/// What an organization on the plan may use. Names follow Bitwarden's `Plan` (`Has…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    pub totp: bool,
    pub two_factor: bool,
    pub api: bool,
    pub events: bool,
    pub directory: bool,
    pub groups: bool,
    pub policies: bool,
    pub sso: bool,
    pub key_connector: bool,
    pub scim: bool,
    pub reset_password: bool,
    pub custom_permissions: bool,
    pub self_host: bool,
    pub users_get_premium: bool,
    /// Families for Enterprise: members may offer a sponsored Families organization.
    pub sponsorships: bool,
}

/// One offered plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub plan_type: i32,
    pub tier: ProductTier,
    pub name: &'static str,
    pub name_localization_key: &'static str,
    pub description_localization_key: &'static str,
    pub period: Period,
    /// Seats included without buying any.
    pub base_seats: i32,
    /// The most seats an organization on the plan can have; `None` is no limit.
    pub max_seats: Option<i32>,
    pub has_additional_seats_option: bool,
    pub max_collections: Option<i32>,
    pub features: Features,
    pub display_sort_order: i32,
}

impl Plan {
    pub fn is_annual(&self) -> bool {
        self.period == Period::Annual
    }
}

const NONE: Features = Features {
    totp: false,
    two_factor: false,
    api: false,
    events: false,
    directory: false,
    groups: false,
    policies: false,
    sso: false,
    key_connector: false,
    scim: false,
    reset_password: false,
    custom_permissions: false,
    self_host: false,
    users_get_premium: false,
    sponsorships: false,
};

const BUSINESS: Features = Features {
    totp: true,
    two_factor: true,
    api: true,
    events: true,
    directory: true,
    groups: true,
    policies: false,
    sso: false,
    key_connector: false,
    scim: false,
    reset_password: false,
    custom_permissions: false,
    self_host: false,
    users_get_premium: true,
    sponsorships: false,
};

const ENTERPRISE: Features = Features {
    policies: true,
    sso: true,
    key_connector: true,
    scim: true,
    reset_password: true,
    custom_permissions: true,
    self_host: true,
    sponsorships: true,
    ..BUSINESS
};

const fn teams(plan_type: i32, period: Period) -> Plan {
    Plan {
        plan_type,
        tier: ProductTier::Teams,
        name: "Teams",
        name_localization_key: "planNameTeams",
        description_localization_key: "planDescTeams",
        period,
        base_seats: 0,
        max_seats: None,
        has_additional_seats_option: true,
        max_collections: None,
        features: BUSINESS,
        display_sort_order: 3,
    }
}

const fn enterprise(plan_type: i32, period: Period) -> Plan {
    Plan {
        plan_type,
        tier: ProductTier::Enterprise,
        name: "Enterprise",
        name_localization_key: "planNameEnterprise",
        description_localization_key: "planDescEnterprise",
        period,
        base_seats: 0,
        max_seats: None,
        has_additional_seats_option: true,
        max_collections: None,
        features: ENTERPRISE,
        display_sort_order: 4,
    }
}

/// The plans a new organization may be created on, with the current plan type numbers.
pub const PLANS: [Plan; 6] = [
    Plan {
        plan_type: 0,
        tier: ProductTier::Free,
        name: "Free",
        name_localization_key: "planNameFree",
        description_localization_key: "planDescFree",
        period: Period::None,
        base_seats: 2,
        max_seats: Some(2),
        has_additional_seats_option: false,
        max_collections: Some(2),
        features: NONE,
        display_sort_order: 1,
    },
    Plan {
        plan_type: 22,
        tier: ProductTier::Families,
        name: "Families",
        name_localization_key: "planNameFamilies",
        description_localization_key: "planDescFamilies",
        period: Period::Annual,
        base_seats: 6,
        max_seats: Some(6),
        has_additional_seats_option: false,
        max_collections: None,
        features: Features {
            totp: true,
            self_host: true,
            users_get_premium: true,
            ..NONE
        },
        display_sort_order: 2,
    },
    teams(17, Period::Monthly),
    teams(18, Period::Annual),
    enterprise(19, Period::Monthly),
    enterprise(20, Period::Annual),
];

/// The offered plan of a plan type, or `None` for a legacy or unknown number.
pub fn plan(plan_type: i32) -> Option<&'static Plan> {
    PLANS.iter().find(|plan| plan.plan_type == plan_type)
}

/// A way one tier pays for another's plan (reference §1.6, `SponsoredPlans`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SponsoredPlan {
    /// `PlanSponsorshipType` on the wire.
    pub sponsorship_type: i32,
    pub name: &'static str,
    pub sponsoring_tier: ProductTier,
    pub sponsored_tier: ProductTier,
    /// The plan a redeemed sponsorship puts the sponsored organization on.
    pub sponsored_plan_type: i32,
}

/// Families for Enterprise: the only sponsored plan.
pub const FAMILIES_FOR_ENTERPRISE: SponsoredPlan = SponsoredPlan {
    sponsorship_type: 0,
    name: "Families For Enterprise",
    sponsoring_tier: ProductTier::Enterprise,
    sponsored_tier: ProductTier::Families,
    sponsored_plan_type: 22,
};

pub fn sponsored_plan(sponsorship_type: i32) -> Option<SponsoredPlan> {
    (sponsorship_type == FAMILIES_FOR_ENTERPRISE.sponsorship_type)
        .then_some(FAMILIES_FOR_ENTERPRISE)
}

/// The sponsored plan an organization of this tier may offer to its members, if any.
pub fn sponsorship_offered_by(tier: ProductTier) -> Option<SponsoredPlan> {
    (tier == FAMILIES_FOR_ENTERPRISE.sponsoring_tier).then_some(FAMILIES_FOR_ENTERPRISE)
}

/// Seats an organization gets on creation: the plan's included seats plus those bought.
/// Teams and Enterprise include none, so at least one must be bought.
pub fn seats_for(plan_type: i32, additional_seats: i32) -> Result<i32, &'static str> {
    let plan = plan(plan_type).ok_or("Invalid plan type.")?;
    if additional_seats < 0 {
        return Err("You can't subtract seats.");
    }
    if !plan.has_additional_seats_option && additional_seats > 0 {
        return Err("Plan does not allow additional users.");
    }
    let seats = plan.base_seats + additional_seats;
    if seats == 0 {
        return Err("You do not have any seats!");
    }
    if plan.max_seats.is_some_and(|max| seats > max) {
        return Err("Plan does not allow additional users.");
    }
    Ok(seats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_reference_table() {
        assert_eq!(tier_of(0), Some(ProductTier::Free));
        assert_eq!(tier_of(6), Some(ProductTier::Free));
        for families in [1, 7, 22] {
            assert_eq!(tier_of(families), Some(ProductTier::Families));
        }
        for teams in [2, 3, 8, 9, 12, 13, 17, 18] {
            assert_eq!(tier_of(teams), Some(ProductTier::Teams));
        }
        for starter in [16, 21] {
            assert_eq!(tier_of(starter), Some(ProductTier::TeamsStarter));
        }
        for enterprise in [4, 5, 10, 11, 14, 15, 19, 20] {
            assert_eq!(tier_of(enterprise), Some(ProductTier::Enterprise));
        }
        assert_eq!(tier_of(23), None);
        assert_eq!(tier_of(-1), None);
    }

    #[test]
    fn only_enterprise_organizations_use_groups() {
        for enterprise in [4, 5, 10, 11, 14, 15, 19, 20] {
            assert!(uses_groups(enterprise), "{enterprise}");
        }
        for other in [0, 6, 1, 7, 22, 2, 17, 18, 16, 21, 23, -1] {
            assert!(!uses_groups(other), "{other}");
        }
    }

    #[test]
    fn the_catalogue_agrees_with_the_tier_table() {
        for plan in PLANS {
            assert_eq!(tier_of(plan.plan_type), Some(plan.tier), "{}", plan.name);
        }
        let mut types: Vec<i32> = PLANS.iter().map(|p| p.plan_type).collect();
        types.dedup();
        assert_eq!(types.len(), PLANS.len(), "each plan type once");
        assert!(plan(16).is_none(), "legacy plans are not offered");
    }

    #[test]
    fn free_is_two_seats_with_no_period() {
        let free = plan(0).expect("free");
        assert_eq!((free.base_seats, free.max_seats), (2, Some(2)));
        assert!(!free.has_additional_seats_option);
        assert_eq!(free.period, Period::None);
        assert_eq!(free.features, Features::default());
    }

    #[test]
    fn families_is_six_seats_yearly_and_can_be_sponsored() {
        let families = plan(22).expect("families");
        assert_eq!((families.base_seats, families.max_seats), (6, Some(6)));
        assert!(!families.has_additional_seats_option);
        assert!(families.is_annual());
        assert!(families.features.totp && families.features.users_get_premium);
        assert!(!families.features.sponsorships);
        let sponsored = sponsored_plan(0).expect("families for enterprise");
        assert_eq!(sponsored.sponsored_plan_type, 22);
        assert_eq!(sponsored.sponsored_tier, families.tier);
        assert_eq!(sponsored_plan(1), None);
    }

    #[test]
    fn teams_buys_seats_without_enterprise_features() {
        for (plan_type, period) in [(17, Period::Monthly), (18, Period::Annual)] {
            let teams = plan(plan_type).expect("teams");
            assert_eq!(teams.period, period);
            assert_eq!((teams.base_seats, teams.max_seats), (0, None));
            assert!(teams.has_additional_seats_option);
            assert!(teams.features.groups && teams.features.totp);
            assert!(!teams.features.policies && !teams.features.sso && !teams.features.scim);
            assert!(!teams.features.self_host && !teams.features.sponsorships);
            assert_eq!(sponsorship_offered_by(teams.tier), None);
        }
    }

    #[test]
    fn enterprise_has_everything_and_sponsors_families() {
        for (plan_type, period) in [(19, Period::Monthly), (20, Period::Annual)] {
            let enterprise = plan(plan_type).expect("enterprise");
            assert_eq!(enterprise.period, period);
            assert!(enterprise.has_additional_seats_option);
            let f = enterprise.features;
            assert!(f.policies && f.sso && f.scim && f.self_host && f.groups && f.totp);
            assert!(f.sponsorships);
            assert_eq!(
                sponsorship_offered_by(enterprise.tier),
                Some(FAMILIES_FOR_ENTERPRISE)
            );
        }
    }

    #[test]
    fn seats_on_creation() {
        assert_eq!(seats_for(0, 0), Ok(2));
        assert!(seats_for(0, 1).is_err());
        assert_eq!(seats_for(22, 0), Ok(6));
        assert!(seats_for(22, 1).is_err());
        assert_eq!(seats_for(17, 1), Ok(1));
        assert_eq!(seats_for(20, 10), Ok(10));
        assert!(seats_for(20, 0).is_err());
        assert!(seats_for(20, -1).is_err());
        assert!(seats_for(99, 1).is_err());
        assert!(seats_for(16, 0).is_err(), "legacy plans are not offered");
    }
}
