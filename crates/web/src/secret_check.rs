//! "Verify secret": the caller proves the master password again before a sensitive step (the
//! user API key now; the billing sync token later). A wrong secret costs a fixed delay, as the
//! reference's 2 seconds, so guessing is slow.

use std::time::Duration;

use kinwarden_core::password;
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_store::UserRecord;

use crate::error::ApiError;
use crate::state::AppState;

const WRONG_SECRET_DELAY: Duration = Duration::from_secs(2);

pub async fn verify_secret(
    state: &AppState,
    user: &UserRecord,
    request: &SecretVerificationRequest,
) -> Result<(), ApiError> {
    let Some(received) = request
        .master_password_hash
        .clone()
        .filter(|hash| !hash.is_empty())
    else {
        if request.otp.as_deref().is_some_and(|otp| !otp.is_empty()) {
            return Err(ApiError::field(
                "Otp",
                "This server does not send one-time codes yet; enter your master password instead.",
            ));
        }
        return Err(ApiError::field(
            "",
            "MasterPasswordHash, OTP, or AccessCode must be supplied.",
        ));
    };
    let stored = password::StoredPassword {
        hash: user.password_hash.clone(),
        salt: user.password_salt.clone(),
        iterations: u32::try_from(user.password_iterations).unwrap_or(1),
    };
    let verified = state
        .hash_work(move || password::verify(&received, &stored))
        .await?;
    if verified {
        Ok(())
    } else {
        tokio::time::sleep(WRONG_SECRET_DELAY).await;
        Err(ApiError::field("MasterPasswordHash", "Invalid password."))
    }
}
