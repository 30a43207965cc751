//! A self-hosted server's side of licensing (reference §5.5, SPEC §5 steps 3 and 10): read an
//! uploaded file, check its proof against the keys this server trusts and its terms against this
//! installation, and turn it into the organization's terms. Upload always works, whatever the
//! current license's state.

use kinwarden_config::keys;
use kinwarden_core::license::{self, OrganizationLicense, VerifiedLicense};
use kinwarden_store::LicenseTerms;

use crate::App;
use crate::error::AppError;
use crate::licenses::trust::server_trust_store;

/// The reference refuses license files above this size.
pub const MAX_LICENSE_BYTES: usize = 51_200;

/// Parses and checks an uploaded license for this installation, now, against the keys this
/// server trusts (read at each use, so adding a certificate needs no restart).
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
    let (trust, problems) = server_trust_store(&state.config);
    license::verify(&license, &trust, installation_id, state.clock.now()).map_err(|reason| {
        // The files' paths are for the operator's log, which names them.
        let hint = if problems && matches!(reason, license::LicenseError::Untrusted { .. }) {
            " Some configured license certificates could not be read; the server's log names them."
        } else {
            ""
        };
        AppError::BadRequest(format!("Invalid license. {reason}{hint}"))
    })
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
