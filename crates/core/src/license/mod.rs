//! Organization licenses (reference §5, SPEC §9 "license"): the document, the data strings that
//! are hashed and signed, signing on the cloud, and the one verification both sides use.
//! The scheme is described in docs/LICENSING.md.

mod data;
mod document;
mod issue;
mod keys;
mod verify;

#[cfg(test)]
mod tests;

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub use data::{Variant, document_data, legacy_data, plan_type_name};
pub use document::{
    Casing, LICENSE_TYPE_ORGANIZATION, OrganizationLicense, ParseError, property_names,
};
pub use issue::{LicenseDates, OrganizationFacts, build, license_dates};
pub use keys::{KeyError, LicensePublicKey, LicenseSigningKey};
pub use verify::{LicenseError, VerifiedLicense, verify};

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

/// Fills in `Hash`, the legacy `Signature`, and Kinwarden's whole-document signature, in that
/// order: each later one covers the earlier ones.
pub fn sign(
    mut license: OrganizationLicense,
    key: &LicenseSigningKey,
) -> Result<OrganizationLicense, KeyError> {
    license.kinwarden_signature = None;
    license.hash = Some(hash_of(&legacy_data(&license, Variant::Hash)));
    license.signature = Some(key.sign(legacy_data(&license, Variant::Signature).as_bytes())?);
    license.kinwarden_signature = Some(key.sign(&document_data(&license))?);
    Ok(license)
}
