//! An owner's download of the organization's license on the cloud (reference §5.1 L5, SPEC §9
//! "license"): signed for one installation, and the organization↔installation link recorded.

use kinwarden_core::ids::InstallationId;
use kinwarden_core::license::{CURRENT_VERSION, OrganizationLicense};
use uuid::Uuid;

use crate::licenses::issue;
use crate::organizations::access::OrgAccess;
use crate::{App, AppError};

fn invalid_installation() -> AppError {
    AppError::BadRequest("Invalid installation id".into())
}

/// The license of the owner's organization for `installation_id` (the query's text, as given).
pub async fn organization_license(
    app: &App,
    access: &OrgAccess,
    installation_id: Option<&str>,
) -> Result<OrganizationLicense, AppError> {
    let keys = app
        .licensing
        .as_deref()
        .ok_or_else(|| AppError::internal("a cloud server without its license key"))?;
    let installation_id: InstallationId = installation_id
        .and_then(|id| id.trim().parse().ok())
        .ok_or_else(invalid_installation)?;
    let now = app.clock.now();
    let license = issue::issue(
        &app.store,
        keys,
        access.org.id,
        installation_id,
        CURRENT_VERSION,
        now,
    )
    .await?;
    app.store
        .link_organization_installation(
            &Uuid::new_v4().to_string(),
            access.org.id,
            installation_id,
            now.timestamp_millis(),
        )
        .await?;
    tracing::info!(organization = %access.org.id, installation = %installation_id, "license issued");
    Ok(license)
}
