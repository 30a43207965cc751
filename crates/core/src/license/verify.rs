//! Whether a license may be used on this installation now: one pure function, the same for the
//! cloud's tests, `kinwarden license verify`, and a self-hosted server's upload and validation.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::data::{Variant, document_data, legacy_data};
use super::document::{LICENSE_TYPE_ORGANIZATION, OrganizationLicense};
use super::keys::LicensePublicKey;
use super::{MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION, hash_of};

/// Why a license is refused. The texts are the reference's lines (§5.5), which the API shows
/// after "Invalid license. ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    /// A signature is missing or does not match: the file was changed or not signed by the cloud
    /// this server trusts.
    #[error("The license verification failed.")]
    BadSignature,
    #[error("The installation ID does not match the current installation.")]
    WrongInstallation,
    #[error("The license hasn't been issued yet.")]
    NotYetIssued,
    #[error("The license has expired.")]
    Expired,
    #[error("{}", unsupported_version(*.0))]
    UnsupportedVersion(i32),
    #[error("Your cloud-hosted organization is currently disabled.")]
    Disabled,
    #[error("The license does not allow for on-premise hosting of organizations.")]
    SelfHostNotAllowed,
    #[error(
        "Premium licenses cannot be applied to an organization vault. Upload this license from your personal account Settings page."
    )]
    NotOrganizationLicense,
}

/// The reference's text, plus what to do when the file is newer than this Kinwarden (SPEC §5
/// step 10).
fn unsupported_version(version: i32) -> String {
    if version > MAX_SUPPORTED_VERSION {
        format!(
            "Version {version} is not supported. This Kinwarden reads license versions up to \
             {MAX_SUPPORTED_VERSION}: update Kinwarden, then upload the license again."
        )
    } else {
        format!("Version {version} is not supported.")
    }
}

/// A license that passed [`verify`]; only that function makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedLicense(OrganizationLicense);

impl VerifiedLicense {
    pub fn license(&self) -> &OrganizationLicense {
        &self.0
    }

    pub fn into_inner(self) -> OrganizationLicense {
        self.0
    }
}

/// Checks, in this order: Kinwarden's whole-document signature (any changed field fails), the
/// version, the legacy hash and signature, then the reference's usability checks.
pub fn verify(
    license: &OrganizationLicense,
    key: &LicensePublicKey,
    expected_installation_id: Uuid,
    now: DateTime<Utc>,
) -> Result<VerifiedLicense, LicenseError> {
    // The whole-document signature first: a tampered version number must read as tampering,
    // not as "update Kinwarden".
    let document_signed = license
        .kinwarden_signature
        .as_deref()
        .is_some_and(|sig| key.verifies(&document_data(license), sig));
    if !document_signed {
        return Err(LicenseError::BadSignature);
    }
    if !(MIN_SUPPORTED_VERSION..=MAX_SUPPORTED_VERSION).contains(&license.version) {
        return Err(LicenseError::UnsupportedVersion(license.version));
    }
    let hash_matches =
        license.hash.as_deref() == Some(hash_of(&legacy_data(license, Variant::Hash)).as_str());
    let legacy_signed = license
        .signature
        .as_deref()
        .is_some_and(|sig| key.verifies(legacy_data(license, Variant::Signature).as_bytes(), sig));
    if !hash_matches || !legacy_signed {
        return Err(LicenseError::BadSignature);
    }
    // A missing LicenseType is allowed, as in the reference.
    if license
        .license_type
        .is_some_and(|t| t != LICENSE_TYPE_ORGANIZATION)
    {
        return Err(LicenseError::NotOrganizationLicense);
    }
    if !license.enabled {
        return Err(LicenseError::Disabled);
    }
    if license.installation_id != expected_installation_id {
        return Err(LicenseError::WrongInstallation);
    }
    if !license.self_host {
        return Err(LicenseError::SelfHostNotAllowed);
    }
    if license.issued > now {
        return Err(LicenseError::NotYetIssued);
    }
    if license.expires.is_some_and(|expires| expires < now) {
        return Err(LicenseError::Expired);
    }
    Ok(VerifiedLicense(license.clone()))
}
