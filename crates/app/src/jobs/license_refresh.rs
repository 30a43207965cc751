//! `license-refresh` (SPEC §12, opt-in with `kinwarden__licenseAutoRefresh=true`): once a day a
//! self-hosted server fetches a fresh license for each organization with an enabled billing sync
//! connection while fewer than 30 days are left before its `Expires` (or after it). It is *Sync
//! license* itself (`licenses::self_hosted_sync`), recorded the same way, so its outcome shows
//! where an owner's does.

use chrono::{DateTime, Utc};
use kinwarden_config::Mode;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::license_expiry;

use super::{Idle, Outcome};
use crate::licenses::self_hosted_sync;
use crate::{App, AppError};

/// Who the recorded outcome says started it.
pub const STARTED_BY: &str = "job";

/// What a run did, per organization whose license was due.
#[derive(Debug, Default)]
pub struct LicenseRefresh {
    /// Organizations whose license was fetched and applied.
    pub refreshed: Vec<String>,
    /// Organizations whose fetch failed, with the recorded reason.
    pub failed: Vec<(String, String)>,
}

pub async fn run(app: &App) -> Result<Outcome<LicenseRefresh>, AppError> {
    if app.config.mode != Mode::SelfHosted {
        return Ok(Outcome::Idle(Idle::OnCloud));
    }
    if !app.config.license_auto_refresh {
        return Ok(Outcome::Idle(Idle::AutoRefreshOff));
    }
    if !app.config.enable_cloud_communication {
        return Ok(Outcome::Idle(Idle::CloudCommunicationOff));
    }
    let now = app.clock.now();
    let mut done = LicenseRefresh::default();
    for org in app.store.all_organizations().await? {
        let due = org
            .expiration_date
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .is_some_and(|expires| license_expiry::refresh_due(expires, now));
        if !due {
            continue;
        }
        // Automatic, as the sponsorship sync: only through an enabled connection.
        let connected = app
            .store
            .connections_of(org.id, ConnectionType::BillingSync)
            .await?
            .iter()
            .any(|connection| connection.enabled);
        if !connected {
            continue;
        }
        match self_hosted_sync::sync_organization(app, &org, STARTED_BY).await {
            Ok(_) => done.refreshed.push(org.name.clone()),
            Err(err) => done.failed.push((org.name.clone(), super::message(&err))),
        }
    }
    Ok(Outcome::Done(done))
}
