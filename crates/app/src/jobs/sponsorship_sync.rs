//! `sponsorship-sync`: the self-hosted → cloud sync of every enabled organization with an
//! enabled billing sync connection (reference §2.5), behind the daily job and `kinwarden sync`.
//! It talks through the server's one cloud link (`App::cloud`), so the installation token the
//! link caches is reused from run to run.

use kinwarden_config::Mode;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::OrganizationId;

use super::{Idle, Outcome};
use crate::records::OutcomeRecord;
use crate::sponsorships::self_hosted_sync::{SyncDeps, sync_organization};
use crate::{App, AppError};

/// One organization's sync: its name and the recorded outcome.
#[derive(Debug, Clone)]
pub struct OrganizationSync {
    pub name: String,
    pub outcome: OutcomeRecord,
}

/// The organizations to sync (id, name): enabled, with an enabled billing sync connection; or
/// just `only`, whatever its state, when one is named.
async fn organizations(
    app: &App,
    only: Option<OrganizationId>,
) -> Result<Vec<(OrganizationId, String)>, AppError> {
    let mut chosen = Vec::new();
    for org in app.store.all_organizations().await? {
        if only.is_some_and(|id| id != org.id) || (only.is_none() && !org.enabled) {
            continue;
        }
        let connected = app
            .store
            .connections_of(org.id, ConnectionType::BillingSync)
            .await?
            .iter()
            .any(|connection| connection.enabled);
        if connected || only.is_some() {
            chosen.push((org.id, org.name));
        }
    }
    Ok(chosen)
}

/// Syncs the chosen organizations, each recorded; `on_batch(org name, done, total)` reports
/// progress. An organization whose sync failed has a failed outcome, not an error: the error is
/// for when an outcome could not be recorded.
pub async fn sync_all(
    app: &App,
    only: Option<OrganizationId>,
    started_by: &str,
    on_batch: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<Vec<OrganizationSync>, AppError> {
    let link = app.cloud.as_deref().ok_or_else(|| {
        AppError::BadRequest(
            "only a self-hosted server sends its sponsorships to a cloud, and this server has no cloud link"
                .into(),
        )
    })?;
    let deps = SyncDeps::of(app, link);
    let mut synced = Vec::new();
    for (id, name) in organizations(app, only).await? {
        let mut report = |done: usize, total: usize| on_batch(&name, done, total);
        let outcome = sync_organization(&deps, id, started_by, &mut report).await?;
        synced.push(OrganizationSync { name, outcome });
    }
    Ok(synced)
}

/// The daily job: every organization with automatic sync, when this is a self-hosted server
/// with cloud communication on. The flag is checked at each run, so turning it on needs no
/// restart of the schedule.
pub async fn run(app: &App) -> Result<Outcome<Vec<OrganizationSync>>, AppError> {
    if app.config.mode != Mode::SelfHosted {
        return Ok(Outcome::Idle(Idle::OnCloud));
    }
    if !app.config.enable_cloud_communication {
        return Ok(Outcome::Idle(Idle::CloudCommunicationOff));
    }
    Ok(Outcome::Done(
        sync_all(app, None, "job", &mut |_, _, _| {}).await?,
    ))
}
