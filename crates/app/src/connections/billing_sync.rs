//! The billing sync connection (reference §2.7, SPEC §5 step 5, §6): its config checked against
//! the organization's license and the cloud before it is kept, and what the self-hosted billing
//! page shows of it.

use kinwarden_config::Mode;
use kinwarden_config::Secret;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::license::OrganizationLicense;
use kinwarden_proto::connections::BillingSyncConfigRequest;

use crate::connections::BillingSyncSettings;
use crate::records::ConnectionRecord;
use crate::sponsorships::sync_status::SyncStatus;
use crate::{App, AppError, cloud_errors};

/// The organization's first billing sync connection, enabled or not, as the reference takes it.
pub async fn connection_of(
    app: &App,
    org_id: OrganizationId,
) -> Result<Option<ConnectionRecord>, AppError> {
    Ok(app
        .store
        .connections_of(org_id, ConnectionType::BillingSync)
        .await?
        .into_iter()
        .next())
}

/// What the self-hosted *License and billing management* section shows: the connection, its
/// config, and the sponsorship sync's recorded state.
pub struct BillingSyncOverview {
    pub connection: Option<ConnectionRecord>,
    pub config: Option<BillingSyncSettings>,
    pub status: SyncStatus,
}

/// The overview of `org_id`'s billing sync, for its owner.
pub async fn overview(app: &App, org_id: OrganizationId) -> Result<BillingSyncOverview, AppError> {
    let connection = connection_of(app, org_id).await?;
    let config = connection
        .as_ref()
        .and_then(|record| BillingSyncSettings::of(record, &app.data_key));
    let status = SyncStatus::load(app, org_id).await?;
    Ok(BillingSyncOverview {
        connection,
        config,
        status,
    })
}

/// The billing sync settings to store: the token, and the cloud organization of the verified
/// license; an enabled connection's token is first put to the cloud.
pub(super) async fn checked_config(
    app: &App,
    org_id: OrganizationId,
    request: BillingSyncConfigRequest,
    enabled: bool,
) -> Result<BillingSyncSettings, AppError> {
    if app.config.mode != Mode::SelfHosted {
        return Err(AppError::BadRequest(
            "Cannot create a CloudBillingSync connection outside of a self-hosted instance.".into(),
        ));
    }
    let key = request
        .billing_sync_key
        .map(|key| key.trim().to_string())
        .filter(|key| !key.is_empty())
        .map(Secret::new)
        .ok_or_else(|| AppError::BadRequest("Failed to get Billing Sync Key".into()))?;
    let license = stored_license(app, org_id)?;
    if enabled {
        ask_the_cloud(app, &license, key.expose()).await?;
    }
    let settings = BillingSyncSettings {
        key,
        cloud_organization_id: OrganizationId(license.id),
        last_license_sync: request.last_license_sync,
    };
    Ok(settings)
}

/// The organization's license file, verified (reference §2.7 K2: "Cannot verify license file.").
fn stored_license(app: &App, org_id: OrganizationId) -> Result<OrganizationLicense, AppError> {
    let bytes = app
        .license_files
        .read(org_id)
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::BadRequest("Cannot verify license file.".into()))?;
    crate::licenses::self_hosted::check(app, &bytes)
        .map(|verified| verified.into_inner())
        .map_err(|_| AppError::BadRequest("Cannot verify license file.".into()))
}

/// Asks the cloud whether it accepts `key` for the license's organization.
async fn ask_the_cloud(
    app: &App,
    license: &OrganizationLicense,
    key: &str,
) -> Result<(), AppError> {
    let link = app
        .cloud
        .as_deref()
        .ok_or_else(|| AppError::internal("a self-hosted server without its cloud link"))?;
    link.check_billing_sync_token(key, &license.id.to_string())
        .await
        .map_err(|err| cloud_errors::explain("Saving the billing sync connection", &err))
}
