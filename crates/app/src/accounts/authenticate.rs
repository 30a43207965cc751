//! Who is calling: an access token checked against this server's keys and clock, and the account
//! behind it (its security stamp must still match, so a changed password ends old sessions).

use kinwarden_core::tokens::{AccessClaims, audience};

use crate::records::UserRecord;
use crate::{App, AppError};

/// The claims of a valid access token of this server; [`AppError::Unauthenticated`] otherwise.
pub fn claims_of(app: &App, token: &str) -> Result<AccessClaims, AppError> {
    app.tokens
        .verify(token, audience::ACCESS, app.now_seconds())
        .map_err(|_| AppError::Unauthenticated)
}

/// The account a user's access token stands for. A token without the `api` scope (an
/// installation's) is [`AppError::Forbidden`].
pub async fn user_of_token(app: &App, token: &str) -> Result<UserRecord, AppError> {
    let claims = claims_of(app, token)?;
    if !claims.has_scope("api") {
        return Err(AppError::Forbidden);
    }
    let user_id = claims
        .sub
        .as_deref()
        .ok_or(AppError::Forbidden)?
        .parse()
        .map_err(|_| AppError::Unauthenticated)?;
    let user = app
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if claims.sstamp.as_deref() != Some(user.security_stamp.as_str()) {
        return Err(AppError::Unauthenticated);
    }
    Ok(user)
}
