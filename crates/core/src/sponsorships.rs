//! Families for Enterprise sponsorships (reference §1.1, §2.2, §2.3; SPEC §5 steps 6–9): the
//! entity as plain data, and the rules of offering and revoking on a self-hosted server as pure
//! functions. The caller loads what a rule needs, calls it, and writes what it decides.

pub mod cloud_revoke;
pub mod cloud_sync;
pub mod validation;

use crate::ids::{OrganizationId, OrganizationUserId, SponsorshipId};
use crate::members::{self, MemberStatus, MemberType, Permissions};
use crate::plans::{self, tier_of};

/// `PlanSponsorshipType` with its wire number (reference §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanSponsorshipType {
    FamiliesForEnterprise,
}

impl PlanSponsorshipType {
    pub fn code(self) -> i32 {
        match self {
            Self::FamiliesForEnterprise => 0,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::FamiliesForEnterprise),
            _ => None,
        }
    }
}

/// One offer or sponsorship (reference §1.1 `OrganizationSponsorship`). Times are milliseconds
/// since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sponsorship {
    pub id: SponsorshipId,
    /// The Enterprise organization that pays; none once that organization is deleted.
    pub sponsoring_organization_id: Option<OrganizationId>,
    /// The member who offered it. Not a foreign key: the row outlives the member, marked to
    /// delete, until the cloud has heard of it.
    pub sponsoring_organization_user_id: OrganizationUserId,
    /// The Families organization that redeemed it; none until redeemed.
    pub sponsored_organization_id: Option<OrganizationId>,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    pub plan_sponsorship_type: Option<i32>,
    pub to_delete: bool,
    /// Set once the cloud acknowledged the row through billing sync; none shows as
    /// *Awaiting Sync*.
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
    pub is_admin_initiated: bool,
    pub notes: Option<String>,
}

/// Why an offer is refused. The texts are the reference's, word for word (clients show them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    #[error(
        "Cannot offer a Families Organization Sponsorship to yourself. Choose a different email."
    )]
    SelfOffer,
    /// The reference dereferences a missing plan and answers 500; Kinwarden says why.
    #[error("Invalid plan sponsorship type.")]
    UnknownPlanSponsorshipType,
    #[error("Specified Organization cannot sponsor other organizations.")]
    CannotSponsor,
    #[error("Only confirmed users can sponsor other organizations.")]
    NotConfirmed,
    /// Answered as 401 "Unauthorized." on the wire (reference §2.2 step 5).
    #[error("You do not have permissions to send sponsorships on behalf of the organization")]
    NotPermitted,
    #[error("Sponsoring organization cannot send admin-initiated sponsorship invitations")]
    AdminSponsorshipsOff,
    #[error("Can only sponsor one organization per Organization User.")]
    OnePerMember,
    /// The reason seats cannot be added, as given.
    #[error("{0}")]
    NoSeats(String),
}

/// What a self-hosted server answers when asked to add a seat (reference §2.2 step 8).
pub const CANNOT_AUTOSCALE_SELF_HOSTED: &str = "Cannot autoscale on self-hosted instance.";

/// The sponsoring organization as the offer rules see it.
#[derive(Debug, Clone)]
pub struct SponsoringOrg {
    pub id: OrganizationId,
    pub plan_type: i32,
    pub use_admin_sponsored_families: bool,
    pub seats: Option<i32>,
    /// Members (invited, accepted, confirmed) plus admin-initiated sponsorships still held
    /// (reference §1.1 seat accounting).
    pub occupied_seats: i64,
    /// Whether one more seat may be added, or why not.
    pub can_scale: Result<(), String>,
}

impl Sponsorship {
    /// Whether a family redeemed it. The cloud knows the sponsored organization; a self-hosted
    /// server never learns it, but the period end (`validUntil`) the sync brings back is set
    /// only once the offer is redeemed (reference §2.4), so either tells.
    pub fn is_redeemed(&self) -> bool {
        self.sponsored_organization_id.is_some() || self.valid_until.is_some()
    }
}

/// The member who offers, and who is asking (the same person for a member's own offer).
#[derive(Debug, Clone)]
pub struct Sponsor {
    pub member_id: OrganizationUserId,
    pub status: Option<MemberStatus>,
    /// The account's e-mail; none when the account behind the membership is gone.
    pub user_email: Option<String>,
    pub caller_role: MemberType,
    pub caller_permissions: Permissions,
}

/// What is asked for (the create request model of reference §2.1).
#[derive(Debug, Clone)]
pub struct OfferRequest {
    pub plan_sponsorship_type: i32,
    pub sponsored_email: String,
    pub friendly_name: Option<String>,
    pub is_admin_initiated: bool,
    pub notes: Option<String>,
}

/// What to write for an accepted offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// A sponsorship with this friendly name already exists: returned unchanged, nothing written
    /// (reference §2.2 step 4).
    Existing(Sponsorship),
    /// Insert, or replace the member's unredeemed row when the id is reused (step 7). `add_seat`
    /// asks for one more seat first (step 8).
    Save {
        sponsorship: Sponsorship,
        add_seat: bool,
    },
}

/// The CreateSponsorship command (reference §2.2), checks in the reference's order.
/// `org_sponsorships` are all rows of the sponsoring organization; `members_own` is the member's
/// non-admin-initiated row, if any.
pub fn create(
    org: &SponsoringOrg,
    sponsor: &Sponsor,
    request: &OfferRequest,
    org_sponsorships: &[Sponsorship],
    members_own: Option<&Sponsorship>,
) -> Result<Offer, CreateError> {
    // 1. Not to oneself; an account that is gone counts as oneself, as in the reference.
    match &sponsor.user_email {
        Some(email) if !email.eq_ignore_ascii_case(request.sponsored_email.trim()) => {}
        _ => return Err(CreateError::SelfOffer),
    }
    // 2. Only the sponsored plan's sponsoring tier may sponsor.
    let plan = plans::sponsored_plan(request.plan_sponsorship_type)
        .ok_or(CreateError::UnknownPlanSponsorshipType)?;
    if tier_of(org.plan_type) != Some(plan.sponsoring_tier) {
        return Err(CreateError::CannotSponsor);
    }
    // 3. Only confirmed members.
    if sponsor.status != Some(MemberStatus::Confirmed) {
        return Err(CreateError::NotConfirmed);
    }
    // 4. Same friendly name (exact, case-sensitive, none matches none): that row, unchanged.
    if let Some(existing) = org_sponsorships
        .iter()
        .find(|s| s.friendly_name == request.friendly_name)
    {
        return Ok(Offer::Existing(existing.clone()));
    }
    // 5. On behalf of the organization: someone who manages users, in an organization that
    // allows it. Unlike the role check, a User whose manageUsers flag is set passes (§2.2).
    if request.is_admin_initiated {
        let may = sponsor.caller_permissions.manage_users
            || members::can_manage_users(sponsor.caller_role, &sponsor.caller_permissions);
        if !may {
            return Err(CreateError::NotPermitted);
        }
        if !org.use_admin_sponsored_families {
            return Err(CreateError::AdminSponsorshipsOff);
        }
    }
    // 6. The new row.
    let mut sponsorship = Sponsorship {
        id: SponsorshipId::new(),
        sponsoring_organization_id: Some(org.id),
        sponsoring_organization_user_id: sponsor.member_id,
        sponsored_organization_id: None,
        friendly_name: request.friendly_name.clone(),
        offered_to_email: Some(request.sponsored_email.trim().to_string()),
        plan_sponsorship_type: Some(request.plan_sponsorship_type),
        to_delete: false,
        last_sync_date: None,
        valid_until: None,
        is_admin_initiated: request.is_admin_initiated,
        notes: request.notes.clone(),
    };
    // 7. One per member: a redeemed one blocks, an unredeemed one is replaced in place.
    if let Some(own) = members_own.filter(|_| !request.is_admin_initiated) {
        if own.is_redeemed() {
            return Err(CreateError::OnePerMember);
        }
        sponsorship.id = own.id;
    }
    // 8. Admin-initiated offers take a seat.
    let seats_full = org
        .seats
        .is_some_and(|seats| i64::from(seats) - org.occupied_seats <= 0);
    let add_seat = request.is_admin_initiated && seats_full;
    if add_seat {
        org.can_scale.clone().map_err(CreateError::NoSeats)?;
    }
    Ok(Offer::Save {
        sponsorship,
        add_seat,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevokeError {
    #[error("You are not currently sponsoring an organization.")]
    NotSponsoring,
}

/// What revoking does to the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoke {
    /// The cloud never heard of it: remove it here.
    Delete,
    /// The cloud knows it: keep it, marked, so the next sync ends it there.
    MarkToDelete,
}

/// SelfHostedRevokeSponsorship (reference §2.3). Also what removing the member does to their
/// sponsorship (SPEC §5 step 9).
///
/// `cloud_may_know`: the organization has a billing sync connection, so a row without a sync
/// date may still be known to the cloud — a sync whose batch the cloud committed but whose
/// answer never got applied here (a crash, a cut answer: SPEC §10), or a re-offer in place of a
/// synced row, which clears its date. Deleting such a row here would leave a live offer on the
/// cloud that no sync ever ends, so it is marked and the next sync settles it: the cloud ends
/// it, or says it never had it, and the row goes (see `self_hosted_sync::reconcile`). The
/// reference deletes it at once.
pub fn self_hosted_revoke(
    sponsorship: Option<&Sponsorship>,
    cloud_may_know: bool,
) -> Result<Revoke, RevokeError> {
    let sponsorship = sponsorship.ok_or(RevokeError::NotSponsoring)?;
    Ok(if sponsorship.last_sync_date.is_none() && !cloud_may_know {
        Revoke::Delete
    } else {
        Revoke::MarkToDelete
    })
}

/// `familySponsorshipAvailable` of a profile organization (reference §1.1): an Enterprise
/// organization whose member holds no sponsorship of their own (admin-initiated rows do not
/// count).
pub fn family_sponsorship_available(plan_type: i32, holds_own_sponsorship: bool) -> bool {
    let tier = tier_of(plan_type).unwrap_or(plans::ProductTier::Free);
    !holds_own_sponsorship && plans::sponsorship_offered_by(tier).is_some()
}

#[cfg(test)]
mod tests;
