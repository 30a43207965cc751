//! One test per behaviour of reference §6.10 (CloudSyncSponsorshipsCommandTests), named after
//! it, plus the skipped reasons Kinwarden reports (SPEC §6) and the quirks it does not copy.

use super::*;

const ENTERPRISE_ANNUALLY: i32 = 20;
const FAMILIES_ANNUALLY: i32 = 22;
const EVERY_PLAN_TYPE: std::ops::RangeInclusive<i32> = 0..=22;
const NOW: i64 = 1_800_000_000_000;
const DAY: i64 = 24 * 60 * 60 * 1000;

fn org(plan_type: i32) -> CloudSponsor {
    CloudSponsor {
        id: OrganizationId::new(),
        plan_type,
        enabled: true,
        expiration_date: Some(NOW + 300 * DAY),
    }
}

fn item(email: &str) -> SyncedItem {
    SyncedItem {
        sponsoring_organization_user_id: OrganizationUserId::new(),
        friendly_name: Some(email.into()),
        offered_to_email: Some(email.into()),
        plan_sponsorship_type: Some(0),
        last_sync_date: None,
        valid_until: None,
        to_delete: false,
    }
}

fn cloud_row(org: &CloudSponsor, item: &SyncedItem, redeemed: bool) -> Sponsorship {
    Sponsorship {
        id: SponsorshipId::new(),
        sponsoring_organization_id: Some(org.id),
        sponsoring_organization_user_id: item.sponsoring_organization_user_id,
        sponsored_organization_id: redeemed.then(OrganizationId::new),
        friendly_name: item.friendly_name.clone(),
        offered_to_email: item.offered_to_email.clone(),
        plan_sponsorship_type: Some(0),
        to_delete: false,
        last_sync_date: Some(NOW - DAY),
        valid_until: redeemed.then_some(NOW + 200 * DAY),
        is_admin_initiated: false,
        notes: None,
    }
}

fn nothing_written(outcome: &CloudSyncOutcome) -> bool {
    outcome.upserts.is_empty() && outcome.deletes.is_empty() && outcome.offers.is_empty()
}

// §6.10 #1 (null org → 400) is the route's: the function takes an organization that exists.

#[test]
fn empty_batch_returns_empty_batch_and_nothing_to_offer() {
    let org = org(ENTERPRISE_ANNUALLY);
    let existing = vec![cloud_row(&org, &item("a@example.com"), false)];
    let outcome = cloud_sync(&org, existing, &[], NOW);
    assert_eq!(outcome, CloudSyncOutcome::default());
}

#[test]
fn non_enterprise_plan_writes_nothing() {
    for plan_type in EVERY_PLAN_TYPE.filter(|p| tier_of(*p) != Some(plans::ProductTier::Enterprise))
    {
        let org = org(plan_type);
        let batch = [item("a@example.com"), item("b@example.com")];
        let outcome = cloud_sync(&org, vec![], &batch, NOW);
        assert!(nothing_written(&outcome), "plan type {plan_type}");
        assert!(outcome.items.is_empty());
        assert_eq!(outcome.skipped.len(), 2);
        assert!(
            outcome
                .skipped
                .iter()
                .all(|s| s.reason == SkipReason::WrongPlanTier)
        );
    }
}

// §6.10 #4 (the SponsorshipsSynced event) has no counterpart: Kinwarden keeps no event log yet.

#[test]
fn existing_and_new_sponsorship_upserts_both_and_offers_the_new_one() {
    let org = org(ENTERPRISE_ANNUALLY);
    let a = item("a@example.com");
    let b = item("b@example.com");
    let existing = vec![cloud_row(&org, &a, false)];
    let a_id = existing[0].id;
    let outcome = cloud_sync(&org, existing, &[a.clone(), b.clone()], NOW);
    assert_eq!(outcome.upserts.len(), 2);
    assert!(outcome.deletes.is_empty());
    assert_eq!(outcome.offers.len(), 1);
    assert_eq!(outcome.upserts[0].id, a_id);
    assert_eq!(outcome.upserts[0].last_sync_date, Some(NOW));
    let new = &outcome.upserts[1];
    assert_eq!(outcome.offers, vec![new.id]);
    assert_eq!(new.sponsoring_organization_id, Some(org.id));
    assert_eq!(
        new.sponsoring_organization_user_id,
        b.sponsoring_organization_user_id
    );
    assert_eq!(new.offered_to_email.as_deref(), Some("b@example.com"));
    assert_eq!(new.plan_sponsorship_type, Some(0));
    assert!(!new.is_admin_initiated);
    assert_eq!(outcome.items.len(), 2);
    assert!(outcome.items.iter().all(|i| i.last_sync_date == NOW));
}

#[test]
fn to_delete_unredeemed_is_deleted_and_redeemed_is_marked() {
    let org = org(ENTERPRISE_ANNUALLY);
    let mut x = item("x@example.com");
    let mut y = item("y@example.com");
    let existing = vec![cloud_row(&org, &x, false), cloud_row(&org, &y, true)];
    let (x_id, y_id) = (existing[0].id, existing[1].id);
    x.to_delete = true;
    y.to_delete = true;
    x.last_sync_date = Some(NOW - DAY);
    y.last_sync_date = Some(NOW - DAY);
    let outcome = cloud_sync(&org, existing, &[x, y], NOW);
    assert_eq!(outcome.deletes, vec![x_id]);
    // The reference upserts X as well before deleting it; a row to delete is only deleted.
    assert_eq!(outcome.upserts.len(), 1);
    assert_eq!(outcome.upserts[0].id, y_id);
    assert!(outcome.upserts[0].to_delete);
    assert!(outcome.offers.is_empty());
    assert!(outcome.items[0].cloud_sponsorship_removed);
    assert!(!outcome.items[1].cloud_sponsorship_removed);
    assert_eq!(outcome.items[1].valid_until, Some(NOW + 200 * DAY));
}

#[test]
fn new_to_delete_never_synced_is_skipped() {
    let org = org(ENTERPRISE_ANNUALLY);
    let mut x = item("x@example.com");
    x.to_delete = true;
    let outcome = cloud_sync(&org, vec![], std::slice::from_ref(&x), NOW);
    assert!(nothing_written(&outcome));
    assert!(outcome.items.is_empty());
    assert_eq!(
        outcome.skipped,
        vec![Skipped {
            sponsoring_organization_user_id: x.sponsoring_organization_user_id,
            reason: SkipReason::DeletedBeforeSync,
        }]
    );
}

#[test]
fn disabled_org_expired_120_days_ago_writes_nothing() {
    let mut org = org(ENTERPRISE_ANNUALLY);
    org.enabled = false;
    org.expiration_date = Some(NOW - 120 * DAY);
    let outcome = cloud_sync(&org, vec![], &[item("a@example.com")], NOW);
    assert!(nothing_written(&outcome));
    assert_eq!(outcome.skipped[0].reason, SkipReason::SponsorDisabled);
    assert_eq!(SkipReason::SponsorDisabled.code(), "sponsor_disabled");
}

#[test]
fn disabled_org_within_grace_or_without_expiration() {
    let mut org = org(ENTERPRISE_ANNUALLY);
    org.enabled = false;
    org.expiration_date = Some(NOW - 30 * DAY);
    let outcome = cloud_sync(&org, vec![], &[item("a@example.com")], NOW);
    assert_eq!(outcome.upserts.len(), 1, "within the 93-day grace");
    org.expiration_date = None;
    let outcome = cloud_sync(&org, vec![], &[item("a@example.com")], NOW);
    assert_eq!(outcome.skipped[0].reason, SkipReason::SponsorDisabled);
}

#[test]
fn disabled_org_still_syncs_rows_it_has() {
    let mut org = org(ENTERPRISE_ANNUALLY);
    org.enabled = false;
    org.expiration_date = None;
    let a = item("a@example.com");
    let existing = vec![cloud_row(&org, &a, true)];
    let outcome = cloud_sync(&org, existing, &[a], NOW);
    assert_eq!(outcome.upserts.len(), 1);
    assert!(outcome.skipped.is_empty());
}

/// A redeemed sponsorship keeps its row whatever the sender now says.
#[test]
fn known_rows_ignore_name_and_address_changes() {
    let org = org(ENTERPRISE_ANNUALLY);
    let a = item("a@example.com");
    let existing = vec![cloud_row(&org, &a, true)];
    let mut changed = a.clone();
    changed.offered_to_email = Some("other@example.com".into());
    changed.friendly_name = Some("other".into());
    let outcome = cloud_sync(&org, existing, std::slice::from_ref(&changed), NOW);
    assert_eq!(
        outcome.upserts[0].offered_to_email.as_deref(),
        Some("a@example.com")
    );
    // The answer echoes the sender's item.
    assert_eq!(
        outcome.items[0].offered_to_email.as_deref(),
        Some("other@example.com")
    );
    assert!(outcome.offers.is_empty());
}

#[test]
fn new_to_delete_synced_before_is_answered_removed_without_a_row() {
    let org = org(ENTERPRISE_ANNUALLY);
    let mut x = item("x@example.com");
    x.to_delete = true;
    x.last_sync_date = Some(NOW - DAY);
    let outcome = cloud_sync(&org, vec![], &[x], NOW);
    assert!(nothing_written(&outcome));
    assert!(outcome.items[0].cloud_sponsorship_removed);
}

#[test]
fn two_items_of_one_member_make_one_row() {
    let org = org(ENTERPRISE_ANNUALLY);
    let a = item("a@example.com");
    let outcome = cloud_sync(&org, vec![], &[a.clone(), a], NOW);
    assert_eq!(outcome.upserts.len(), 1);
    assert_eq!(outcome.offers.len(), 1);
    assert_eq!(outcome.items.len(), 2);
}

#[test]
fn deleted_then_offered_again_in_one_batch_replaces_the_row() {
    let org = org(ENTERPRISE_ANNUALLY);
    let a = item("a@example.com");
    let existing = vec![cloud_row(&org, &a, false)];
    let old_id = existing[0].id;
    let mut gone = a.clone();
    gone.to_delete = true;
    gone.last_sync_date = Some(NOW - DAY);
    let outcome = cloud_sync(&org, existing, &[gone, a], NOW);
    assert_eq!(outcome.deletes, vec![old_id]);
    assert_eq!(outcome.upserts.len(), 1);
    assert_ne!(outcome.upserts[0].id, old_id);
    assert_eq!(outcome.offers, vec![outcome.upserts[0].id]);
}

#[test]
fn families_org_is_skipped_as_wrong_plan_tier() {
    let org = org(FAMILIES_ANNUALLY);
    let outcome = cloud_sync(&org, vec![], &[item("a@example.com")], NOW);
    assert_eq!(outcome.skipped[0].reason.code(), "wrong_plan_tier");
}

#[test]
fn unknown_plan_sponsorship_type_is_wrong_plan_tier() {
    let org = org(ENTERPRISE_ANNUALLY);
    let mut a = item("a@example.com");
    a.plan_sponsorship_type = Some(7);
    let outcome = cloud_sync(&org, vec![], &[a], NOW);
    assert_eq!(outcome.skipped[0].reason, SkipReason::WrongPlanTier);
}

#[test]
fn new_row_without_address_is_kept_but_not_offered() {
    let org = org(ENTERPRISE_ANNUALLY);
    let mut a = item("a@example.com");
    a.offered_to_email = None;
    let outcome = cloud_sync(&org, vec![], &[a], NOW);
    assert_eq!(outcome.upserts.len(), 1);
    assert!(outcome.offers.is_empty());
}

/// An unredeemed offer sent again to another address: the old offer ends (its row is deleted,
/// so its token no longer validates) and the new address gets a new offer. The same address in
/// another case is no change.
#[test]
fn an_unredeemed_offer_to_a_new_address_replaces_the_old_one() {
    let org = org(ENTERPRISE_ANNUALLY);
    let a = item("a@example.com");
    let old = cloud_row(&org, &a, false);
    let mut moved = a.clone();
    moved.offered_to_email = Some("b@example.com".into());
    let outcome = cloud_sync(&org, vec![old.clone()], std::slice::from_ref(&moved), NOW);
    assert_eq!(outcome.deletes, vec![old.id]);
    assert_eq!(outcome.upserts.len(), 1);
    let new = &outcome.upserts[0];
    assert_ne!(new.id, old.id);
    assert_eq!(new.offered_to_email.as_deref(), Some("b@example.com"));
    assert_eq!(outcome.offers, vec![new.id]);

    let mut same = a.clone();
    same.offered_to_email = Some(" A@Example.com".into());
    let outcome = cloud_sync(&org, vec![old.clone()], std::slice::from_ref(&same), NOW);
    assert!(outcome.deletes.is_empty() && outcome.offers.is_empty());
    assert_eq!(outcome.upserts[0].id, old.id);
}
