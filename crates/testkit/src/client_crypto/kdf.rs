//! Master key, server hash and stretched key (reference §5.1).

use std::num::NonZeroU32;

use aws_lc_rs::{hkdf, pbkdf2};

use super::{CryptoError, SymmetricKey, b64};

/// The key derivation function of an account, as prelogin reports it.
///
/// Only PBKDF2-SHA256 (`kdf` 0) is implemented: Argon2id (`kdf` 1) is not available in
/// aws-lc-rs, and tests choose the KDF of the accounts they register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    Pbkdf2Sha256 { iterations: NonZeroU32 },
}

impl Kdf {
    /// The web vault's default and minimum.
    pub const DEFAULT_ITERATIONS: u32 = 600_000;

    pub fn pbkdf2(iterations: u32) -> Result<Self, CryptoError> {
        let iterations = NonZeroU32::new(iterations).ok_or(CryptoError::ZeroIterations)?;
        Ok(Kdf::Pbkdf2Sha256 { iterations })
    }

    /// The `kdf` number on the wire (0 = PBKDF2-SHA256).
    pub fn wire_type(&self) -> u8 {
        match self {
            Kdf::Pbkdf2Sha256 { .. } => 0,
        }
    }

    /// The `kdfIterations` on the wire.
    pub fn iterations(&self) -> u32 {
        match self {
            Kdf::Pbkdf2Sha256 { iterations } => iterations.get(),
        }
    }
}

/// The salt of the master key: `email.trim().toLowerCase()` (§5.1 step 1).
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The 32-byte master key (§5.1 step 2). It never leaves the client.
pub fn master_key(password: &str, email: &str, kdf: &Kdf) -> [u8; 32] {
    let salt = normalize_email(email);
    let mut out = [0u8; 32];
    match kdf {
        Kdf::Pbkdf2Sha256 { iterations } => pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            *iterations,
            salt.as_bytes(),
            password.as_bytes(),
            &mut out,
        ),
    }
    out
}

/// The `masterPasswordHash` (§5.1 step 3): what the server stores (hashed again) and what the
/// token request sends as `password`.
pub fn server_hash(master_key: &[u8; 32], password: &str) -> String {
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        NonZeroU32::MIN,
        password.as_bytes(),
        master_key,
        &mut out,
    );
    b64(&out)
}

/// The stretched master key (§5.1 step 4): HKDF-Expand with "enc" and "mac", with *no* Extract
/// step, which is why the master key is used as the PRK directly.
pub fn stretch(master_key: &[u8; 32]) -> Result<SymmetricKey, CryptoError> {
    let mut bytes = [0u8; 64];
    let (enc, mac) = bytes.split_at_mut(32);
    hkdf_expand(master_key, b"enc", enc)?;
    hkdf_expand(master_key, b"mac", mac)?;
    Ok(SymmetricKey::from_bytes(bytes))
}

/// HKDF-Expand(PRK, info) with SHA-256 into `out` (at most 255 × 32 bytes).
pub(super) fn hkdf_expand(prk: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
    struct Len(usize);
    impl hkdf::KeyType for Len {
        fn len(&self) -> usize {
            self.0
        }
    }
    let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, prk);
    let infos = [info];
    prk.expand(&infos, Len(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| CryptoError::Failed("HKDF-Expand"))
}
