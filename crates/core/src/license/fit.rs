//! Whether an organization fits a license it is about to take (the reference's
//! `CanUseLicense`): the first thing the organization uses beyond the license, with the
//! reference's text, which says what to remove.

use super::document::OrganizationLicense;

/// What the organization uses now. Counts a server does not track stay zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrganizationUsage {
    pub occupied_seats: i64,
    pub collections: i64,
    /// Whether the organization has groups turned on, and how many it has.
    pub uses_groups: bool,
    pub groups: i64,
    pub enabled_policies: i64,
    pub sso_enabled: bool,
    pub key_connector_enabled: bool,
    pub scim_enabled: bool,
    pub custom_users: i64,
    pub reset_password_policy_enabled: bool,
}

/// The first misfit, in the reference's order, as its text.
pub fn fits(license: &OrganizationLicense, usage: &OrganizationUsage) -> Result<(), String> {
    if let Some(seats) = license.seats
        && usage.occupied_seats > i64::from(seats)
    {
        return Err(format!(
            "Your organization currently has {} seats filled. Your new license only has ({seats}) seats. Remove some users.",
            usage.occupied_seats
        ));
    }
    if let Some(max) = license.max_collections
        && usage.collections > i64::from(max)
    {
        return Err(format!(
            "Your organization currently has {} collections. Your new license allows for a maximum of ({max}) collections. Remove some collections.",
            usage.collections
        ));
    }
    if !license.use_groups && usage.uses_groups && usage.groups > 1 {
        return Err(format!(
            "Your organization currently has {} groups. Your new license does not allow for the use of groups. Remove all groups.",
            usage.groups
        ));
    }
    if !license.use_policies && usage.enabled_policies > 0 {
        return Err(format!(
            "Your organization currently has {} enabled policies. Your new license does not allow for the use of policies. Disable all policies.",
            usage.enabled_policies
        ));
    }
    if !license.use_sso && usage.sso_enabled {
        return Err("Your organization currently has a SSO configuration. Your new license does not allow for the use of SSO. Disable your SSO configuration.".into());
    }
    if !license.use_key_connector && usage.key_connector_enabled {
        return Err("Your organization currently has Key Connector enabled. Your new license does not allow for the use of Key Connector. Disable your Key Connector.".into());
    }
    if !license.use_scim && usage.scim_enabled {
        return Err(
            "Your new plan does not allow the SCIM feature. Disable your SCIM configuration."
                .into(),
        );
    }
    if !license.use_custom_permissions && usage.custom_users > 0 {
        return Err("Your new plan does not allow the Custom Permissions feature. Disable your Custom Permissions configuration.".into());
    }
    if !license.use_reset_password && usage.reset_password_policy_enabled {
        return Err("Your new license does not allow the Password Reset feature. Disable your Password Reset policy.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_misfit_wins_with_the_reference_text() {
        let license = OrganizationLicense {
            seats: Some(2),
            max_collections: Some(1),
            ..OrganizationLicense::default()
        };
        let mut usage = OrganizationUsage {
            occupied_seats: 3,
            collections: 2,
            ..OrganizationUsage::default()
        };
        assert_eq!(
            fits(&license, &usage),
            Err("Your organization currently has 3 seats filled. Your new license only has (2) seats. Remove some users.".into())
        );
        usage.occupied_seats = 2;
        assert!(
            fits(&license, &usage).is_err_and(|text| text.contains("maximum of (1) collections"))
        );
        usage.collections = 1;
        usage.uses_groups = true;
        usage.groups = 1;
        assert_eq!(fits(&license, &usage), Ok(()), "one group is tolerated");
        usage.groups = 2;
        assert!(fits(&license, &usage).is_err_and(|text| text.contains("2 groups")));
        usage.groups = 0;
        usage.enabled_policies = 1;
        assert!(fits(&license, &usage).is_err_and(|text| text.contains("1 enabled policies")));
        usage.enabled_policies = 0;
        usage.reset_password_policy_enabled = true;
        assert!(fits(&license, &usage).is_err_and(|text| text.contains("Password Reset")));
        let all = OrganizationLicense {
            use_reset_password: true,
            ..license
        };
        assert_eq!(fits(&all, &usage), Ok(()));
    }
}
