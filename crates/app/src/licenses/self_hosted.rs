//! A self-hosted server's side of licensing (reference §5.5, SPEC §5 steps 3 and 10): read an
//! uploaded file, check it with the cloud's public key for this installation, and turn it into
//! the organization's terms. Upload always works, whatever the current license's state.

use kinwarden_config::keys;
use kinwarden_core::license::{self, LicensePublicKey, OrganizationLicense, VerifiedLicense};
use kinwarden_store::LicenseTerms;

use crate::App;
use crate::error::AppError;

/// The reference refuses license files above this size.
pub const MAX_LICENSE_BYTES: usize = 51_200;

/// The cloud key this server trusts, read at each use so that putting the file in place (SPEC §5
/// step 3) needs no restart.
fn trusted_key(state: &App) -> Result<LicensePublicKey, AppError> {
    // The file's path and the system's error are for the operator's log, not for the owner who
    // uploads: the answer says where the key goes in the terms of the documentation.
    let path = &state.config.licensing_public_key_path;
    let pem = std::fs::read_to_string(path).map_err(|err| {
        tracing::warn!(path = %path.display(), error = %err, "the cloud's license public key is not readable");
        AppError::BadRequest(format!(
            "This server cannot check licenses: the cloud's license public key is missing or unreadable. \
             Put the key from the cloud (`kinwarden license public-key`, or GET /api/licenses/public-key) \
             in bwdata/core/licensing.pub.pem, or where {} points; the server's log names the file it tried.",
            keys::LICENSING_PUBLIC_KEY_PATH
        ))
    })?;
    LicensePublicKey::from_pem(&pem).map_err(|err| {
        tracing::warn!(path = %path.display(), error = %err, "the cloud's license public key is unusable");
        AppError::BadRequest(
            "This server cannot check licenses: the cloud's license public key is not a public key in PEM form; put the cloud's key in its place.".into(),
        )
    })
}

/// Parses and checks an uploaded license for this installation, now.
pub fn check(state: &App, bytes: &[u8]) -> Result<VerifiedLicense, AppError> {
    if bytes.is_empty() || bytes.len() > MAX_LICENSE_BYTES {
        return Err(AppError::BadRequest("Invalid license".into()));
    }
    let license = OrganizationLicense::from_json(bytes)
        .map_err(|_| AppError::BadRequest("Invalid license".into()))?;
    let installation_id = state.config.installation.id.ok_or_else(|| {
        AppError::BadRequest(format!(
            "Invalid license. {} is not set, so this server cannot tell whether the license is for it; \
             set it to the installation id the license was issued for, and run `kinwarden restart`.",
            keys::INSTALLATION_ID
        ))
    })?;
    let key = trusted_key(state)?;
    license::verify(&license, &key, installation_id, state.clock.now())
        .map_err(|reason| AppError::BadRequest(format!("Invalid license. {reason}")))
}

/// What the license decides about the organization (reference §5.5 step 7).
pub fn terms(license: &OrganizationLicense) -> LicenseTerms {
    LicenseTerms {
        name: license.name.clone().unwrap_or_default(),
        billing_email: license.billing_email.clone().unwrap_or_default(),
        plan_type: license.plan_type,
        seats: license.seats,
        max_collections: license.max_collections.map(i32::from),
        enabled: license.enabled,
        expiration_date: license.expires.map(|date| date.timestamp_millis()),
        license_key: license.license_key.clone(),
        terms: kinwarden_core::terms::Terms::of_license(license),
    }
}
