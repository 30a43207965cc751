//! Sync soon after a change (SPEC §6): a new, changed or revoked offer asks for a sync of its
//! organization `kinwarden__syncDebounce` after the last change, when automatic sync is on (an
//! enabled billing sync connection). Changes that come close together make one sync.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use kinwarden_cloud::CloudLink;
use kinwarden_config::Config;
use kinwarden_core::clock::Clock;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::data_key::DataKey;
use kinwarden_core::ids::OrganizationId;
use kinwarden_store::Store;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::sponsorships::self_hosted_sync::{SyncDeps, sync_organization};

/// The handle handlers use to say an organization's offers changed.
#[derive(Clone)]
pub struct SyncSoon {
    changed: mpsc::UnboundedSender<OrganizationId>,
}

impl SyncSoon {
    pub fn changed(&self, organization_id: OrganizationId) {
        // The worker is gone only while the server stops; nothing to do then.
        let _ = self.changed.send(organization_id);
    }
}

/// Tells the debounced sync this organization's offers changed; nothing when that is off or on a
/// cloud.
pub fn changed(app: &crate::App, organization_id: OrganizationId) {
    if let Some(soon) = &app.sync_soon {
        soon.changed(organization_id);
    }
}

/// Starts the worker that turns changes into syncs after `delay` of quiet.
pub fn start(
    config: Arc<Config>,
    store: Store,
    link: Arc<CloudLink>,
    data_key: Arc<DataKey>,
    clock: Arc<dyn Clock>,
    delay: Duration,
    metrics: Option<Arc<crate::metrics::Metrics>>,
) -> (SyncSoon, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<OrganizationId>();
    let task = tokio::spawn(async move {
        let mut due: HashMap<OrganizationId, Instant> = HashMap::new();
        loop {
            let next = due.values().min().copied();
            tokio::select! {
                changed = rx.recv() => match changed {
                    Some(org) => {
                        due.insert(org, Instant::now() + delay);
                    }
                    None => return,
                },
                _ = sleep_until(next) => {
                    let now = Instant::now();
                    let ready: Vec<OrganizationId> = due.iter().filter(|(_, at)| **at <= now).map(|(org, _)| *org).collect();
                    for org in ready {
                        due.remove(&org);
                        let deps = SyncDeps {
                            config: &config,
                            store: &store,
                            link: &link,
                            data_key: &data_key,
                            clock: clock.as_ref(),
                            metrics: metrics.as_deref(),
                        };
                        sync_if_automatic(&deps, org).await;
                    }
                }
            }
        }
    });
    (SyncSoon { changed: tx }, task)
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn sync_if_automatic(deps: &SyncDeps<'_>, org: OrganizationId) {
    if !deps.config.enable_cloud_communication {
        return;
    }
    let automatic = deps
        .store
        .connections_of(org, ConnectionType::BillingSync)
        .await
        .map(|connections| connections.iter().any(|c| c.enabled))
        .unwrap_or(false);
    if !automatic {
        return;
    }
    match sync_organization(deps, org, "change", &mut |_, _| {}).await {
        Ok(outcome) if outcome.succeeded => {
            tracing::info!(organization = %org, "synced after a change")
        }
        Ok(outcome) => {
            tracing::warn!(organization = %org, reason = ?outcome.message, "sync after a change failed")
        }
        Err(err) => {
            tracing::warn!(organization = %org, error = %err, "sync after a change could not be recorded")
        }
    }
}
