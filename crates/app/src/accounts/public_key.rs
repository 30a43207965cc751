//! Another account's public key: what an admin needs to confirm a member (the organization key
//! is encrypted to it in the browser).

use kinwarden_core::ids::UserId;
use kinwarden_proto::accounts::UserPublicKeyResponse;

use crate::{App, AppError};

pub async fn public_key(app: &App, id: UserId) -> Result<UserPublicKeyResponse, AppError> {
    let user = app.store.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    Ok(UserPublicKeyResponse {
        user_id: user.id.to_string(),
        public_key: user.public_key,
        object: "userKey".to_string(),
    })
}
