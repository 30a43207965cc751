//! `sponsorship-validation` (SPEC §5 steps 8–9, reference §4.7): every day the cloud checks each
//! redeemed sponsorship. A valid one whose period has ended is sponsored for another year; an
//! invalid one (revoked, removed, sponsor no longer Enterprise or disabled past its grace, not
//! synced for half a year) gets the revert e-mail, and ends when its period is over: the
//! Families organization is back on its own plan, unpaid, and disabled unless a recorded payment
//! covers today.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kinwarden_app::sponsorships::rows::to_domain;
use kinwarden_config::Mode;
use kinwarden_core::sponsorships::validation::{self, SponsoringOrgState, Step};
use kinwarden_core::subscription::{self, EntryKind};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::SponsorshipReverting;
use kinwarden_store::{
    OrganizationRecord, RedeemedSponsorship, SponsorshipEnd, SubscriptionPeriodRecord,
};

use super::JobContext;

#[derive(Debug, Default)]
struct Tally {
    checked: usize,
    renewed: usize,
    announced: usize,
    ended: usize,
    errors: Vec<String>,
}

pub async fn run(ctx: &JobContext) -> Result<String, String> {
    if ctx.config.mode != Mode::Cloud {
        return Ok("nothing to do on a self-hosted server".into());
    }
    let rows = ctx
        .store
        .redeemed_sponsorships()
        .await
        .map_err(|err| err.to_string())?;
    // Both sides of every sponsorship, read once rather than twice per row.
    let organizations: HashMap<String, OrganizationRecord> = ctx
        .store
        .all_organizations()
        .await
        .map_err(|err| err.to_string())?
        .into_iter()
        .map(|org| (org.id.clone(), org))
        .collect();
    let mut tally = Tally::default();
    for row in &rows {
        tally.checked += 1;
        if let Err(err) = check(ctx, &organizations, row, &mut tally).await {
            tally.errors.push(format!("{}: {err}", row.sponsorship.id));
        }
    }
    let summary = format!(
        "{} sponsorship(s) checked: {} renewed, {} told of their end, {} ended",
        tally.checked, tally.renewed, tally.announced, tally.ended
    );
    if tally.errors.is_empty() {
        Ok(summary)
    } else {
        Err(format!("{summary}; failed: {}", tally.errors.join("; ")))
    }
}

async fn check(
    ctx: &JobContext,
    organizations: &HashMap<String, OrganizationRecord>,
    row: &RedeemedSponsorship,
    tally: &mut Tally,
) -> Result<(), String> {
    let store = &ctx.store;
    let sponsorship = to_domain(&row.sponsorship).map_err(|err| err.to_string())?;
    let Some(families) = row
        .sponsorship
        .sponsored_organization_id
        .as_deref()
        .and_then(|id| organizations.get(id))
    else {
        // The Families organization is gone; its row goes with the expired ones.
        return Ok(());
    };
    let sponsor = row
        .sponsorship
        .sponsoring_organization_id
        .as_deref()
        .and_then(|id| organizations.get(id))
        .map(|org| SponsoringOrgState {
            plan_type: org.plan_type,
            enabled: org.enabled,
            expiration_date: org.expiration_date,
            // Kinwarden has no admin-sponsored families: such rows are never valid.
            use_admin_sponsored_families: false,
        });
    let now = ctx.clock.now_millis();
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
                &row.sponsorship.id,
                now,
            );
            if store
                .renew_sponsorship(&row.sponsorship.id, valid_until, &entry, until, now)
                .await
                .map_err(|err| err.to_string())?
            {
                tally.renewed += 1;
            }
        }
        Step::Announce { ends_at } => {
            let mail = revert_mail(ctx, families, ends_at).await?;
            if store
                .announce_sponsorship_end(&row.sponsorship.id, &mail, now)
                .await
                .map_err(|err| err.to_string())?
            {
                tally.announced += 1;
                tracing::info!(sponsorship = %row.sponsorship.id, reason = validity.err().map(|e| e.code()).unwrap_or(""), "sponsorship end announced");
            }
        }
        Step::End { announce } => {
            let mail = if announce {
                Some(revert_mail(ctx, families, valid_until.unwrap_or(now)).await?)
            } else {
                None
            };
            let ledger = store
                .subscription_periods(&families.id)
                .await
                .map_err(|err| err.to_string())?;
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
                &row.sponsorship.id,
                now,
            );
            let ended = store
                .end_sponsorship(SponsorshipEnd {
                    sponsorship_id: &row.sponsorship.id,
                    organization_id: &families.id,
                    entry: &entry,
                    disable: !subscription::paid_at(&entries, now),
                    mail: mail.as_ref(),
                    now_ms: now,
                })
                .await
                .map_err(|err| err.to_string())?;
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
    sponsorship_id: &str,
    now: i64,
) -> SubscriptionPeriodRecord {
    SubscriptionPeriodRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: families.id.clone(),
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
    ctx: &JobContext,
    families: &OrganizationRecord,
    last_day_ms: i64,
) -> Result<kinwarden_mail::Mail, String> {
    let address = families.billing_email.trim().to_lowercase();
    let cultures = ctx
        .store
        .cultures_by_email(std::slice::from_ref(&address))
        .await
        .map_err(|err| err.to_string())?;
    let lang = Lang::pick(cultures.get(&address).map(String::as_str), None);
    let date = DateTime::<Utc>::from_timestamp_millis(last_day_ms)
        .map(|day| day.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok(SponsorshipReverting {
        billing_email: &address,
        organization_name: &families.name,
        date: &date,
    }
    .render(&ctx.vault, lang))
}
