//! The cloud's answer to a self-hosted server's license fetch (reference §5.1 L1; SPEC §5 step
//! 10): the installation proves the organization with its license key and the billing sync
//! token. Each refusal says which input was wrong, after a fixed delay so secrets cannot be
//! guessed quickly. The self-hosted side is `self_hosted_sync`.

use std::time::Duration;

use kinwarden_core::ids::{InstallationId, OrganizationId};
use kinwarden_core::license::{CURRENT_VERSION, OrganizationLicense};
use kinwarden_core::secrets::constant_time_eq;
use kinwarden_proto::installations::LicenseSyncRequest;

use crate::licenses::issue;
use crate::org_api_keys::validate_billing_sync_key;
use crate::{App, AppError};

const REFUSAL_DELAY: Duration = Duration::from_secs(2);

/// A fresh license of `org_id` for the installation `installation_id` (already authenticated,
/// with the licensing scope).
pub async fn license_for_installation(
    app: &App,
    installation_id: InstallationId,
    org_id: OrganizationId,
    request: &LicenseSyncRequest,
) -> Result<OrganizationLicense, AppError> {
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let license_key_matches = org
        .license_key
        .as_deref()
        .is_some_and(|key| constant_time_eq(key, &request.license_key));
    if !license_key_matches {
        tokio::time::sleep(REFUSAL_DELAY).await;
        return Err(AppError::BadRequest(
            "Invalid license key. The license uploaded on the self-hosted server is not this cloud organization's; download a new one from the cloud.".into(),
        ));
    }
    let token_valid =
        validate_billing_sync_key(&app.store, &app.data_key, org.id, &request.billing_sync_key)
            .await?;
    if !token_valid {
        tokio::time::sleep(REFUSAL_DELAY).await;
        return Err(AppError::BadRequest(
            "Invalid Billing Sync Key. The token was rotated or belongs to another organization; copy the current one from the cloud's Billing → Subscription → Self-hosting.".into(),
        ));
    }
    let keys = app
        .licensing
        .as_deref()
        .ok_or_else(|| AppError::internal("a cloud server without its license key"))?;
    let license = issue::issue(
        &app.store,
        keys,
        org.id,
        installation_id,
        CURRENT_VERSION,
        app.clock.now(),
    )
    .await?;
    tracing::info!(organization = %org.id, installation = %installation_id, "license synced");
    Ok(license)
}
