//! The offer e-mail of a sponsorship new to the cloud (reference §4.3, §4.4), queued as a draft:
//! the delivery worker signs its token, picks the recipient's language and renders it (SPEC §10:
//! a first sync queues one per row, so what it stores per row counts).

use kinwarden_core::sponsorships::Sponsorship;
use kinwarden_core::sponsorships::cloud_sync::CloudSyncOutcome;
use kinwarden_mail::DraftMail;

use crate::App;

/// One offer draft per row in `outcome.offers` that has an address.
pub fn offer_drafts(state: &App, sponsor_name: &str, outcome: &CloudSyncOutcome) -> Vec<DraftMail> {
    let offers: std::collections::HashSet<_> = outcome.offers.iter().collect();
    outcome
        .upserts
        .iter()
        .filter(|row| offers.contains(&row.id))
        .filter_map(|row| offer_draft(state, sponsor_name, row))
        .collect()
}

/// The offer e-mail of one sponsorship (made by a sync, or a cloud offer made or sent again,
/// reference §4.1 C2, C3); none when it has no address to go to.
pub fn offer_draft(state: &App, sponsor_name: &str, row: &Sponsorship) -> Option<DraftMail> {
    let address = row
        .offered_to_email
        .as_deref()
        .map(str::trim)
        .filter(|address| !address.is_empty())?;
    Some(DraftMail::sponsorship_offer(
        row.sponsoring_organization_id.map(|id| id.0),
        &row.id.to_string(),
        sponsor_name,
        address,
        row.plan_sponsorship_type.unwrap_or_default(),
        state.urls.vault.host_str().unwrap_or_default(),
    ))
}
