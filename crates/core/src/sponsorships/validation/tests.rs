//! One test per behaviour of reference §6.9 (ValidateSponsorshipCommandTests; skipped there,
//! acted on here), then the daily job's steps.

use super::*;
use crate::ids::{OrganizationId, OrganizationUserId, SponsorshipId};
use uuid::Uuid;

const ENTERPRISE_ANNUALLY: i32 = 20;
const FAMILIES_ANNUALLY: i32 = 22;
const DAY: i64 = 24 * 60 * 60 * 1000;
const NOW: i64 = 1_800_000_000_000;

fn sponsorship() -> Sponsorship {
    Sponsorship {
        id: SponsorshipId::new(),
        sponsoring_organization_id: Some(OrganizationId::new()),
        sponsoring_organization_user_id: OrganizationUserId::new(),
        sponsored_organization_id: Some(OrganizationId::new()),
        friendly_name: Some("family".into()),
        offered_to_email: None,
        plan_sponsorship_type: Some(0),
        to_delete: false,
        last_sync_date: Some(NOW - DAY),
        valid_until: Some(NOW + 100 * DAY),
        is_admin_initiated: false,
        notes: None,
    }
}

fn sponsor() -> SponsoringOrgState {
    SponsoringOrgState {
        plan_type: ENTERPRISE_ANNUALLY,
        enabled: true,
        expiration_date: Some(NOW + 200 * DAY),
        use_admin_sponsored_families: false,
    }
}

#[test]
fn a_families_organization_without_a_sponsorship_is_not_valid() {
    assert_eq!(
        validate(None, Some(&sponsor()), NOW),
        Err(Invalid::NoSponsorship)
    );
}

#[test]
fn no_sponsoring_organization_is_not_valid() {
    let row = Sponsorship {
        sponsoring_organization_id: None,
        ..sponsorship()
    };
    assert_eq!(
        validate(Some(&row), Some(&sponsor()), NOW),
        Err(Invalid::NoSponsoringOrganization)
    );
}

#[test]
fn a_zero_sponsoring_member_is_not_valid() {
    let row = Sponsorship {
        sponsoring_organization_user_id: OrganizationUserId(Uuid::nil()),
        ..sponsorship()
    };
    assert_eq!(
        validate(Some(&row), Some(&sponsor()), NOW),
        Err(Invalid::NoSponsoringMember)
    );
}

#[test]
fn no_plan_type_is_not_valid() {
    let row = Sponsorship {
        plan_sponsorship_type: None,
        ..sponsorship()
    };
    assert_eq!(
        validate(Some(&row), Some(&sponsor()), NOW),
        Err(Invalid::NoPlanType)
    );
}

#[test]
fn a_missing_sponsoring_organization_is_not_valid() {
    assert_eq!(
        validate(Some(&sponsorship()), None, NOW),
        Err(Invalid::SponsoringOrganizationNotFound)
    );
}

#[test]
fn a_sponsor_on_any_other_plan_than_enterprise_is_not_valid() {
    for plan_type in 0..=22 {
        if tier_of(plan_type) == Some(ProductTier::Enterprise) {
            continue;
        }
        let org = SponsoringOrgState {
            plan_type,
            ..sponsor()
        };
        assert_eq!(
            validate(Some(&sponsorship()), Some(&org), NOW),
            Err(Invalid::SponsorNotEnterprise),
            "plan type {plan_type}"
        );
    }
}

#[test]
fn a_sponsor_disabled_and_expired_100_days_ago_is_not_valid() {
    let org = SponsoringOrgState {
        enabled: false,
        expiration_date: Some(NOW - 100 * DAY),
        ..sponsor()
    };
    assert_eq!(
        validate(Some(&sponsorship()), Some(&org), NOW),
        Err(Invalid::SponsorDisabled)
    );
}

#[test]
fn a_sponsorship_marked_to_delete_is_not_valid() {
    let row = Sponsorship {
        to_delete: true,
        ..sponsorship()
    };
    assert_eq!(
        validate(Some(&row), Some(&sponsor()), NOW),
        Err(Invalid::ToDelete)
    );
}

#[test]
fn a_disabled_sponsor_without_expiration_is_not_valid() {
    let org = SponsoringOrgState {
        enabled: false,
        expiration_date: None,
        ..sponsor()
    };
    assert_eq!(
        validate(Some(&sponsorship()), Some(&org), NOW),
        Err(Invalid::SponsorDisabled)
    );
}

#[test]
fn an_enabled_sponsor_that_expired_yesterday_is_still_valid() {
    let org = SponsoringOrgState {
        expiration_date: Some(NOW - DAY),
        ..sponsor()
    };
    assert_eq!(validate(Some(&sponsorship()), Some(&org), NOW), Ok(()));
}

#[test]
fn a_disabled_sponsor_within_the_93_day_grace_is_still_valid() {
    let org = SponsoringOrgState {
        enabled: false,
        expiration_date: Some(NOW - 92 * DAY),
        ..sponsor()
    };
    assert_eq!(validate(Some(&sponsorship()), Some(&org), NOW), Ok(()));
}

#[test]
fn an_enabled_enterprise_sponsor_and_a_good_sponsorship_are_valid() {
    assert_eq!(
        validate(Some(&sponsorship()), Some(&sponsor()), NOW),
        Ok(())
    );
}

#[test]
fn admin_initiated_without_the_feature_is_not_valid() {
    let row = Sponsorship {
        is_admin_initiated: true,
        ..sponsorship()
    };
    assert_eq!(
        validate(Some(&row), Some(&sponsor()), NOW),
        Err(Invalid::AdminSponsoringNotAllowed)
    );
}

#[test]
fn admin_initiated_with_the_feature_and_never_synced_is_valid() {
    let row = Sponsorship {
        is_admin_initiated: true,
        last_sync_date: None,
        ..sponsorship()
    };
    let org = SponsoringOrgState {
        use_admin_sponsored_families: true,
        ..sponsor()
    };
    assert_eq!(validate(Some(&row), Some(&org), NOW), Ok(()));
}

#[test]
fn a_sponsorship_not_synced_for_half_a_year_is_not_valid() {
    let stale = Sponsorship {
        last_sync_date: Some(NOW - 183 * DAY),
        ..sponsorship()
    };
    assert_eq!(
        validate(Some(&stale), Some(&sponsor()), NOW),
        Err(Invalid::OutOfSync)
    );
    let recent = Sponsorship {
        last_sync_date: Some(NOW - 182 * DAY),
        ..sponsorship()
    };
    assert_eq!(validate(Some(&recent), Some(&sponsor()), NOW), Ok(()));
}

#[test]
fn the_first_reason_in_order_wins() {
    let row = Sponsorship {
        to_delete: true,
        ..sponsorship()
    };
    let org = SponsoringOrgState {
        plan_type: FAMILIES_ANNUALLY,
        ..sponsor()
    };
    assert_eq!(
        validate(Some(&row), Some(&org), NOW),
        Err(Invalid::SponsorNotEnterprise)
    );
}

#[test]
fn a_valid_sponsorship_inside_its_period_is_kept() {
    assert_eq!(next_step(Ok(()), Some(NOW + DAY), false, NOW), Step::Keep);
}

#[test]
fn a_valid_sponsorship_at_its_period_end_is_renewed_a_year_from_that_end() {
    let until = NOW - DAY;
    let Step::Renew { until: renewed } = next_step(Ok(()), Some(until), false, NOW) else {
        panic!("renewed");
    };
    assert_eq!(renewed - until, 365 * DAY);
}

#[test]
fn a_renewal_after_a_missed_year_counts_from_now() {
    let Step::Renew { until } = next_step(Ok(()), Some(NOW - 400 * DAY), false, NOW) else {
        panic!("renewed");
    };
    assert_eq!(until - NOW, 365 * DAY);
}

#[test]
fn an_invalid_sponsorship_inside_its_period_is_announced_once() {
    let until = NOW + 30 * DAY;
    assert_eq!(
        next_step(Err(Invalid::ToDelete), Some(until), false, NOW),
        Step::Announce { ends_at: until }
    );
    assert_eq!(
        next_step(Err(Invalid::ToDelete), Some(until), true, NOW),
        Step::Keep
    );
}

#[test]
fn an_invalid_sponsorship_past_its_period_ends_announcing_only_if_not_yet_done() {
    assert_eq!(
        next_step(Err(Invalid::ToDelete), Some(NOW), true, NOW),
        Step::End { announce: false }
    );
    assert_eq!(
        next_step(Err(Invalid::OutOfSync), None, false, NOW),
        Step::End { announce: true }
    );
}
