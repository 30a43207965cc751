//! The installation's client-credentials grant (`client_id` `installation.<id>`, reference
//! §3.1): an enabled installation whose key matches gets a day's token for the scopes it asked.

use kinwarden_core::ids::InstallationId;
use kinwarden_core::secrets;
use kinwarden_proto::identity::TokenResponse;

use crate::accounts::tokens::{self, INSTALLATION_TOKEN_SECONDS};
use crate::{App, AppError};

/// The installation's token; `None` for an unknown or disabled installation or a wrong key
/// (compared in constant time, as digests). A granted token records the installation's activity.
pub async fn installation_token(
    app: &App,
    id: InstallationId,
    secret: &str,
    scopes: Vec<String>,
) -> Result<Option<TokenResponse>, AppError> {
    let installation = app.store.installation(id).await?;
    let accepted = installation.as_ref().is_some_and(|installation| {
        installation.enabled
            && secrets::constant_time_eq(&installation.key_hash, &secrets::sha256_hex(secret))
    });
    if !accepted {
        return Ok(None);
    }
    app.store
        .touch_installation(id, app.clock.now_millis())
        .await?;
    tokens::client_token(
        app,
        &format!("installation.{id}"),
        &id.to_string(),
        scopes,
        INSTALLATION_TOKEN_SECONDS,
    )
    .map(Some)
}
