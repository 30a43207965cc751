//! The self-hosted → cloud sponsorship sync (reference §2.4; SPEC §5 step 7, §6): one use-case
//! behind the daily job, `kinwarden sync` and the Portal's *Manually Sync*. It sends the
//! organization's sponsorships in batches of 1,000, applies each answered batch in one
//! transaction, and records the outcome whatever happens. This is the sender; the cloud's side
//! that answers it is `cloud_sync`.

use std::collections::HashSet;

use futures_util::StreamExt;
use kinwarden_cloud::{AnsweredSponsorship, CloudError, CloudLink};
use kinwarden_config::Config;
use kinwarden_core::clock::Clock;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::data_key::DataKey;
use kinwarden_core::ids::{OrganizationId, OrganizationUserId, OutcomeId};
use kinwarden_core::self_hosted_sync::{CloudAnswer, LocalRow, reconcile};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_proto::sponsorship_sync::{BATCH_SIZE, SkippedItem, SyncItem, SyncRequest};
use kinwarden_store::{
    BatchSkips, OutcomeRecord, SponsorshipRecord, Store, StoreError, SyncedState,
};
use serde_json::json;

use crate::connections::BillingSyncSettings;
use crate::wire_time;

pub const KIND: &str = "sponsorship-sync";
/// Batches sent before the first of them is answered: two keep both ends busy (SPEC §10).
const IN_FLIGHT: usize = 2;

/// What the sync needs from its caller.
pub struct SyncDeps<'a> {
    pub config: &'a Config,
    pub store: &'a Store,
    pub link: &'a CloudLink,
    /// Opens the sealed billing sync token.
    pub data_key: &'a DataKey,
    pub clock: &'a dyn Clock,
    /// Counts runs and batch sizes when metrics are on.
    pub metrics: Option<&'a crate::metrics::Metrics>,
}

impl<'a> SyncDeps<'a> {
    /// What the sync needs, from the App and its cloud link.
    pub fn of(app: &'a crate::App, link: &'a CloudLink) -> Self {
        Self {
            config: &app.config,
            store: &app.store,
            link,
            data_key: &app.data_key,
            clock: app.clock.as_ref(),
            metrics: app.metrics.as_deref(),
        }
    }
}

#[derive(Debug, Default)]
struct Tally {
    sent: usize,
    updated: usize,
    removed: usize,
    unchanged: usize,
    skipped: Vec<SkippedItem>,
}

/// Syncs one organization and records the outcome; `on_batch(done, total)` reports progress.
pub async fn sync_organization(
    deps: &SyncDeps<'_>,
    org_id: OrganizationId,
    started_by: &str,
    on_batch: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<OutcomeRecord, StoreError> {
    let started_at = deps.clock.now_millis();
    let result = run(deps, org_id, on_batch).await;
    let (succeeded, code, message, counts) = match &result {
        Ok(tally) if tally.sent == 0 => (
            true,
            None,
            Some("nothing to sync".to_string()),
            Some(json!({"sent": 0})),
        ),
        Ok(tally) => (
            true,
            None,
            (!tally.skipped.is_empty()).then(|| {
                let reasons: Vec<String> = tally
                    .skipped
                    .iter()
                    .map(|item| {
                        format!("{}: {}", item.sponsoring_organization_user_id, item.reason)
                    })
                    .collect();
                format!("the cloud skipped {}", reasons.join(", "))
            }),
            Some(json!({
                "sent": tally.sent,
                "updated": tally.updated,
                "removed": tally.removed,
                "unchanged": tally.unchanged,
                "skipped": tally.skipped.len(),
            })),
        ),
        Err((code, message)) => (false, Some(code.clone()), Some(message.clone()), None),
    };
    let outcome = OutcomeRecord {
        id: OutcomeId::new(),
        organization_id: org_id,
        kind: KIND.to_string(),
        started_by: started_by.to_string(),
        started_at,
        finished_at: deps.clock.now_millis(),
        succeeded,
        code,
        message,
        counts: counts.map(|counts| counts.to_string()),
    };
    deps.store.record_outcome(&outcome).await?;
    if let Some(metrics) = deps.metrics {
        metrics.sync_run(started_by, succeeded);
    }
    Ok(outcome)
}

/// [`sync_organization`] with the app's own store, link, clock and metrics: *Manually Sync* and
/// any other caller that holds an [`App`](crate::App). A server without a cloud link (a cloud)
/// has nothing to sync: [`AppError::NotFound`](crate::AppError::NotFound).
pub async fn sync_now(
    app: &crate::App,
    org_id: OrganizationId,
    started_by: &str,
) -> Result<OutcomeRecord, crate::AppError> {
    let link = app.cloud.as_deref().ok_or(crate::AppError::NotFound)?;
    let deps = SyncDeps::of(app, link);
    Ok(sync_organization(&deps, org_id, started_by, &mut |_, _| {}).await?)
}

type Failure = (String, String);

fn failure(err: &CloudError) -> Failure {
    let message = match crate::cloud_errors::explain("The sponsorship sync", err) {
        crate::AppError::BadRequest(message) => message,
        other => other.to_string(),
    };
    (err.code().to_string(), message)
}

fn store_failure(err: StoreError) -> Failure {
    (
        "storage".to_string(),
        format!("this server's database failed: {err}"),
    )
}

async fn run(
    deps: &SyncDeps<'_>,
    org_id: OrganizationId,
    on_batch: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Tally, Failure> {
    if !deps.config.enable_cloud_communication {
        return Err(failure(&CloudError::Disabled));
    }
    let connection = deps
        .store
        .connections_of(org_id, ConnectionType::BillingSync)
        .await
        .map_err(store_failure)?
        .into_iter()
        .find(|connection| connection.enabled)
        .ok_or_else(|| {
            (
                "no_connection".to_string(),
                "There is no enabled billing sync connection: an owner sets it up in Billing → Subscription → Manage billing sync."
                    .to_string(),
            )
        })?;
    let config = BillingSyncSettings::of(&connection, deps.data_key)
        .filter(|config| !config.key.expose().trim().is_empty())
        .ok_or_else(|| {
            (
                "connection_config".to_string(),
                "Failed to get Billing Sync Key".to_string(),
            )
        })?;
    let rows = deps
        .store
        .sponsorships_of_organization(org_id)
        .await
        .map_err(store_failure)?;
    // The members that have a skip reason now: a batch forgets only theirs, so a batch with
    // nothing skipped before or now writes nothing for it (SPEC §10: a second sync that finds
    // nothing changed writes almost nothing).
    let mut with_reason: HashSet<OrganizationUserId> = deps
        .store
        .sync_skips_of_organization(org_id)
        .await
        .map_err(store_failure)?
        .into_keys()
        .collect();
    let mut tally = Tally::default();
    let mut synced_at: Option<i64> = None;
    let batches: Vec<&[SponsorshipRecord]> = rows.chunks(BATCH_SIZE).collect();
    // Up to IN_FLIGHT batches travel at once, so the cloud works on one while this server sends
    // the next and applies the last; answers are applied in order, each in its own transaction.
    // When one fails the sync stops: a batch still in flight may reach the cloud, which is
    // harmless, as every batch is idempotent and the next sync sends it again.
    // Indices, not slices, go through the stream: a closure taking a borrowed slice would have
    // to be generic over its lifetime, which the spawned sync's `Send` bound cannot prove.
    let mut answers = futures_util::stream::iter(0..batches.len())
        .map(|index| {
            let batch = batches[index];
            if let Some(metrics) = deps.metrics {
                metrics.batch_sent(batch.len());
            }
            let request = SyncRequest {
                billing_sync_key: config.key.expose().to_string(),
                sponsoring_organization_cloud_id: config.cloud_organization_id.to_string(),
                sponsorships_batch: Some(batch.iter().map(item).collect()),
            };
            async move {
                let answer = deps.link.sync_sponsorships(&request).await;
                (batch, answer)
            }
        })
        .buffered(IN_FLIGHT)
        .enumerate();
    while let Some((index, (batch, answer))) = answers.next().await {
        let answer = answer.map_err(|err| failure(&err))?;
        let local: Vec<LocalRow> = batch.iter().map(local_row).collect();
        let cloud: Vec<CloudAnswer> = answer
            .sponsorships
            .iter()
            .filter_map(cloud_answer)
            .collect();
        let changes = reconcile(&local, &cloud);
        let updates: Vec<SyncedState> = changes
            .update
            .iter()
            .map(|u| SyncedState {
                id: u.id,
                last_sync_date: u.last_sync_date,
                valid_until: u.valid_until,
                to_delete: u.to_delete,
            })
            .collect();
        let forgotten: Vec<OrganizationUserId> = batch
            .iter()
            .map(|row| row.sponsoring_organization_user_id)
            .filter(|member| with_reason.contains(member))
            .collect();
        // A skip naming no member id of ours cannot be about one of our rows.
        let skipped: Vec<(OrganizationUserId, String)> = answer
            .skipped
            .iter()
            .filter_map(|item| {
                let member = item.sponsoring_organization_user_id.parse().ok()?;
                Some((member, item.reason.clone()))
            })
            .collect();
        // The batch's new state and its skip reasons in one transaction.
        let skips = (!forgotten.is_empty() || !skipped.is_empty()).then(|| BatchSkips {
            organization_id: org_id,
            batch_member_ids: &forgotten,
            skipped: &skipped,
            now_ms: deps.clock.now_millis(),
        });
        deps.store
            .apply_sync_batch(&changes.delete, &updates, skips.as_ref())
            .await
            .map_err(store_failure)?;
        for member in &forgotten {
            with_reason.remove(member);
        }
        with_reason.extend(skipped.iter().map(|(member, _)| *member));
        if let Some(at) = changes.synced_at {
            synced_at = Some(synced_at.map_or(at, |earlier: i64| earlier.min(at)));
        }
        tally.sent += batch.len();
        tally.updated += changes.update.len();
        tally.removed += changes.delete.len();
        tally.unchanged += changes.unchanged;
        tally.skipped.extend(answer.skipped);
        on_batch(index + 1, batches.len());
    }
    // Every batch is answered: the rows that had synced before and kept their state were
    // synced again, which the organization's stamp records instead of a write per row.
    if let Some(at) = synced_at {
        deps.store
            .stamp_sponsorship_sync(org_id, at)
            .await
            .map_err(store_failure)?;
    }
    Ok(tally)
}

fn item(row: &SponsorshipRecord) -> SyncItem {
    SyncItem {
        sponsoring_organization_user_id: row.sponsoring_organization_user_id.to_string(),
        friendly_name: row.friendly_name.clone(),
        offered_to_email: row.offered_to_email.clone(),
        plan_sponsorship_type: Some(
            row.plan_sponsorship_type
                .unwrap_or(PlanSponsorshipType::FamiliesForEnterprise)
                .code(),
        ),
        last_sync_date: row.last_sync_date.map(wire_time::from_millis),
        valid_until: row.valid_until.map(wire_time::from_millis),
        to_delete: row.to_delete,
    }
}

fn local_row(row: &SponsorshipRecord) -> LocalRow {
    LocalRow {
        id: row.id,
        member_id: row.sponsoring_organization_user_id,
        to_delete: row.to_delete,
        last_sync_date: row.last_sync_date,
        valid_until: row.valid_until,
    }
}

/// The cloud's answer for one item; none when it names no member id of ours, which no local row
/// can match. Its dates were read, with or without an offset, by the link.
fn cloud_answer(item: &AnsweredSponsorship) -> Option<CloudAnswer> {
    Some(CloudAnswer {
        member_id: item.sponsoring_organization_user_id.parse().ok()?,
        removed: item.cloud_sponsorship_removed,
        last_sync_date: item.last_sync_date.map(|date| date.timestamp_millis()),
        valid_until: item.valid_until.map(|date| date.timestamp_millis()),
        to_delete: item.to_delete,
    })
}
