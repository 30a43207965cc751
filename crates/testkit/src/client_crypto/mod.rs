//! Client-side cryptography of a Bitwarden client, so that tests can register users, log in,
//! create organizations and confirm members the way the web vault and the `bw` CLI do.
//!
//! The algorithms follow the reference `bitwarden-ui-and-ops.md` §5.1–5.6:
//!
//! * [`master_key`]: PBKDF2-HMAC-SHA256(password, salt = e-mail trimmed and lower-cased);
//! * [`server_hash`]: the `masterPasswordHash` sent to the server, base64 of
//!   PBKDF2-HMAC-SHA256(master key, salt = password, 1 iteration);
//! * [`stretch`]: HKDF-*Expand only* of the master key into a 64-byte [`SymmetricKey`];
//! * [`EncString`] type 2 (AES-256-CBC + HMAC-SHA256 over iv ‖ ct, MAC checked first) and
//!   type 4 (RSA-OAEP with SHA-1 and MGF1-SHA-1);
//! * [`RsaKeyPair`]: RSA-2048, public key as base64 SPKI DER, private key as PKCS#8 DER;
//! * [`ClientAccount`] and [`OrganizationKeys`]: the request bodies of registration,
//!   organization creation and member confirmation.
//!
//! Everything runs on `aws-lc-rs`, the one crypto provider of the project. This is test code: it
//! makes no attempt to zeroize secrets.

mod account;
mod enc_string;
mod kdf;
mod rsa;
mod symmetric;
#[cfg(test)]
mod tests;

pub use account::{AsymmetricKeys, ClientAccount, OrganizationKeys, RegisterFinish};
pub use enc_string::EncString;
pub use kdf::{Kdf, master_key, normalize_email, server_hash, stretch};
pub use rsa::{RsaKeyPair, encrypt_for_public_key};
pub use symmetric::SymmetricKey;

/// Why a client-side crypto operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("malformed EncString: {0}")]
    Malformed(String),
    #[error("EncString MAC does not match (wrong key or tampered data)")]
    MacMismatch,
    #[error("EncString type {found} where type {expected} was expected")]
    WrongType { expected: u8, found: u8 },
    #[error("key rejected: {0}")]
    KeyRejected(String),
    #[error("invalid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("KDF iterations must be at least 1")]
    ZeroIterations,
    #[error("cryptographic operation failed: {0}")]
    Failed(&'static str),
}

/// Standard base64 with padding, as Bitwarden uses everywhere in EncStrings and keys.
pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Result<Vec<u8>, CryptoError> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::STANDARD.decode(text)?)
}
