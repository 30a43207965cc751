//! Sponsorship rows of the store to the domain's typed entity and back.

use kinwarden_core::sponsorships::Sponsorship;
use kinwarden_store::SponsorshipRecord;

use crate::error::AppError;

fn parse<T: std::str::FromStr>(text: &str) -> Result<T, AppError>
where
    T::Err: std::fmt::Display,
{
    // Ids are written by this program; one that does not parse is a damaged row.
    text.parse().map_err(AppError::internal)
}

pub fn to_domain(row: &SponsorshipRecord) -> Result<Sponsorship, AppError> {
    Ok(Sponsorship {
        id: parse(&row.id)?,
        sponsoring_organization_id: row
            .sponsoring_organization_id
            .as_deref()
            .map(parse)
            .transpose()?,
        sponsoring_organization_user_id: parse(&row.sponsoring_organization_user_id)?,
        sponsored_organization_id: row
            .sponsored_organization_id
            .as_deref()
            .map(parse)
            .transpose()?,
        friendly_name: row.friendly_name.clone(),
        offered_to_email: row.offered_to_email.clone(),
        plan_sponsorship_type: row.plan_sponsorship_type,
        to_delete: row.to_delete,
        last_sync_date: row.last_sync_date,
        valid_until: row.valid_until,
        is_admin_initiated: row.is_admin_initiated,
        notes: row.notes.clone(),
    })
}

pub fn to_record(sponsorship: &Sponsorship) -> SponsorshipRecord {
    SponsorshipRecord {
        id: sponsorship.id.to_string(),
        sponsoring_organization_id: sponsorship
            .sponsoring_organization_id
            .map(|id| id.to_string()),
        sponsoring_organization_user_id: sponsorship.sponsoring_organization_user_id.to_string(),
        sponsored_organization_id: sponsorship
            .sponsored_organization_id
            .map(|id| id.to_string()),
        friendly_name: sponsorship.friendly_name.clone(),
        offered_to_email: sponsorship.offered_to_email.clone(),
        plan_sponsorship_type: sponsorship.plan_sponsorship_type,
        to_delete: sponsorship.to_delete,
        last_sync_date: sponsorship.last_sync_date,
        valid_until: sponsorship.valid_until,
        is_admin_initiated: sponsorship.is_admin_initiated,
        notes: sponsorship.notes.clone(),
    }
}
