//! "Verify secret": the caller proves the master password again, or gives a one-time code mailed
//! by `POST /api/accounts/request-otp`, before a sensitive step (the user API key, the billing
//! sync token). A wrong secret costs a fixed delay, as the
//! reference's 2 seconds, so guessing is slow.

use std::time::Duration;

use kinwarden_core::{password, secrets};
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_store::UserRecord;

use crate::App;
use crate::error::AppError;

const WRONG_SECRET_DELAY: Duration = Duration::from_secs(2);
/// How long an e-mailed code works.
pub const CODE_MINUTES: u32 = 10;

pub async fn verify_secret(
    state: &App,
    user: &UserRecord,
    request: &SecretVerificationRequest,
) -> Result<(), AppError> {
    let Some(received) = request
        .master_password_hash
        .clone()
        .filter(|hash| !hash.is_empty())
    else {
        let Some(code) = request
            .otp
            .as_deref()
            .map(str::trim)
            .filter(|otp| !otp.is_empty())
        else {
            return Err(AppError::field(
                "",
                "MasterPasswordHash, OTP, or AccessCode must be supplied.",
            ));
        };
        let used = state
            .store
            .use_user_code(
                user.id,
                &secrets::sha256_hex(code),
                secrets::CODE_ATTEMPTS,
                state.clock.now_millis(),
            )
            .await?;
        if used {
            return Ok(());
        }
        tokio::time::sleep(WRONG_SECRET_DELAY).await;
        return Err(AppError::field("Otp", "Invalid OTP code."));
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
        Err(AppError::field("MasterPasswordHash", "Invalid password."))
    }
}
