//! How a failed exchange with the cloud reaches a self-hosted admin: the wire status stays a 400,
//! the message says the real cause and the fix (SPEC §6).

use kinwarden_cloud::CloudError;

use crate::error::AppError;

/// `what` says what was being done ("Saving the billing sync connection").
pub fn explain(what: &str, err: &CloudError) -> AppError {
    let message = match err {
        CloudError::Rejected {
            status: 400,
            message,
        } if message.starts_with("Invalid Billing Sync Key") => {
            format!("{what} failed: the cloud refused the billing sync token ({message})")
        }
        CloudError::Rejected {
            status: 400,
            message,
        } if message.starts_with("Invalid license key") => format!(
            "{what} failed: the cloud did not accept this organization's license key ({message})"
        ),
        CloudError::Rejected {
            status: 400,
            message,
        } if message.starts_with("Invalid organization") => format!(
            "{what} failed: the cloud does not know this organization; upload a license downloaded from the cloud organization that pays"
        ),
        CloudError::Rejected { status: 404, .. } => format!(
            "{what} failed: the cloud does not know this organization; upload a license downloaded from the cloud organization that pays"
        ),
        other => format!("{what} failed: {other}"),
    };
    AppError::BadRequest(message)
}
