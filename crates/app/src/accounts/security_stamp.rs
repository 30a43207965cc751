//! "Log out everywhere" (`POST /api/accounts/security-stamp`): a new security stamp ends every
//! access token and page session of the account (they carry the old stamp), and its refresh
//! tokens go with it, so no client can get new ones without the master password.

use kinwarden_proto::accounts::SecretVerificationRequest;

use super::secret_check::verify_secret;
use crate::records::UserRecord;
use crate::{App, AppError};

pub async fn log_out_everywhere(
    app: &App,
    user: &UserRecord,
    request: &SecretVerificationRequest,
) -> Result<(), AppError> {
    // The reference names no field here: `{"": ["Incorrect password."]}`.
    verify_secret(app, user, request)
        .await
        .map_err(|err| match err {
            AppError::Validation(_) => AppError::field("", "Incorrect password."),
            other => other,
        })?;
    let stamp = uuid::Uuid::new_v4().to_string();
    app.store
        .change_security_stamp(user.id, &stamp, app.clock.now_millis())
        .await?;
    tracing::info!(user = %user.id, "security stamp changed: every session ended");
    Ok(())
}
