//! The user API key (`client_id` `user.<id>`, used by the `bw` CLI's `--apikey` login), shown
//! once the master password or a mailed code is proven.

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
