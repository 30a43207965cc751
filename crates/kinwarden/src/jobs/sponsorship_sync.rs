//! `sponsorship-sync`: the daily self-hosted → cloud sync of every enabled organization with an
//! enabled billing sync connection (reference §2.5). The flag is checked at each run, so turning
//! cloud communication on needs no restart of the schedule.

use kinwarden_app::sponsorships::self_hosted_sync::{SyncDeps, sync_organization};
use kinwarden_cloud::{CloudLink, LinkSettings};
use kinwarden_config::Mode;
use kinwarden_store::OutcomeRecord;

use super::JobContext;

/// The organizations to sync: enabled, with an enabled billing sync connection; or just `only`.
pub async fn organizations(
    ctx: &JobContext,
    only: Option<&str>,
) -> Result<Vec<(String, String)>, String> {
    let mut chosen = Vec::new();
    for org in ctx
        .store
        .all_organizations()
        .await
        .map_err(|err| err.to_string())?
    {
        if only.is_some_and(|id| id != org.id) || (only.is_none() && !org.enabled) {
            continue;
        }
        let connected = ctx
            .store
            .connections_of(&org.id, 1)
            .await
            .map_err(|err| err.to_string())?
            .iter()
            .any(|connection| connection.enabled);
        if connected || only.is_some() {
            chosen.push((org.id, org.name));
        }
    }
    Ok(chosen)
}

/// Syncs the chosen organizations, each recorded; `on_batch(org name, done, total)` reports.
pub async fn sync_all(
    ctx: &JobContext,
    only: Option<&str>,
    started_by: &str,
    on_batch: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<Vec<(String, OutcomeRecord)>, String> {
    let link = CloudLink::new(
        &ctx.config,
        ctx.clock.clone(),
        LinkSettings::from_config(&ctx.config),
    )
    .map_err(|err| err.to_string())?;
    let deps = SyncDeps {
        config: &ctx.config,
        store: &ctx.store,
        link: &link,
        clock: ctx.clock.as_ref(),
        metrics: ctx.metrics.as_deref(),
    };
    let mut outcomes = Vec::new();
    for (id, name) in organizations(ctx, only).await? {
        let mut report = |done: usize, total: usize| on_batch(&name, done, total);
        let outcome = sync_organization(&deps, &id, started_by, &mut report)
            .await
            .map_err(|err| err.to_string())?;
        outcomes.push((name, outcome));
    }
    Ok(outcomes)
}

pub async fn run(ctx: &JobContext) -> Result<String, String> {
    if ctx.config.mode != Mode::SelfHosted {
        return Ok("nothing to do on a cloud".into());
    }
    if !ctx.config.enable_cloud_communication {
        return Ok(
            "cloud communication is off (globalSettings__enableCloudCommunication); nothing sent"
                .into(),
        );
    }
    let outcomes = sync_all(ctx, None, "job", &mut |_, _, _| {}).await?;
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|(_, outcome)| !outcome.succeeded)
        .map(|(name, outcome)| format!("{name}: {}", outcome.message.clone().unwrap_or_default()))
        .collect();
    if failed.is_empty() {
        Ok(format!("{} organization(s) synced", outcomes.len()))
    } else {
        Err(format!(
            "{} of {} failed: {}",
            failed.len(),
            outcomes.len(),
            failed.join("; ")
        ))
    }
}
