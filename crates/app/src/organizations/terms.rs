//! What an organization may use (SPEC §12 "Terms from the license"): the license's terms stored
//! on a self-hosted organization, else what its plan gives. Every check of a feature flag, the
//! storage or premium asks here, never the plan table directly, so a self-hosted license with
//! `UseGroups=false` is obeyed on an Enterprise plan type.

use kinwarden_core::terms::Terms;

use crate::records::{OrganizationRecord, OrganizationRecordPrefixed};

/// The organization's terms.
pub fn of(org: &OrganizationRecord) -> Terms {
    org.license_terms
        .clone()
        .unwrap_or_else(|| Terms::of_plan(org.plan_type))
}

/// The terms of an organization read with a membership (the profile).
pub fn of_joined(org: &OrganizationRecordPrefixed) -> Terms {
    org.org_license_terms
        .clone()
        .unwrap_or_else(|| Terms::of_plan(org.org_plan_type))
}
