//! Registering a self-hosted server: anyone may, with an e-mail address, and receives its id and
//! key; the key is shown this once and kept only as a digest.

use kinwarden_core::ids::InstallationId;
use kinwarden_core::{email, secrets};
use kinwarden_proto::installations::{InstallationRequest, InstallationResponse};

use crate::records::InstallationRecord;
use crate::{App, AppError};

/// Creates an installation; the answer carries its key, which is never shown again.
pub async fn create(
    app: &App,
    request: &InstallationRequest,
) -> Result<InstallationResponse, AppError> {
    let email = email::normalize(&request.email).ok_or_else(|| {
        AppError::field("Email", "The Email field is not a valid e-mail address.")
    })?;
    let id = InstallationId::new();
    let key = secrets::random_alphanumeric(20).map_err(AppError::internal)?;
    app.store
        .create_installation(&InstallationRecord {
            id,
            email,
            key_hash: secrets::sha256_hex(&key),
            enabled: true,
            created_at: app.clock.now_millis(),
            last_activity_at: None,
        })
        .await?;
    tracing::info!(installation = %id, "installation created");
    Ok(InstallationResponse {
        id: id.to_string(),
        key: Some(key),
        enabled: true,
        object: "installation".to_string(),
    })
}

/// An installation without its key; [`AppError::NotFound`] for an unknown id.
pub async fn get(app: &App, id: InstallationId) -> Result<InstallationResponse, AppError> {
    let record = app
        .store
        .installation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(InstallationResponse {
        id: record.id.to_string(),
        key: None,
        enabled: record.enabled,
        object: "installation".to_string(),
    })
}
