//! Organization licenses (reference §5, SPEC §9 "license"): the document, the data strings that
//! are hashed and signed, signing on the cloud, and the one verification both sides use.
//! The scheme is described in docs/LICENSING.md.

mod claims;
mod data;
mod dates;
mod document;
mod fit;
mod issue;
mod keys;
mod plan_type;
mod token;
mod trust;
mod verify;

#[cfg(test)]
mod reference_strings;
#[cfg(test)]
mod tests;

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub use claims::{claims_of, contradiction, license_from_claims};
pub use data::{Variant, document_data, legacy_data, plan_type_name};
pub use dates::{epoch_seconds, format_claim_date, format_document_date, parse_document_date};
pub use document::{
    Casing, KINWARDEN_SIGNATURE, LICENSE_TYPE_ORGANIZATION, OrganizationLicense, ParseError,
    property_names,
};
pub use fit::{OrganizationUsage, fits};
pub use issue::{
    BillingPeriod, GRACE_PERIOD_DAYS, LicenseDates, OrganizationFacts, build, license_dates,
};
pub use keys::{KeyError, LicensePublicKey, LicenseSigningKey};
pub use plan_type::{parse_license_type, parse_plan_type};
pub use token::{ISSUER, audience, sign_token, verify_token};
pub use trust::{
    BITWARDEN_CERTIFICATE_PEM, BITWARDEN_THUMBPRINT, TrustSource, TrustStore, TrustedKey,
    certificate_x5t, keys_from_pem, thumbprint, thumbprint_of_x5t, x5t,
};
pub use verify::{LicenseError, Proof, Unusable, VerifiedLicense, verify};

/// The version the cloud issues unless told otherwise (reference §5.2).
pub const CURRENT_VERSION: i32 = 15;
/// The versions this Kinwarden reads (reference §5.3).
pub const MIN_SUPPORTED_VERSION: i32 = 1;
pub const MAX_SUPPORTED_VERSION: i32 = 16;

/// A new organization license key: 20 random alphanumerics, the reference's shape.
pub fn new_license_key() -> Result<String, crate::secrets::RandomError> {
    crate::secrets::random_alphanumeric(20)
}

/// `Hash`: base64 of SHA-256 of the UTF-8 hash data.
pub fn hash_of(hash_data: &str) -> String {
    STANDARD.encode(digest::digest(&digest::SHA256, hash_data.as_bytes()))
}

/// Fills in `Hash` and the legacy `Signature` (a license without a token, as the reference's
/// cloud issued before 2025).
pub fn sign_legacy(
    mut license: OrganizationLicense,
    key: &LicenseSigningKey,
) -> Result<OrganizationLicense, KeyError> {
    license.token = None;
    license.kinwarden_signature = None;
    license.hash = Some(hash_of(&legacy_data(&license, Variant::Hash)));
    license.signature = Some(key.sign(legacy_data(&license, Variant::Signature).as_bytes())?);
    Ok(license)
}

/// Fills in every proof, each later one covering the earlier ones: `Hash`, the legacy
/// `Signature`, the `Token` (its claims are the license's fields, issued at `Issued`, naming the
/// signing certificate by `x5t` when there is one), and Kinwarden's whole-document signature.
pub fn sign(
    license: OrganizationLicense,
    key: &LicenseSigningKey,
    certificate_x5t: Option<&str>,
) -> Result<OrganizationLicense, KeyError> {
    let mut license = sign_legacy(license, key)?;
    let claims = claims_of(&license, license.issued);
    license.token = Some(sign_token(&claims, key, certificate_x5t)?);
    license.kinwarden_signature = Some(key.sign(&document_data(&license))?);
    Ok(license)
}
