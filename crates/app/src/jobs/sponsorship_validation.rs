//! `sponsorship-validation` (SPEC §5 steps 8–9, reference §4.7): every day the cloud checks each
//! redeemed sponsorship. A valid one whose period has ended is sponsored for another year; an
//! invalid one (revoked, removed, sponsor no longer Enterprise or disabled past its grace, not
//! synced for half a year) gets the revert e-mail, and ends when its period is over: the
//! Families organization is back on its own plan, unpaid, and disabled unless a recorded payment
//! covers today. Each step is one transaction of the store's.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kinwarden_config::Mode;
use kinwarden_core::ids::{OrganizationId, SponsorshipId, SubscriptionPeriodId};
use kinwarden_core::sponsorships::validation::{self, SponsoringOrgState, Step};
use kinwarden_core::subscription::{self, EntryKind};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::SponsorshipReverting;

use super::{Idle, Outcome, message};
use crate::records::{
    OrganizationRecord, RedeemedSponsorship, SponsorshipEnd, SubscriptionPeriodRecord,
};
use crate::sponsorships::rows::to_domain;
use crate::{App, AppError};

/// What a run did.
#[derive(Debug, Default)]
pub struct Tally {
    pub checked: usize,
    pub renewed: usize,
    pub announced: usize,
    pub ended: usize,
    /// Sponsorships whose step failed: `id: error`. The others' steps are kept.
    pub errors: Vec<String>,
}

pub async fn run(app: &App) -> Result<Outcome<Tally>, AppError> {
    if app.config.mode != Mode::Cloud {
        return Ok(Outcome::Idle(Idle::OnSelfHosted));
    }
    let rows = app.store.redeemed_sponsorships().await?;
    // Both sides of every sponsorship, read once rather than twice per row.
    let organizations: HashMap<OrganizationId, OrganizationRecord> = app
        .store
        .all_organizations()
        .await?
        .into_iter()
        .map(|org| (org.id, org))
        .collect();
    let mut tally = Tally::default();
    for row in &rows {
        tally.checked += 1;
        if let Err(err) = check(app, &organizations, row, &mut tally).await {
            tally
                .errors
                .push(format!("{}: {}", row.sponsorship.id, message(&err)));
        }
    }
    Ok(Outcome::Done(tally))
}

async fn check(
    app: &App,
    organizations: &HashMap<OrganizationId, OrganizationRecord>,
    row: &RedeemedSponsorship,
    tally: &mut Tally,
) -> Result<(), AppError> {
    let store = &app.store;
    let sponsorship = to_domain(&row.sponsorship);
    let Some(families) = row
        .sponsorship
        .sponsored_organization_id
        .and_then(|id| organizations.get(&id))
    else {
        // The Families organization is gone; its row goes with the expired ones.
        return Ok(());
    };
    let sponsor = row
        .sponsorship
        .sponsoring_organization_id
        .and_then(|id| organizations.get(&id))
        .map(|org| SponsoringOrgState {
            plan_type: org.plan_type,
            enabled: org.enabled,
            expiration_date: org.expiration_date,
            // Kinwarden has no admin-sponsored families: such rows are never valid.
            use_admin_sponsored_families: false,
        });
    let now = app.clock.now_millis();
    let validity = validation::validate(Some(&sponsorship), sponsor.as_ref(), now);
    let valid_until = row.sponsorship.valid_until;
    match validation::next_step(validity, valid_until, row.revert_mailed_at.is_some(), now) {
        Step::Keep => {}
        Step::Renew { until } => {
            let entry = ledger_entry(
                families,
                EntryKind::Sponsored,
                valid_until.unwrap_or(now),
                Some(until),
                row.sponsorship.id,
                now,
            );
            if store
                .renew_sponsorship(row.sponsorship.id, valid_until, &entry, until, now)
                .await?
            {
                tally.renewed += 1;
            }
        }
        Step::Announce { ends_at } => {
            let mail = revert_mail(app, families, ends_at).await?;
            if store
                .announce_sponsorship_end(row.sponsorship.id, &mail, now)
                .await?
            {
                tally.announced += 1;
                tracing::info!(sponsorship = %row.sponsorship.id, reason = validity.err().map(|e| e.code()).unwrap_or(""), "sponsorship end announced");
            }
        }
        Step::End { announce } => {
            let mail = if announce {
                Some(revert_mail(app, families, valid_until.unwrap_or(now)).await?)
            } else {
                None
            };
            let ledger = store.subscription_periods(families.id).await?;
            let entries: Vec<(EntryKind, i64, Option<i64>)> = ledger
                .iter()
                .filter_map(|p| {
                    EntryKind::from_name(&p.kind).map(|k| (k, p.start_date, p.end_date))
                })
                .collect();
            let entry = ledger_entry(
                families,
                EntryKind::SponsorshipEnded,
                now,
                None,
                row.sponsorship.id,
                now,
            );
            let ended = store
                .end_sponsorship(SponsorshipEnd {
                    sponsorship_id: row.sponsorship.id,
                    organization_id: families.id,
                    entry: &entry,
                    disable: !subscription::paid_at(&entries, now),
                    mail: mail.as_ref(),
                    now_ms: now,
                })
                .await?;
            if ended {
                tally.ended += 1;
                tracing::info!(sponsorship = %row.sponsorship.id, organization = %families.id, "sponsorship ended");
            }
        }
    }
    Ok(())
}

fn ledger_entry(
    families: &OrganizationRecord,
    kind: EntryKind,
    start: i64,
    end: Option<i64>,
    sponsorship_id: SponsorshipId,
    now: i64,
) -> SubscriptionPeriodRecord {
    SubscriptionPeriodRecord {
        id: SubscriptionPeriodId::new(),
        organization_id: families.id,
        kind: kind.name().to_string(),
        start_date: start,
        end_date: end,
        plan_type: families.plan_type,
        seats: families.seats,
        recorded_by: Some(format!("sponsorship:{sponsorship_id}")),
        created_at: now,
    }
}

/// The revert e-mail to the Families organization's billing address, in its account's language.
async fn revert_mail(
    app: &App,
    families: &OrganizationRecord,
    last_day_ms: i64,
) -> Result<kinwarden_mail::Mail, AppError> {
    let address = families.billing_email.trim().to_lowercase();
    let cultures = app
        .store
        .cultures_by_email(std::slice::from_ref(&address))
        .await?;
    let lang = Lang::pick(cultures.get(&address).map(String::as_str), None);
    let date = DateTime::<Utc>::from_timestamp_millis(last_day_ms)
        .map(|day| day.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok(SponsorshipReverting {
        billing_email: &address,
        organization_name: &families.name,
        date: &date,
    }
    .render(&app.urls.vault, lang))
}
