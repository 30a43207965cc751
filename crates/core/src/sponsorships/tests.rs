//! One test per behaviour of reference §6.1 (CreateSponsorshipCommandTests) and §6.3
//! (SelfHostedRevokeSponsorshipCommandTests), named after it.

use super::*;

const ENTERPRISE_ANNUALLY: i32 = 20;
const EVERY_PLAN_TYPE: std::ops::RangeInclusive<i32> = 0..=22;

fn org() -> SponsoringOrg {
    SponsoringOrg {
        id: OrganizationId::new(),
        plan_type: ENTERPRISE_ANNUALLY,
        use_admin_sponsored_families: false,
        seats: Some(10),
        occupied_seats: 5,
        can_scale: Err(CANNOT_AUTOSCALE_SELF_HOSTED.to_string()),
    }
}

fn sponsor() -> Sponsor {
    Sponsor {
        member_id: OrganizationUserId::new(),
        status: Some(MemberStatus::Confirmed),
        user_email: Some("member@example.com".into()),
        caller_role: MemberType::User,
        caller_permissions: Permissions::default(),
    }
}

fn request() -> OfferRequest {
    OfferRequest {
        plan_sponsorship_type: PlanSponsorshipType::FamiliesForEnterprise.code(),
        sponsored_email: "family@example.net".into(),
        friendly_name: Some("family@example.net".into()),
        is_admin_initiated: false,
        notes: None,
    }
}

fn admin_request() -> OfferRequest {
    OfferRequest {
        is_admin_initiated: true,
        notes: Some("2.bm90ZXM=|aXY=|bWFj".into()),
        ..request()
    }
}

fn admin_sponsor(role: MemberType) -> Sponsor {
    Sponsor {
        caller_role: role,
        caller_permissions: Permissions {
            manage_users: true,
            ..Permissions::default()
        },
        ..sponsor()
    }
}

fn existing(member: OrganizationUserId, redeemed: bool) -> Sponsorship {
    Sponsorship {
        id: SponsorshipId::new(),
        sponsoring_organization_id: Some(OrganizationId::new()),
        sponsoring_organization_user_id: member,
        sponsored_organization_id: redeemed.then(OrganizationId::new),
        friendly_name: Some("earlier".into()),
        offered_to_email: Some("earlier@example.net".into()),
        plan_sponsorship_type: Some(0),
        to_delete: false,
        last_sync_date: Some(1_000),
        valid_until: None,
        is_admin_initiated: false,
        notes: None,
    }
}

fn saved(offer: Result<Offer, CreateError>) -> (Sponsorship, bool) {
    match offer {
        Ok(Offer::Save {
            sponsorship,
            add_seat,
        }) => (sponsorship, add_seat),
        other => panic!("expected a row to save, got {other:?}"),
    }
}

const NOT_CONFIRMED: &str = "Only confirmed users can sponsor other organizations.";

// §6.1.1
#[test]
fn sponsoring_user_not_found_is_refused_as_self_offer() {
    let sponsor = Sponsor {
        user_email: None,
        ..sponsor()
    };
    let err = create(&org(), &sponsor, &request(), &[], None).unwrap_err();
    assert_eq!(err, CreateError::SelfOffer);
    assert_eq!(
        err.to_string(),
        "Cannot offer a Families Organization Sponsorship to yourself. Choose a different email."
    );
}

// §6.1.2
#[test]
fn offering_to_own_email_is_refused() {
    let request = OfferRequest {
        sponsored_email: "Member@Example.COM".into(),
        ..request()
    };
    let err = create(&org(), &sponsor(), &request, &[], None).unwrap_err();
    assert_eq!(err, CreateError::SelfOffer);
}

// §6.1.3
#[test]
fn non_enterprise_organization_cannot_sponsor() {
    for plan_type in EVERY_PLAN_TYPE.filter(|t| tier_of(*t) != Some(plans::ProductTier::Enterprise))
    {
        let org = SponsoringOrg { plan_type, ..org() };
        let err = create(&org, &sponsor(), &request(), &[], None).unwrap_err();
        assert_eq!(err, CreateError::CannotSponsor, "plan type {plan_type}");
        assert_eq!(
            err.to_string(),
            "Specified Organization cannot sponsor other organizations."
        );
    }
}

// §6.1.4
#[test]
fn member_not_confirmed_cannot_sponsor() {
    for status in [
        Some(MemberStatus::Invited),
        Some(MemberStatus::Accepted),
        Some(MemberStatus::Revoked),
        // Staged (3) has no variant here: an unknown status.
        None,
    ] {
        let sponsor = Sponsor {
            status,
            ..sponsor()
        };
        let err = create(&org(), &sponsor, &request(), &[], None).unwrap_err();
        assert_eq!(err, CreateError::NotConfirmed, "status {status:?}");
    }
}

// §6.1.5
#[test]
fn member_with_redeemed_sponsorship_cannot_sponsor_another() {
    let sponsor = sponsor();
    let own = existing(sponsor.member_id, true);
    let err = create(
        &org(),
        &sponsor,
        &request(),
        std::slice::from_ref(&own),
        Some(&own),
    )
    .unwrap_err();
    assert_eq!(err, CreateError::OnePerMember);
    assert_eq!(
        err.to_string(),
        "Can only sponsor one organization per Organization User."
    );
}

/// A self-hosted row never learns the sponsored organization; the period end the sync brought
/// back says it was redeemed all the same.
#[test]
fn a_redeemed_row_known_only_by_its_period_end_blocks_too() {
    let sponsor = sponsor();
    let mut own = existing(sponsor.member_id, false);
    own.valid_until = Some(1_900_000_000_000);
    let err = create(
        &org(),
        &sponsor,
        &request(),
        std::slice::from_ref(&own),
        Some(&own),
    )
    .unwrap_err();
    assert_eq!(err, CreateError::OnePerMember);
}

// §6.1.6
#[test]
fn not_confirmed_message_is_exact() {
    for status in [
        MemberStatus::Invited,
        MemberStatus::Accepted,
        MemberStatus::Revoked,
    ] {
        let sponsor = Sponsor {
            status: Some(status),
            ..sponsor()
        };
        let err = create(&org(), &sponsor, &request(), &[], None).unwrap_err();
        assert_eq!(err.to_string(), NOT_CONFIRMED);
    }
}

// §6.1.7
#[test]
fn valid_member_offer_is_saved_with_the_expected_row() {
    let org = org();
    let sponsor = sponsor();
    let (row, add_seat) = saved(create(&org, &sponsor, &request(), &[], None));
    assert!(!add_seat);
    let expected = Sponsorship {
        id: row.id,
        sponsoring_organization_id: Some(org.id),
        sponsoring_organization_user_id: sponsor.member_id,
        sponsored_organization_id: None,
        friendly_name: Some("family@example.net".into()),
        offered_to_email: Some("family@example.net".into()),
        plan_sponsorship_type: Some(PlanSponsorshipType::FamiliesForEnterprise.code()),
        to_delete: false,
        last_sync_date: None,
        valid_until: None,
        is_admin_initiated: false,
        notes: None,
    };
    assert_eq!(row, expected);
}

// §6.1.8: the store writes the row in one statement, so a failed write leaves nothing behind
// and there is no row to delete afterwards. What the rule decides is the row's id: a member's
// unredeemed offer is replaced in place (§2.2 step 7), never duplicated.
#[test]
fn unredeemed_own_offer_is_replaced_under_its_id() {
    let sponsor = sponsor();
    let own = existing(sponsor.member_id, false);
    let (row, _) = saved(create(
        &org(),
        &sponsor,
        &request(),
        std::slice::from_ref(&own),
        Some(&own),
    ));
    assert_eq!(row.id, own.id);
    assert_eq!(
        row.last_sync_date, None,
        "a replaced offer awaits sync again"
    );
}

// §6.1.9
#[test]
fn admin_offer_by_custom_member_without_manage_users_is_unauthorized() {
    let sponsor = Sponsor {
        caller_role: MemberType::Custom,
        ..sponsor()
    };
    let err = create(&org(), &sponsor, &admin_request(), &[], None).unwrap_err();
    assert_eq!(err, CreateError::NotPermitted);
    assert_eq!(
        err.to_string(),
        "You do not have permissions to send sponsorships on behalf of the organization"
    );
}

// §6.1.10
#[test]
fn admin_offer_by_user_or_custom_without_manage_users_is_unauthorized() {
    for role in [MemberType::User, MemberType::Custom] {
        let sponsor = Sponsor {
            caller_role: role,
            ..sponsor()
        };
        let err = create(&org(), &sponsor, &admin_request(), &[], None).unwrap_err();
        assert_eq!(err, CreateError::NotPermitted, "{role:?}");
    }
}

fn admin_org(occupied_seats: i64, can_scale: Result<(), String>) -> SponsoringOrg {
    SponsoringOrg {
        use_admin_sponsored_families: true,
        seats: Some(10),
        occupied_seats,
        can_scale,
        ..org()
    }
}

// §6.1.11
#[test]
fn admin_offer_with_free_seats_is_created_without_adding_seats() {
    for role in [MemberType::Admin, MemberType::Owner] {
        let sponsor = admin_sponsor(role);
        let request = admin_request();
        let (row, add_seat) = saved(create(
            &admin_org(5, Err("no".into())),
            &sponsor,
            &request,
            &[],
            None,
        ));
        assert!(row.is_admin_initiated);
        assert_eq!(row.notes, request.notes);
        assert!(!add_seat);
    }
}

// §6.1.12
#[test]
fn admin_offer_with_full_seats_adds_one_seat_when_scaling_is_possible() {
    let (row, add_seat) = saved(create(
        &admin_org(10, Ok(())),
        &admin_sponsor(MemberType::Owner),
        &admin_request(),
        &[],
        None,
    ));
    assert!(row.is_admin_initiated);
    assert!(add_seat);
}

// §6.1.13
#[test]
fn admin_offer_with_full_seats_fails_with_the_scaling_reason() {
    let err = create(
        &admin_org(10, Err("Seat limit has been reached.".into())),
        &admin_sponsor(MemberType::Owner),
        &admin_request(),
        &[],
        None,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "Seat limit has been reached.");
}

// §2.2 step 4: a friendly name already used returns that row, before the one-per-member check.
#[test]
fn same_friendly_name_returns_the_existing_row_unchanged() {
    let sponsor = sponsor();
    let mut own = existing(sponsor.member_id, true);
    own.friendly_name = request().friendly_name;
    let offer = create(
        &org(),
        &sponsor,
        &request(),
        std::slice::from_ref(&own),
        Some(&own),
    );
    assert_eq!(offer, Ok(Offer::Existing(own)));
}

// §2.2 step 5: an organization without admin-sponsored families refuses admin offers.
#[test]
fn admin_offer_needs_admin_sponsored_families() {
    let err = create(
        &org(),
        &admin_sponsor(MemberType::Owner),
        &admin_request(),
        &[],
        None,
    )
    .unwrap_err();
    assert_eq!(err, CreateError::AdminSponsorshipsOff);
}

#[test]
fn unknown_plan_sponsorship_type_is_refused() {
    let request = OfferRequest {
        plan_sponsorship_type: 7,
        ..request()
    };
    let err = create(&org(), &sponsor(), &request, &[], None).unwrap_err();
    assert_eq!(err, CreateError::UnknownPlanSponsorshipType);
}

// §6.3.1
#[test]
fn revoking_nothing_is_refused() {
    let err = self_hosted_revoke(None, false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "You are not currently sponsoring an organization."
    );
}

// §6.3.2
#[test]
fn revoking_a_never_synced_sponsorship_deletes_it() {
    let mut row = existing(OrganizationUserId::new(), false);
    row.last_sync_date = None;
    assert_eq!(self_hosted_revoke(Some(&row), false), Ok(Revoke::Delete));
}

// SPEC §10: the cloud may hold a row this side never saw answered; the next sync settles it.
#[test]
fn revoking_a_never_synced_sponsorship_with_billing_sync_marks_it_to_delete() {
    let mut row = existing(OrganizationUserId::new(), false);
    row.last_sync_date = None;
    assert_eq!(
        self_hosted_revoke(Some(&row), true),
        Ok(Revoke::MarkToDelete)
    );
}

// §6.3.3
#[test]
fn revoking_a_synced_sponsorship_marks_it_to_delete() {
    let row = existing(OrganizationUserId::new(), false);
    assert_eq!(
        self_hosted_revoke(Some(&row), false),
        Ok(Revoke::MarkToDelete)
    );
}

// §1.1 profile rule.
#[test]
fn family_sponsorship_available_needs_enterprise_and_no_own_sponsorship() {
    assert!(family_sponsorship_available(ENTERPRISE_ANNUALLY, false));
    assert!(!family_sponsorship_available(ENTERPRISE_ANNUALLY, true));
    assert!(!family_sponsorship_available(2, false));
}

#[test]
fn plan_sponsorship_type_wire_numbers() {
    assert_eq!(PlanSponsorshipType::FamiliesForEnterprise.code(), 0);
    assert_eq!(
        PlanSponsorshipType::from_code(0),
        Some(PlanSponsorshipType::FamiliesForEnterprise)
    );
    assert_eq!(PlanSponsorshipType::from_code(1), None);
}
