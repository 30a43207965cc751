//! Sponsorship rows of the store to the domain's entity and back: the same typed fields, except
//! the plan sponsorship type, which the domain keeps as the number an offer carried so that its
//! rules can refuse one they do not know.

use kinwarden_core::sponsorships::{PlanSponsorshipType, Sponsorship};
use kinwarden_store::SponsorshipRecord;

pub fn to_domain(row: &SponsorshipRecord) -> Sponsorship {
    Sponsorship {
        id: row.id,
        sponsoring_organization_id: row.sponsoring_organization_id,
        sponsoring_organization_user_id: row.sponsoring_organization_user_id,
        sponsored_organization_id: row.sponsored_organization_id,
        friendly_name: row.friendly_name.clone(),
        offered_to_email: row.offered_to_email.clone(),
        plan_sponsorship_type: row.plan_sponsorship_type.map(PlanSponsorshipType::code),
        to_delete: row.to_delete,
        last_sync_date: row.last_sync_date,
        valid_until: row.valid_until,
        is_admin_initiated: row.is_admin_initiated,
        notes: row.notes.clone(),
    }
}

/// The row to write. A sponsorship reaches this only after the offer rules accepted its type
/// (`sponsorships::create` and the cloud's sync refuse a number no plan has), so none is lost here.
pub fn to_record(sponsorship: &Sponsorship) -> SponsorshipRecord {
    SponsorshipRecord {
        id: sponsorship.id,
        sponsoring_organization_id: sponsorship.sponsoring_organization_id,
        sponsoring_organization_user_id: sponsorship.sponsoring_organization_user_id,
        sponsored_organization_id: sponsorship.sponsored_organization_id,
        friendly_name: sponsorship.friendly_name.clone(),
        offered_to_email: sponsorship.offered_to_email.clone(),
        plan_sponsorship_type: sponsorship
            .plan_sponsorship_type
            .and_then(PlanSponsorshipType::from_code),
        to_delete: sponsorship.to_delete,
        last_sync_date: sponsorship.last_sync_date,
        valid_until: sponsorship.valid_until,
        is_admin_initiated: sponsorship.is_admin_initiated,
        notes: sponsorship.notes.clone(),
    }
}
