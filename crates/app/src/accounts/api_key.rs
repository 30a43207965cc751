//! The user API key (`client_id` `user.<id>`, used by the `bw` CLI's `--apikey` login), shown
//! or replaced once the master password or a mailed code is proven.

use kinwarden_core::api_keys::API_KEY_LEN;
use kinwarden_core::secrets;
use kinwarden_proto::accounts::{ApiKeyResponse, SecretVerificationRequest};

use super::secret_check::verify_secret;
use crate::records::UserRecord;
use crate::{App, AppError, wire_time};

pub async fn api_key(
    app: &App,
    user: &UserRecord,
    request: &SecretVerificationRequest,
) -> Result<ApiKeyResponse, AppError> {
    verify_secret(app, user, request).await?;
    Ok(ApiKeyResponse {
        api_key: user.api_key.clone(),
        revision_date: wire_time::from_millis(user.revision_date),
        object: "apiKey".to_string(),
    })
}

/// `rotate-api-key`: a new key; the old one can no longer get tokens (those it got stay valid
/// until they expire, as the reference's rotation does not touch the security stamp).
pub async fn rotate(
    app: &App,
    user: &UserRecord,
    request: &SecretVerificationRequest,
) -> Result<ApiKeyResponse, AppError> {
    verify_secret(app, user, request).await?;
    let key = secrets::random_alphanumeric(API_KEY_LEN).map_err(AppError::internal)?;
    let now = app.clock.now_millis();
    app.store.set_user_api_key(user.id, &key, now).await?;
    tracing::info!(user = %user.id, "user API key rotated");
    Ok(ApiKeyResponse {
        api_key: key,
        revision_date: wire_time::from_millis(now),
        object: "apiKey".to_string(),
    })
}
