//! Whether an installation may act: a disabled one is refused on every call, not only when it
//! asks for a token (a token it already holds stops working at once), and the cloud's operator
//! turns it off and on (`kinwarden installation disable|enable`).

use kinwarden_config::Mode;
use kinwarden_core::ids::InstallationId;

use crate::{App, AppError};

/// Whether the installation exists and is enabled.
pub async fn is_active(app: &App, id: InstallationId) -> Result<bool, AppError> {
    Ok(app
        .store
        .installation(id)
        .await?
        .is_some_and(|installation| installation.enabled))
}

/// Turns an installation off or on (cloud). [`AppError::NotFound`] for an unknown id.
pub async fn set_enabled(app: &App, id: InstallationId, enabled: bool) -> Result<(), AppError> {
    if app.config.mode != Mode::Cloud {
        return Err(AppError::BadRequest(
            "installations are registered with a cloud; this is a self-hosted server".into(),
        ));
    }
    if !app.store.set_installation_enabled(id, enabled).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(installation = %id, enabled, "installation switched");
    Ok(())
}
