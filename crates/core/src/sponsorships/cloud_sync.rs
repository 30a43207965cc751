//! CloudSyncSponsorships (reference §4.2) as a pure function: the cloud's answer to one batch a
//! self-hosted server sends (C1). The caller loads the sponsoring organization and its rows,
//! calls [`cloud_sync`], and writes the outcome (rows, deletions, offer e-mails) in one
//! transaction.

use std::collections::HashMap;

use crate::ids::{OrganizationId, OrganizationUserId, SponsorshipId};
use crate::plans::{self, tier_of};

use super::{PlanSponsorshipType, Sponsorship};

/// How long a disabled sponsoring organization still syncs (reference §4.2: 93 days).
pub const DISABLED_GRACE_MS: i64 = 93 * 24 * 60 * 60 * 1000;

/// The cloud organization named by the request, as the rules see it.
#[derive(Debug, Clone)]
pub struct CloudSponsor {
    pub id: OrganizationId,
    pub plan_type: i32,
    pub enabled: bool,
    /// Milliseconds since the epoch.
    pub expiration_date: Option<i64>,
}

impl CloudSponsor {
    /// "Disabled for more than the grace period": disabled, and expired over 93 days ago or
    /// never given an expiration.
    fn disabled_beyond_grace(&self, now: i64) -> bool {
        !self.enabled
            && self
                .expiration_date
                .is_none_or(|expiration| expiration < now - DISABLED_GRACE_MS)
    }
}

/// One item as the self-hosted server sends it (times in milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedItem {
    pub sponsoring_organization_user_id: OrganizationUserId,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    /// Absent reads as FamiliesForEnterprise: the reference's field is a non-nullable enum.
    pub plan_sponsorship_type: Option<i32>,
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
    pub to_delete: bool,
}

/// One item of the answer: the sender's item, with what the cloud now holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredItem {
    pub sponsoring_organization_user_id: OrganizationUserId,
    pub friendly_name: Option<String>,
    pub offered_to_email: Option<String>,
    pub plan_sponsorship_type: Option<i32>,
    pub last_sync_date: i64,
    pub valid_until: Option<i64>,
    pub to_delete: bool,
    pub cloud_sponsorship_removed: bool,
}

/// Why an item was left out (SPEC §6: Kinwarden reports what the reference silently drops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The sponsoring organization's plan cannot sponsor this item's plan.
    WrongPlanTier,
    /// The sponsoring organization is disabled beyond the 93-day grace.
    SponsorDisabled,
    /// Revoked before the cloud ever heard of it: the sender should have deleted it locally.
    DeletedBeforeSync,
}

impl SkipReason {
    /// The code on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::WrongPlanTier => "wrong_plan_tier",
            Self::SponsorDisabled => "sponsor_disabled",
            Self::DeletedBeforeSync => "deleted_before_sync",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub sponsoring_organization_user_id: OrganizationUserId,
    pub reason: SkipReason,
}

/// What to write and what to answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudSyncOutcome {
    /// Rows to insert or replace by id, each once.
    pub upserts: Vec<Sponsorship>,
    /// Rows to delete.
    pub deletes: Vec<SponsorshipId>,
    /// New rows (among `upserts`) whose offer e-mail goes out.
    pub offers: Vec<SponsorshipId>,
    pub items: Vec<AnsweredItem>,
    pub skipped: Vec<Skipped>,
}

/// A row of the pass: the stored or new sponsorship, and whether this pass created it.
struct Held {
    row: Sponsorship,
    new: bool,
    touched: bool,
    deleted: bool,
}

/// CloudSyncSponsorships (reference §4.2), rule by rule. `existing` are the organization's rows;
/// `now` is milliseconds since the epoch.
pub fn cloud_sync(
    org: &CloudSponsor,
    existing: Vec<Sponsorship>,
    items: &[SyncedItem],
    now: i64,
) -> CloudSyncOutcome {
    let mut outcome = CloudSyncOutcome::default();
    // 2. An empty batch writes nothing (it still answers: a self-hosted server checks its token).
    if items.is_empty() {
        return outcome;
    }
    // 3.1 The rows keyed by the sender's member id. The reference throws (500) on a duplicate
    // key; a member's own row is unique by index here, so a duplicate can only be an
    // admin-initiated row of a cloud offer, and the member's own row wins.
    let mut held: HashMap<OrganizationUserId, Held> = HashMap::with_capacity(existing.len());
    for row in existing {
        let replace = held
            .get(&row.sponsoring_organization_user_id)
            .is_none_or(|kept| kept.row.is_admin_initiated && !row.is_admin_initiated);
        if replace {
            let key = row.sponsoring_organization_user_id;
            held.insert(
                key,
                Held {
                    row,
                    new: false,
                    touched: false,
                    deleted: false,
                },
            );
        }
    }
    // Rows in the order the batch first touched them, so writes and offers follow the batch.
    let mut order: Vec<OrganizationUserId> = Vec::new();

    for item in items {
        let member = item.sponsoring_organization_user_id;
        let skip = |reason| Skipped {
            sponsoring_organization_user_id: member,
            reason,
        };
        // Tier. An unknown plan sponsorship type cannot be sponsored by any tier either (the
        // reference fails on it with a 500).
        let plan_type = item
            .plan_sponsorship_type
            .unwrap_or(PlanSponsorshipType::FamiliesForEnterprise.code());
        let tier_fits = plans::sponsored_plan(plan_type)
            .is_some_and(|plan| tier_of(org.plan_type) == Some(plan.sponsoring_tier));
        if !tier_fits {
            outcome.skipped.push(skip(SkipReason::WrongPlanTier));
            continue;
        }
        // A row this pass already deleted is gone: a repeated item sees no row.
        let known = held.get(&member).is_some_and(|h| !h.deleted);
        if !known {
            if item.to_delete && item.last_sync_date.is_none() {
                outcome.skipped.push(skip(SkipReason::DeletedBeforeSync));
                continue;
            }
            if org.disabled_beyond_grace(now) {
                outcome.skipped.push(skip(SkipReason::SponsorDisabled));
                continue;
            }
            if item.to_delete {
                // New to the cloud, to delete, yet synced before: the cloud already ended it.
                // The reference creates the row, mails the offer and answers "removed" while the
                // row stays; here nothing is created or mailed, and the answer is "removed".
                outcome.items.push(answer(item, None, true, now));
                continue;
            }
            // Two items of one member in a batch: the reference creates two rows (and here the
            // one-own-sponsorship index would refuse the second); the second item finds the
            // row the first made, as a second batch would.
            // A row deleted earlier in this pass and offered again: the old one still goes.
            let prior = held.remove(&member);
            let touched = prior.as_ref().is_some_and(|p| p.touched);
            if let Some(p) = prior.filter(|p| !p.new) {
                outcome.deletes.push(p.row.id);
            }
            held.insert(
                member,
                Held {
                    row: new_row(org.id, item, plan_type, now),
                    new: true,
                    touched,
                    deleted: false,
                },
            );
        }
        // An unredeemed offer sent again to another address (a re-offer on the self-hosted
        // server, SPEC §5.9): the offer to the old address ends (its row goes, so its token no
        // longer validates) and the new address is mailed a new one. The reference keeps the
        // first address and never mails the second.
        let readdressed = known
            && !item.to_delete
            && held.get(&member).is_some_and(|h| {
                !h.new
                    && !h.row.is_admin_initiated
                    && !h.row.is_redeemed()
                    && is_new_address(h.row.offered_to_email.as_deref(), item)
            });
        if readdressed && let Some(old) = held.remove(&member) {
            outcome.deletes.push(old.row.id);
            held.insert(
                member,
                Held {
                    row: new_row(org.id, item, plan_type, now),
                    new: true,
                    touched: old.touched,
                    deleted: false,
                },
            );
        }
        let Some(h) = held.get_mut(&member) else {
            continue;
        };
        if !h.touched {
            h.touched = true;
            order.push(member);
        }
        // Known rows take only the sync date; changes of name or address are not copied.
        h.row.last_sync_date = Some(now);
        let mut removed = false;
        if item.to_delete {
            if h.row.sponsored_organization_id.is_none() {
                // The reference also upserts a row it is about to delete, and for a row made in
                // this pass deletes the zero id (a no-op, leaving a mailed, live offer). Here a
                // row to delete is only deleted, and a new one is never written.
                h.deleted = true;
                removed = true;
            } else {
                h.row.to_delete = true;
            }
        }
        outcome
            .items
            .push(answer(item, h.row.valid_until, removed, now));
    }

    for member in order {
        let Some(h) = held.remove(&member) else {
            continue;
        };
        match (h.deleted, h.new) {
            (true, true) => {}
            (true, false) => outcome.deletes.push(h.row.id),
            (false, new) => {
                // The offer token needs an address; a row without one is kept but not mailed
                // (the reference fails the whole batch with a 500).
                let mailable = h
                    .row
                    .offered_to_email
                    .as_deref()
                    .is_some_and(|email| !email.trim().is_empty());
                if new && mailable {
                    outcome.offers.push(h.row.id);
                }
                outcome.upserts.push(h.row);
            }
        }
    }
    outcome
}

/// Whether the item names an address, and another than the row's (case and spaces aside).
fn is_new_address(stored: Option<&str>, item: &SyncedItem) -> bool {
    let normal = |email: &str| email.trim().to_lowercase();
    match item.offered_to_email.as_deref().map(normal) {
        Some(sent) if !sent.is_empty() => stored.map(normal).as_deref() != Some(sent.as_str()),
        _ => false,
    }
}

fn new_row(org: OrganizationId, item: &SyncedItem, plan_type: i32, now: i64) -> Sponsorship {
    Sponsorship {
        // The id is made here, not at insert time as the reference does, so the offer token and
        // the answer can name it before the write.
        id: SponsorshipId::new(),
        sponsoring_organization_id: Some(org),
        sponsoring_organization_user_id: item.sponsoring_organization_user_id,
        sponsored_organization_id: None,
        friendly_name: item.friendly_name.clone(),
        offered_to_email: item.offered_to_email.clone(),
        plan_sponsorship_type: Some(plan_type),
        to_delete: false,
        last_sync_date: Some(now),
        valid_until: None,
        is_admin_initiated: false,
        notes: None,
    }
}

/// The sender's item, with the cloud row's `validUntil` and the sync time.
fn answer(item: &SyncedItem, valid_until: Option<i64>, removed: bool, now: i64) -> AnsweredItem {
    AnsweredItem {
        sponsoring_organization_user_id: item.sponsoring_organization_user_id,
        friendly_name: item.friendly_name.clone(),
        offered_to_email: item.offered_to_email.clone(),
        plan_sponsorship_type: item.plan_sponsorship_type,
        last_sync_date: now,
        valid_until,
        to_delete: item.to_delete,
        cloud_sponsorship_removed: removed,
    }
}

#[cfg(test)]
mod tests;
