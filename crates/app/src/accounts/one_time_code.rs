//! `request-otp`: a six-digit code, mailed to the account, that stands in for the master
//! password once within [`CODE_MINUTES`](super::secret_check::CODE_MINUTES) (checked by
//! [`verify_secret`](super::secret_check::verify_secret)). Only its digest is stored, in the
//! same transaction that queues the mail.

use kinwarden_core::secrets;
use kinwarden_mail::Lang;
use kinwarden_mail::messages::VerificationCode;

use super::secret_check::CODE_MINUTES;
use crate::records::UserRecord;
use crate::{App, AppError};

/// Issues a new code (replacing any earlier one) and mails it in `lang`.
pub async fn request_code(app: &App, user: &UserRecord, lang: Lang) -> Result<(), AppError> {
    let code = secrets::random_digits(6).map_err(AppError::internal)?;
    let mail = VerificationCode {
        email: &user.email,
        code: &code,
        minutes: CODE_MINUTES,
    }
    .render(&app.urls.vault, lang);
    let now = app.clock.now();
    let expires = now + chrono::Duration::minutes(i64::from(CODE_MINUTES));
    app.store
        .issue_user_code(
            user.id,
            &secrets::sha256_hex(&code),
            expires.timestamp_millis(),
            &mail,
            now.timestamp_millis(),
        )
        .await?;
    Ok(())
}
