//! What `kinwarden doctor` checks per organization on a self-hosted server (SPEC §2): its license
//! (valid here, and how long it has left) and its billing sync token (accepted by the cloud for
//! that organization, asked through the license-sync endpoint, which also proves the license
//! key). The command builds the `App` with a link that probes even while cloud communication is
//! off, and prints each check as it comes.

use kinwarden_cloud::CloudLink;
use kinwarden_config::{Config, keys};
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::license::{self, OrganizationLicense, TrustStore};
use kinwarden_proto::installations::LicenseSyncRequest;

use crate::connections::BillingSyncSettings;
use crate::licenses::trust::trust_store;
use crate::records::OrganizationRecord;
use crate::{App, AppError};

/// One organization's checks.
#[derive(Debug)]
pub struct OrganizationCheck {
    pub name: String,
    /// Valid on this server, with the whole days it has left (none: it does not expire); or
    /// what is wrong and what to do.
    pub license: Result<Option<i64>, String>,
    pub billing_sync: BillingSyncCheck,
}

#[derive(Debug)]
pub enum BillingSyncCheck {
    /// No billing sync connection, or no valid license to ask with.
    NotSetUp,
    /// The cloud accepts the token.
    Accepted,
    /// The cloud refused or could not be asked; why.
    Refused(String),
}

/// Checks every organization, handing each check to `on_check` as it is made; how many there
/// were. The error is for when the organizations cannot be read.
pub async fn organization_checks(
    app: &App,
    on_check: &mut (dyn FnMut(OrganizationCheck) + Send),
) -> Result<usize, AppError> {
    let link = app.cloud.as_deref().ok_or_else(|| {
        AppError::BadRequest("the organization checks need a link to the cloud".into())
    })?;
    let orgs = app.store.all_organizations().await?;
    let (trust, _) = trust_store(&app.config);
    for org in &orgs {
        let license = check_license(app, &trust, org.id);
        let billing_sync = billing_sync_check(app, link, org, license.as_ref().ok()).await;
        let license = license.map(|license| {
            license
                .expires
                .map(|expires| expires.signed_duration_since(app.clock.now()).num_days())
        });
        on_check(OrganizationCheck {
            name: org.name.clone(),
            license,
            billing_sync,
        });
    }
    Ok(orgs.len())
}

async fn billing_sync_check(
    app: &App,
    link: &CloudLink,
    org: &OrganizationRecord,
    license: Option<&OrganizationLicense>,
) -> BillingSyncCheck {
    let stored_config = app
        .store
        .connections_of(org.id, ConnectionType::BillingSync)
        .await
        .ok()
        .and_then(|connections| connections.into_iter().next())
        .and_then(|connection| BillingSyncSettings::of(&connection, &app.data_key));
    let (Some(stored_config), Some(license)) = (stored_config, license) else {
        return BillingSyncCheck::NotSetUp;
    };
    let request = LicenseSyncRequest {
        license_key: license.license_key.clone().unwrap_or_default(),
        billing_sync_key: stored_config.key.expose().to_string(),
    };
    match link.fetch_license(&license.id.to_string(), &request).await {
        Ok(_) => BillingSyncCheck::Accepted,
        Err(err) => BillingSyncCheck::Refused(err.to_string()),
    }
}

fn check_license(
    app: &App,
    trust: &TrustStore,
    org_id: OrganizationId,
) -> Result<OrganizationLicense, String> {
    let config: &Config = &app.config;
    let bytes = app
        .license_files
        .read(org_id)
        .map_err(|err| err.to_string())?
        .ok_or_else(|| "no license file: upload it again in Billing → Subscription".to_string())?;
    let license = OrganizationLicense::from_json(&bytes).map_err(|err| err.to_string())?;
    let installation = config
        .installation
        .id
        .ok_or_else(|| format!("{} is not set", keys::INSTALLATION_ID))?;
    license::verify(&license, trust, installation, app.clock.now())
        .map(|verified| verified.into_inner())
        .map_err(|reason| format!("Invalid license. {reason}"))
}
